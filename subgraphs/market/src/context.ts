import type { BaseContext } from '#shared';
import type { MarketLoaders } from './loaders.js';
import type { MarketRepository } from './repository.js';

export interface MarketContext extends BaseContext {
  readonly loaders: MarketLoaders;
  readonly repository: MarketRepository;
}
