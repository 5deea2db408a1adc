import type { BaseContext } from '#shared';
import type { AdviceLoaders } from './loaders.js';
import type { MarketSummarySource } from './market-summary.js';

export interface AdviceContext extends BaseContext {
  readonly loaders: AdviceLoaders;
  readonly marketSummary: MarketSummarySource;
}
