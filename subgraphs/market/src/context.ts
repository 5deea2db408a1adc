import type { BaseContext, EventBus } from '#shared';
import type { MarketLoaders } from './loaders.js';
import type { MarketRepository } from './repository.js';

export interface MarketContext extends BaseContext {
  readonly loaders: MarketLoaders;
  readonly repository: MarketRepository;
  /** Where subscriptions hear the feed's ticks. */
  readonly events: EventBus;
}
