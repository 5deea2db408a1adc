import { envInt, envPort, loadConfig, subgraphEnvironment, type Environment } from '#shared';
import { z } from 'zod';

export function loadTradingConfig(env: Environment = process.env) {
  return loadConfig(
    {
      ...subgraphEnvironment,
      TRADING_PORT: envPort(4002),
      MARKET_URL: z.url().default('http://127.0.0.1:4003/graphql'),
      PORTFOLIO_URL: z.url().default('http://127.0.0.1:4001/graphql'),
      MARKET_ORDER_PROTECTION_BPS: envInt(200),
      LIMIT_MATCH_INTERVAL_MS: envInt(1_000, 50),
      JOB_CONCURRENCY: envInt(16, 1),
      JOB_STALE_LOCK_SECONDS: envInt(60, 5),
      JOB_POLL_INTERVAL_MS: envInt(1_000, 10),
      RESERVATION_TRUST_SECONDS: envInt(60, 1),
    },
    env,
  );
}
