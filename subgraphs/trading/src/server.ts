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
  type EventBus,
  type Knex,
  type Logger,
  type RunningHost,
  type ServiceMetrics,
  type EntityEventStream,
} from '#shared';
import { createMarketClient, createPortfolioClient } from './clients.js';
import type { TradingContext, TradingServices } from './context.js';
import { createTradingLoaders } from './loaders.js';
import { createOrderEvents } from './order-events.js';
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
  events: EventBus;
  logger: Logger;
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
    events: options.events,
    orderEvents: createOrderEvents(options.events, options.logger),
  };
}

export interface TradingServerOptions {
  metrics?: ServiceMetrics;
  /** Entity-changed events for routers, served at /_events. */
  entityEvents?: EntityEventStream;
  services: TradingServices;
  logger: Logger;
  identitySecret: string;
  port: number;
  host?: string;
}

export async function startTradingServer(options: TradingServerOptions): Promise<RunningHost> {
  const { services, logger, identitySecret, port, host } = options;
  const verifyIdentity = createIdentityVerifier(identitySecret);
  const schema = createSubgraphSchema(TRADING_SDL, resolvers);
  const apollo = createSubgraphApollo<TradingContext>(schema);

  return hostApollo({
    apollo,
    subscriptions: { schema },
    metrics: options.metrics,
    entityEvents: options.entityEvents,
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
