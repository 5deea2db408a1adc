import { envInt, envPort, loadConfig, subgraphEnvironment, type Environment } from '#shared';
import { z } from 'zod';

export function loadAdviceConfig(env: Environment = process.env) {
  return loadConfig(
    {
      ...subgraphEnvironment,
      ADVICE_PORT: envPort(4004),
      MARKET_URL: z.url().default('http://127.0.0.1:4003/graphql'),
      MARKET_SUMMARY_TTL_MS: envInt(15_000),
    },
    env,
  );
}
