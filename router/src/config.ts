import {
  DEV_IDENTITY_SECRET,
  envInt,
  envPort,
  envUrl,
  loadConfig,
  logLevel,
  nodeEnv,
  requireSecretInProduction,
  type Environment,
} from '#shared';
import { z } from 'zod';

export const DEV_JWT_SECRET = 'moneta-dev-jwt-secret-do-not-use-in-production';

export function loadRouterConfig(env: Environment = process.env) {
  const config = loadConfig(
    {
      NODE_ENV: nodeEnv,
      LOG_LEVEL: logLevel,
      HOST: z.string().default('0.0.0.0'),
      ROUTER_PORT: envPort(4000),
      SUPERGRAPH_PATH: z.string().default('supergraph.graphql'),
      JWT_SECRET: z.string().min(32).default(DEV_JWT_SECRET),
      JWKS_URL: envUrl(),
      JWT_ISSUER: z.string().optional(),
      JWT_AUDIENCE: z.string().optional(),
      INTERNAL_IDENTITY_SECRET: z.string().min(32).default(DEV_IDENTITY_SECRET),
      PORTFOLIO_URL: envUrl(),
      TRADING_URL: envUrl(),
      MARKET_URL: envUrl(),
      ADVICE_URL: envUrl(),
      SUBGRAPH_TIMEOUT_MS: envInt(10_000, 1),
      PERSISTED_OPERATIONS: z.enum(['allow-all', 'safelist', 'log-only']).optional(),
      PERSISTED_MANIFEST_PATH: z.string().default('persisted-queries/manifest.json'),
      REDIS_URL: envUrl(),
      REDIS_PREFIX: z
        .string()
        .regex(/^[\w:.-]*$/, 'letters, digits and : . _ - only')
        .default('moneta:'),
      RESPONSE_CACHE: z.enum(['on', 'off']).default('on'),
      RESPONSE_CACHE_MAX_MB: envInt(64, 1),
    },
    env,
  );

  requireSecretInProduction(
    config.NODE_ENV,
    'INTERNAL_IDENTITY_SECRET',
    config.INTERNAL_IDENTITY_SECRET,
    DEV_IDENTITY_SECRET,
  );
  if (!config.JWKS_URL) {
    requireSecretInProduction(config.NODE_ENV, 'JWT_SECRET', config.JWT_SECRET, DEV_JWT_SECRET);
  }
  // Production accepts only what clients shipped unless told otherwise.
  const persisted =
    config.PERSISTED_OPERATIONS ?? (config.NODE_ENV === 'production' ? 'safelist' : 'allow-all');
  return Object.freeze({ ...config, PERSISTED_OPERATIONS: persisted });
}

export type RouterConfig = ReturnType<typeof loadRouterConfig>;

/** Subgraph URLs given in the environment win over those composed into the supergraph. */
export function subgraphUrlOverrides(config: RouterConfig): Record<string, string | undefined> {
  return {
    portfolio: config.PORTFOLIO_URL,
    trading: config.TRADING_URL,
    market: config.MARKET_URL,
    advice: config.ADVICE_URL,
  };
}

/** Subgraph name → URL, as composed into the supergraph, with the environment's overrides. */
export function subgraphUrls(config: RouterConfig, supergraphSdl: string): Record<string, string> {
  const overrides = subgraphUrlOverrides(config);
  const urls: Record<string, string> = {};
  for (const match of supergraphSdl.matchAll(/@join__graph\(name: "([^"]+)", url: "([^"]+)"\)/g)) {
    const [, name, url] = match as unknown as [string, string, string];
    urls[name] = overrides[name] ?? url;
  }
  return urls;
}
