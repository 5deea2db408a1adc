import { envPort, loadConfig, subgraphEnvironment, type Environment } from '#shared';

export function loadMarketConfig(env: Environment = process.env) {
  return loadConfig({ ...subgraphEnvironment, MARKET_PORT: envPort(4003) }, env);
}

export type MarketConfig = ReturnType<typeof loadMarketConfig>;
