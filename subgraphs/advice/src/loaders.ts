import DataLoader from 'dataloader';
import { DEFAULT_PROFILE, type AdviceRepository } from './repository.js';
import type { RiskProfile } from './engine.js';

/** Per-request batching: one statement for the risk profiles of every portfolio in a query. */
export function createAdviceLoaders(repository: AdviceRepository, userId: string | undefined) {
  return {
    profileByPortfolioId: new DataLoader<string, RiskProfile>(async (ids) => {
      if (!userId) return ids.map(() => DEFAULT_PROFILE);
      const rows = await repository.profilesFor(ids, userId);
      const found = new Map(rows.map((row) => [row.portfolioId, row.profile]));
      return ids.map((id) => found.get(id) ?? DEFAULT_PROFILE);
    }),

    models: new DataLoader<'all', Map<RiskProfile, Record<string, string>>>(async (keys) => {
      const models = await repository.modelAllocations();
      return keys.map(() => models);
    }),
  };
}

export type AdviceLoaders = ReturnType<typeof createAdviceLoaders>;
