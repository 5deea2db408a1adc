import type { Migration } from '#shared';
import { instrumentsAndPrices } from './001-instruments-and-prices.js';
import { intradayBars } from './002-intraday-bars.js';

/** Every migration of the market schema, oldest first. Append; never edit a shipped one. */
export const migrations: readonly Migration[] = [instrumentsAndPrices, intradayBars];
