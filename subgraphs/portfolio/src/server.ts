import {
  createBaseContext,
  createCache,
  createGraphQLClient,
  createHealth,
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
import type { PortfolioContext } from './context.js';
import { createPortfolioLoaders } from './loaders.js';
import { createFxRates, createMarketPriceLoader } from './market-client.js';
import { createPerformanceService } from './performance-service.js';
import { createPortfolioRepository } from './repository.js';
import { resolvers } from './resolvers.js';
import { createValuationStreams } from './valuation-stream.js';

export const PORTFOLIO_SDL = readSchemaFile(new URL('../schema.graphql', import.meta.url));

export interface PortfolioServerOptions {
  /** Read-only queries go here; defaults to `db`. */
  reader?: Knex;
  metrics?: ServiceMetrics;
  /** Entity-changed events for routers, served at /_events. */
  entityEvents?: EntityEventStream;
  db: Knex;
  logger: Logger;
  /** Where changes are announced and ticks arrive. */
  events: EventBus;
  identitySecret: string;
  marketUrl: string;
  redisUrl?: string | undefined;
  /** Starts every Redis key. Default `moneta:`. */
  redisPrefix?: string;
  performanceTtlSeconds?: number;
  port: number;
  host?: string;
}

export async function startPortfolioServer(options: PortfolioServerOptions): Promise<RunningHost> {
  const { db, logger, identitySecret, marketUrl, port, host } = options;
  const repository = createPortfolioRepository(options.reader ?? db);
  const verifyIdentity = createIdentityVerifier(identitySecret);
  const market = createGraphQLClient({ url: marketUrl, service: 'market' });
  const fxRates = createFxRates(market);
  const cache = createCache({
    redisUrl: options.redisUrl,
    prefix: `${options.redisPrefix ?? 'moneta:'}portfolio:`,
    logger,
  });
  const performance = createPerformanceService({
    db,
    market,
    cache,
    ttlSeconds: options.performanceTtlSeconds,
  });

  const valuations = createValuationStreams({
    db,
    events: options.events,
    market,
    logger,
    pollMs: options.events.kind === 'memory' ? 1_000 : undefined,
  });

  const schema = createSubgraphSchema(PORTFOLIO_SDL, resolvers);
  const apollo = createSubgraphApollo<PortfolioContext>(schema);

  const running = await hostApollo({
    apollo,
    metrics: options.metrics,
    entityEvents: options.entityEvents,
    logger,
    port,
    host,
    subscriptions: { schema },
    health: createHealth([{ name: 'database', check: () => pingDatabase(db) }]),
    async context(header) {
      const base = await createBaseContext(header, verifyIdentity, logger);
      return {
        ...base,
        db,
        events: options.events,
        valuations,
        performance,
        loaders: createPortfolioLoaders(repository),
        market: createMarketPriceLoader(market, base.requestId),
        fxRates,
      };
    },
  });
  return {
    url: running.url,
    port: running.port,
    async close() {
      await running.close();
      valuations.close();
      await cache.close();
    },
  };
}
