import type { Migration } from '#shared';
import { instrumentsAndPrices } from './001-instruments-and-prices.js';

/** Every migration of the market schema, oldest first. Append; never edit a shipped one. */
export const migrations: readonly Migration[] = [instrumentsAndPrices];
