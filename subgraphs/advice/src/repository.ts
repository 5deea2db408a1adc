import { isUuid, type Knex } from '#shared';
import type { RiskProfile } from './engine.js';

export const DEFAULT_PROFILE: RiskProfile = 'BALANCED';

/** Every query here only reads: pass the reader (a replica when configured). */
export function createAdviceRepository(db: Knex) {
  return {
    async profilesFor(
      portfolioIds: readonly string[],
      userId: string,
    ): Promise<{ portfolioId: string; profile: RiskProfile }[]> {
      const valid = portfolioIds.filter(isUuid);
      if (valid.length === 0) return [];
      return db('risk_profiles')
        .select({ portfolioId: 'portfolio_id', profile: 'profile' })
        .whereIn('portfolio_id', valid)
        .andWhere('user_id', userId);
    },

    async modelAllocations(): Promise<Map<RiskProfile, Record<string, string>>> {
      const rows: { profile: RiskProfile; assetClass: string; weight: string }[] = await db(
        'model_allocations',
      ).select({ profile: 'profile', assetClass: 'asset_class', weight: 'weight' });
      const models = new Map<RiskProfile, Record<string, string>>();
      for (const row of rows) {
        models.set(row.profile, { ...models.get(row.profile), [row.assetClass]: row.weight });
      }
      return models;
    },
  };
}

export type AdviceRepository = ReturnType<typeof createAdviceRepository>;
