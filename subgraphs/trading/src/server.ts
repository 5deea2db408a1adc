import {
  createBaseContext,
  createGraphQLClient,
  createHealth,
  createIdentitySigner,
  createIdentityVerifier,
  createSubgraphApollo,
  createSubgraphSchema,
  hostApollo,
  pingDatabase,
  readSchemaFile,
  type Knex,
  type Logger,
  type RunningHost,
  type ServiceMetrics,
} from '#shared';
import { createMarketClient, createPortfolioClient } from './clients.js';
import type { TradingContext, TradingServices } from './context.js';
import { createTradingLoaders } from './loaders.js';
import { createTradingRepository } from './repository.js';
import { resolvers } from './resolvers.js';

export const TRADING_SDL = readSchemaFile(new URL('../schema.graphql', import.meta.url));

export interface TradingServicesOptions {
  db: Knex;
  /** Read-only lists go here; defaults to `db`. */
  reader?: Knex;
  identitySecret: string;
  marketUrl: string;
  portfolioUrl: string;
  marketProtectionBps?: number;
  reservationTrustSeconds?: number;
}

export function createTradingServices(options: TradingServicesOptions): TradingServices {
  const sign = createIdentitySigner({ secret: options.identitySecret });
  return {
    db: options.db,
    repository: createTradingRepository(options.db, options.reader),
    market: createMarketClient(createGraphQLClient({ url: options.marketUrl, service: 'market' })),
    portfolios: createPortfolioClient(
      createGraphQLClient({ url: options.portfolioUrl, service: 'portfolio' }),
    ),
    signAsTrading: (userId) => sign({ userId, service: 'trading' }),
    marketProtectionBps: options.marketProtectionBps ?? 200,
    reservationTrustMs: (options.reservationTrustSeconds ?? 60) * 1000,
  };
}

export interface TradingServerOptions {
  metrics?: ServiceMetrics;
  services: TradingServices;
  logger: Logger;
  identitySecret: string;
  port: number;
  host?: string;
}

export async function startTradingServer(options: TradingServerOptions): Promise<RunningHost> {
  const { services, logger, identitySecret, port, host } = options;
  const verifyIdentity = createIdentityVerifier(identitySecret);
  const apollo = createSubgraphApollo<TradingContext>(createSubgraphSchema(TRADING_SDL, resolvers));

  return hostApollo({
    apollo,
    metrics: options.metrics,
    logger,
    port,
    host,
    health: createHealth([{ name: 'database', check: () => pingDatabase(services.db) }]),
    async context(header) {
      const base = await createBaseContext(header, verifyIdentity, logger);
      return { ...base, ...services, loaders: createTradingLoaders(services.repository) };
    },
  });
}
