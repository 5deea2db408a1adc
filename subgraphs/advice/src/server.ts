import {
  createBaseContext,
  createGraphQLClient,
  createHealth,
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
  type EntityEventStream,
} from '#shared';
import type { AdviceContext } from './context.js';
import { createAdviceLoaders } from './loaders.js';
import { createMarketSummarySource } from './market-summary.js';
import { createAdviceRepository } from './repository.js';
import { resolvers } from './resolvers.js';

export const ADVICE_SDL = readSchemaFile(new URL('../schema.graphql', import.meta.url));

export interface AdviceServerOptions {
  /** Read-only queries go here; defaults to `db`. */
  reader?: Knex;
  metrics?: ServiceMetrics;
  /** Entity-changed events for routers, served at /_events. */
  entityEvents?: EntityEventStream;
  db: Knex;
  logger: Logger;
  identitySecret: string;
  marketUrl: string;
  marketSummaryTtlMs?: number;
  port: number;
  host?: string;
}

export async function startAdviceServer(options: AdviceServerOptions): Promise<RunningHost> {
  const { db, logger, identitySecret, port, host } = options;
  const repository = createAdviceRepository(options.reader ?? db);
  const verifyIdentity = createIdentityVerifier(identitySecret);
  const marketSummary = createMarketSummarySource({
    market: createGraphQLClient({ url: options.marketUrl, service: 'market' }),
    ttlMs: options.marketSummaryTtlMs,
  });

  const apollo = createSubgraphApollo<AdviceContext>(createSubgraphSchema(ADVICE_SDL, resolvers));

  return hostApollo({
    apollo,
    metrics: options.metrics,
    entityEvents: options.entityEvents,
    logger,
    port,
    host,
    health: createHealth([{ name: 'database', check: () => pingDatabase(db) }]),
    async context(header) {
      const base = await createBaseContext(header, verifyIdentity, logger);
      return {
        ...base,
        marketSummary,
        loaders: createAdviceLoaders(repository, base.identity?.userId),
      };
    },
  });
}
