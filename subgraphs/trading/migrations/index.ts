import type { Migration } from '#shared';
import { ordersAndFills } from './001-orders-and-fills.js';
import { execution } from './002-execution.js';

/** Every migration of the trading schema, oldest first. Append; never edit a shipped one. */
export const migrations: readonly Migration[] = [ordersAndFills, execution];
