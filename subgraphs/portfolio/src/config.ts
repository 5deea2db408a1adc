import { envInt, envPort, loadConfig, subgraphEnvironment, type Environment } from '#shared';
import { z } from 'zod';

export function loadPortfolioConfig(env: Environment = process.env) {
  return loadConfig(
    {
      ...subgraphEnvironment,
      PORTFOLIO_PORT: envPort(4001),
      MARKET_URL: z.url().default('http://127.0.0.1:4003/graphql'),
      TRADING_URL: z.url().default('http://127.0.0.1:4002/graphql'),
      // Must exceed trading's RESERVATION_TRUST_SECONDS; see docs/trading.md.
      RESERVATION_ORPHAN_SECONDS: envInt(120, 2),
      RESERVATION_SWEEP_INTERVAL_MS: envInt(30_000, 100),
      PERFORMANCE_CACHE_TTL_SECONDS: envInt(60, 1),
    },
    env,
  );
}

export type PortfolioConfig = ReturnType<typeof loadPortfolioConfig>;
