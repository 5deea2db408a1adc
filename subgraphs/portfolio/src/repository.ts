import { isUuid, type Knex } from '#shared';
import type { Holding, Portfolio, User } from './model.js';

const PORTFOLIO_COLUMNS = {
  id: 'id',
  userId: 'user_id',
  name: 'name',
  baseCurrency: 'base_currency',
  cash: 'cash',
  createdAt: 'created_at',
};

/** All SQL of the portfolio subgraph; each read takes many keys so loaders can batch. */
export function createPortfolioRepository(db: Knex) {
  return {
    async usersByIds(ids: readonly string[]): Promise<User[]> {
      const valid = ids.filter(isUuid);
      if (valid.length === 0) return [];
      return db('users')
        .select({ id: 'id', username: 'username', displayName: 'display_name' })
        .whereIn('id', valid);
    },

    async portfoliosByIds(ids: readonly string[]): Promise<Portfolio[]> {
      const valid = ids.filter(isUuid);
      if (valid.length === 0) return [];
      return db('portfolios').select(PORTFOLIO_COLUMNS).whereIn('id', valid);
    },

    async portfoliosByUserIds(userIds: readonly string[]): Promise<Portfolio[]> {
      const valid = userIds.filter(isUuid);
      if (valid.length === 0) return [];
      return db('portfolios')
        .select(PORTFOLIO_COLUMNS)
        .whereIn('user_id', valid)
        .orderBy([{ column: 'created_at' }, { column: 'id' }]);
    },

    async holdingsByPortfolioIds(portfolioIds: readonly string[]): Promise<Holding[]> {
      return db('holdings')
        .select({
          portfolioId: 'portfolio_id',
          instrumentId: 'instrument_id',
          quantity: 'quantity',
          averageCost: 'average_cost',
          currency: 'currency',
        })
        .whereIn('portfolio_id', portfolioIds)
        .orderByRaw('portfolio_id, quantity * average_cost desc, instrument_id');
    },
  };
}

export type PortfolioRepository = ReturnType<typeof createPortfolioRepository>;
