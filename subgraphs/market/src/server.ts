import Fastify from 'fastify';
import mercurius from 'mercurius';
import {
  createBaseContext,
  createHealth,
  createIdentityVerifier,
  createSubgraphSchema,
  pingDatabase,
  readSchemaFile,
  type Knex,
  type Logger,
  type RunningHost,
  type ServiceMetrics,
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
  db: Knex;
  logger: Logger;
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

  // Per-request lines are logged at info by Fastify; this service logs requests at debug only.
  const app = Fastify({ loggerInstance: logger.child({ component: 'http' }, { level: 'warn' }) });
  await app.register(mercurius, {
    schema: createSubgraphSchema(MARKET_SDL, resolvers),
    path: '/graphql',
    graphiql: false,
    context: async (request): Promise<MarketContext> => {
      const header = (name: string) => {
        const value = request.headers[name];
        return Array.isArray(value) ? value[0] : value;
      };
      const base = await createBaseContext(header, verifyIdentity, logger);
      return { ...base, repository, loaders: createMarketLoaders(repository) };
    },
  });

  app.get('/healthz', async () => ({ status: 'ok' }));
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
      await app.close();
    },
  };
}
