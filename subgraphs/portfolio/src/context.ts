import type { BaseContext, Knex } from '#shared';
import type { PortfolioLoaders } from './loaders.js';
import type { MarketPriceLoader } from './market-client.js';

export interface PortfolioContext extends BaseContext {
  readonly loaders: PortfolioLoaders;
  readonly market: MarketPriceLoader;
  readonly db: Knex;
}
