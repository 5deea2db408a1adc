import type { BaseContext, EventBus, Knex } from '#shared';
import type { PortfolioLoaders } from './loaders.js';
import type { FxRates, MarketPriceLoader } from './market-client.js';
import type { PerformanceService } from './performance-service.js';
import type { ValuationStreams } from './valuation-stream.js';

export interface PortfolioContext extends BaseContext {
  readonly loaders: PortfolioLoaders;
  readonly market: MarketPriceLoader;
  /** Exchange rates for holds, fetched afresh (shared by holds asked for together). */
  readonly fxRates: FxRates;
  readonly db: Knex;
  readonly performance: PerformanceService;
  /** Where committed changes are announced. */
  readonly events: EventBus;
  readonly valuations: ValuationStreams;
}
