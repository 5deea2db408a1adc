import { envPort, loadConfig, subgraphEnvironment, type Environment } from '#shared';
import { z } from 'zod';

export function loadPortfolioConfig(env: Environment = process.env) {
  return loadConfig(
    {
      ...subgraphEnvironment,
      PORTFOLIO_PORT: envPort(4001),
      MARKET_URL: z.url().default('http://127.0.0.1:4003/graphql'),
    },
    env,
  );
}

export type PortfolioConfig = ReturnType<typeof loadPortfolioConfig>;
