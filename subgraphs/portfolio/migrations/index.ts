import type { Migration } from '#shared';
import { usersPortfoliosLedger } from './001-users-portfolios-ledger.js';
import { reservations } from './002-reservations.js';

/** Every migration of the portfolio schema, oldest first. Append; never edit a shipped one. */
export const migrations: readonly Migration[] = [usersPortfoliosLedger, reservations];
