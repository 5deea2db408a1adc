import { envPort, loadConfig, subgraphEnvironment, type Environment } from '#shared';
import { z } from 'zod';

export function loadTradingConfig(env: Environment = process.env) {
  return loadConfig(
    {
      ...subgraphEnvironment,
      TRADING_PORT: envPort(4002),
      MARKET_URL: z.url().default('http://127.0.0.1:4003/graphql'),
      PORTFOLIO_URL: z.url().default('http://127.0.0.1:4001/graphql'),
    },
    env,
  );
}
