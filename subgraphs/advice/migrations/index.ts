import type { Migration } from '#shared';
import { riskProfiles } from './001-risk-profiles.js';

/** Every migration of the advice schema, oldest first. Append; never edit a shipped one. */
export const migrations: readonly Migration[] = [riskProfiles];
