import { z } from 'zod';
import { envBoolean, envInt, envUrl, logLevel, nodeEnv } from './config.js';

export const DEV_IDENTITY_SECRET = 'moneta-dev-internal-identity-secret-change-me';

/**
 * Variables every subgraph reads. Each subgraph adds its port and the URLs of services it calls;
 * the README's configuration table lists them all with their defaults.
 */
export const subgraphEnvironment = {
  NODE_ENV: nodeEnv,
  LOG_LEVEL: logLevel,
  HOST: z.string().default('0.0.0.0'),
  DATABASE_URL: envUrl(),
  DATABASE_REPLICA_URL: envUrl(),
  REDIS_URL: envUrl(),
  // Starts every Redis key and channel, so that deployments (or test stacks) can share a Redis.
  REDIS_PREFIX: z
    .string()
    .regex(/^[\w:.-]*$/, 'letters, digits and : . _ - only')
    .default('moneta:'),
  DATABASE_POOL_MIN: envInt(0),
  DATABASE_POOL_MAX: envInt(10, 1),
  DATA_DIR: z.string().default('.data'),
  INTERNAL_IDENTITY_SECRET: z.string().min(32).default(DEV_IDENTITY_SECRET),
  MIGRATE_ON_START: envBoolean(true),
  SEED_DEMO: envBoolean(true),
};
