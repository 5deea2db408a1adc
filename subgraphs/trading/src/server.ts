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
} from '#shared';
import { createMarketClient, createPortfolioClient } from './clients.js';
import type { TradingContext } from './context.js';
import { createTradingLoaders } from './loaders.js';
import { createTradingRepository } from './repository.js';
import { resolvers } from './resolvers.js';

export const TRADING_SDL = readSchemaFile(new URL('../schema.graphql', import.meta.url));

export interface TradingServerOptions {
  db: Knex;
  logger: Logger;
  identitySecret: string;
  marketUrl: string;
  portfolioUrl: string;
  port: number;
  host?: string;
}

export async function startTradingServer(options: TradingServerOptions): Promise<RunningHost> {
  const { db, logger, identitySecret, port, host } = options;
  const repository = createTradingRepository(db);
  const verifyIdentity = createIdentityVerifier(identitySecret);
  const market = createMarketClient(
    createGraphQLClient({ url: options.marketUrl, service: 'market' }),
  );
  const portfolios = createPortfolioClient(
    createGraphQLClient({ url: options.portfolioUrl, service: 'portfolio' }),
  );

  const apollo = createSubgraphApollo<TradingContext>(createSubgraphSchema(TRADING_SDL, resolvers));

  return hostApollo({
    apollo,
    logger,
    port,
    host,
    health: createHealth([{ name: 'database', check: () => pingDatabase(db) }]),
    async context(header) {
      const base = await createBaseContext(header, verifyIdentity, logger);
      return { ...base, repository, market, portfolios, loaders: createTradingLoaders(repository) };
    },
  });
}
