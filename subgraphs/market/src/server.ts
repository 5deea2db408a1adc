import Fastify from 'fastify';
import mercurius from 'mercurius';
import {
  attachSubscriptionServer,
  createBaseContext,
  createHealth,
  createIdentityVerifier,
  createSubgraphSchema,
  pingDatabase,
  readSchemaFile,
  type EventBus,
  type HeaderGetter,
  type Knex,
  type Logger,
  type RunningHost,
  type ServiceMetrics,
  type EntityEventStream,
  ENTITY_EVENTS_PATH,
} from '#shared';
import type { MarketContext } from './context.js';
import { createMarketLoaders } from './loaders.js';
import { createMarketRepository } from './repository.js';
import { resolvers } from './resolvers.js';

export const MARKET_SDL = readSchemaFile(new URL('../schema.graphql', import.meta.url));

export interface MarketServerOptions {
  /** Read-only queries go here; defaults to `db`. */
  reader?: Knex;
  metrics?: ServiceMetrics;
  /** Entity-changed events for routers, served at /_events. */
  entityEvents?: EntityEventStream;
  db: Knex;
  logger: Logger;
  /** Where the feed's ticks arrive, for subscriptions. */
  events: EventBus;
  identitySecret: string;
  port: number;
  host?: string;
}

/**
 * The market subgraph on Fastify + Mercurius. Mercurius's own federation support is
 * Federation 1 only, so it serves a Federation 2 schema built by @apollo/subgraph instead.
 */
export async function startMarketServer(options: MarketServerOptions): Promise<RunningHost> {
  const { db, logger, identitySecret, port, host = '0.0.0.0' } = options;
  const repository = createMarketRepository(options.reader ?? db);
  const verifyIdentity = createIdentityVerifier(identitySecret);
  const health = createHealth([{ name: 'database', check: () => pingDatabase(db) }]);

  const schema = createSubgraphSchema(MARKET_SDL, resolvers);
  const createContext = async (header: HeaderGetter): Promise<MarketContext> => {
    const base = await createBaseContext(header, verifyIdentity, logger);
    return {
      ...base,
      repository,
      events: options.events,
      loaders: createMarketLoaders(repository),
    };
  };

  // Per-request lines are logged at info by Fastify; this service logs requests at debug only.
  const app = Fastify({ loggerInstance: logger.child({ component: 'http' }, { level: 'warn' }) });
  await app.register(mercurius, {
    schema,
    path: '/graphql',
    graphiql: false,
    context: (request) =>
      createContext((name) => {
        const value = request.headers[name];
        return Array.isArray(value) ? value[0] : value;
      }),
  });

  // Mercurius's own subscriptions bring their own pub/sub and context; the shared graphql-ws
  // server on Fastify's node:http server serves the same schema exactly as the Apollo
  // subgraphs serve theirs.
  const subscriptions = attachSubscriptionServer({
    server: app.server,
    schema,
    context: createContext,
    logger,
  });

  app.get('/healthz', async () => ({ status: 'ok' }));
  const entityEvents = options.entityEvents;
  if (entityEvents) {
    app.get(ENTITY_EVENTS_PATH, (request, reply) => {
      // The stream outlives Fastify's request cycle: hand the raw response to it.
      reply.hijack();
      void entityEvents.handle(request.raw, reply.raw);
    });
  }
  const metrics = options.metrics;
  if (metrics) {
    app.get('/metrics', async (_request, reply) =>
      reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
    );
  }
  app.get('/readyz', async (_request, reply) => {
    const report = await health.readiness();
    return reply.code(report.ready ? 200 : 503).send(report);
  });

  await app.listen({ port, host });
  const bound = app.server.address();
  const boundPort = typeof bound === 'object' && bound ? bound.port : port;

  return {
    port: boundPort,
    url: `http://127.0.0.1:${boundPort}/graphql`,
    async close() {
      health.drain();
      await subscriptions.close();
      entityEvents?.close();
      await app.close();
    },
  };
}
