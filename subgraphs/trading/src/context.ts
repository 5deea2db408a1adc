import type { BaseContext } from '#shared';
import type { MarketClient, PortfolioClient } from './clients.js';
import type { TradingLoaders } from './loaders.js';
import type { TradingRepository } from './repository.js';

export interface TradingContext extends BaseContext {
  readonly loaders: TradingLoaders;
  readonly repository: TradingRepository;
  readonly market: MarketClient;
  readonly portfolios: PortfolioClient;
}
