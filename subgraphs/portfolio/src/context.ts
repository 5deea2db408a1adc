import type { BaseContext, EventBus, Knex } from '#shared';
import type { PortfolioLoaders } from './loaders.js';
import type { MarketPriceLoader } from './market-client.js';
import type { PerformanceService } from './performance-service.js';
import type { ValuationStreams } from './valuation-stream.js';

export interface PortfolioContext extends BaseContext {
  readonly loaders: PortfolioLoaders;
  readonly market: MarketPriceLoader;
  readonly db: Knex;
  readonly performance: PerformanceService;
  /** Where committed changes are announced. */
  readonly events: EventBus;
  readonly valuations: ValuationStreams;
}
