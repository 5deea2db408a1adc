import { isUuid, type Knex } from '#shared';
import type { Holding, LedgerRow, Portfolio, User } from './model.js';

const PORTFOLIO_COLUMNS = {
  id: 'id',
  userId: 'user_id',
  name: 'name',
  baseCurrency: 'base_currency',
  cash: 'cash',
  createdAt: 'created_at',
};

/** All SQL of the portfolio subgraph; each read takes many keys so loaders can batch. */
/** Every query here only reads: pass the reader (a replica when configured). */
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

    /** Cash held for open buys, per portfolio. */
    async reservedCash(
      portfolioIds: readonly string[],
    ): Promise<{ portfolioId: string; amount: string }[]> {
      return db('reservations')
        .select({ portfolioId: 'portfolio_id' })
        .sum({ amount: 'cash_remaining' })
        .whereIn('portfolio_id', portfolioIds)
        .andWhere('state', 'OPEN')
        .groupBy('portfolio_id');
    },

    /** The newest `first` ledger entries of each portfolio, in one statement. */
    async latestLedgerEntries(
      portfolioIds: readonly string[],
      first: number,
    ): Promise<LedgerRow[]> {
      const ranked = db('ledger_entries')
        .select({
          id: 'id',
          portfolioId: 'portfolio_id',
          kind: 'kind',
          cashAmount: 'cash_amount',
          instrumentId: 'instrument_id',
          quantity: 'quantity',
          price: 'price',
          priceCurrency: 'price_currency',
          createdAt: 'created_at',
        })
        .select(db.raw('row_number() over (partition by portfolio_id order by id desc) as rank'))
        .whereIn('portfolio_id', portfolioIds);
      return db
        .select('id', 'portfolioId', 'kind', 'cashAmount', 'instrumentId', 'quantity', 'price')
        .select('priceCurrency', 'createdAt')
        .from(ranked.as('ranked'))
        .where('rank', '<=', first)
        .orderBy('id', 'desc');
    },

    /** What one user holds of each instrument, summed over their portfolios. */
    async heldQuantities(
      userId: string,
      instrumentIds: readonly string[],
    ): Promise<{ instrumentId: string; quantity: string }[]> {
      const valid = instrumentIds.filter(isUuid);
      if (!isUuid(userId) || valid.length === 0) return [];
      return db('holdings as h')
        .join('portfolios as p', 'p.id', 'h.portfolio_id')
        .select({ instrumentId: 'h.instrument_id' })
        .sum({ quantity: 'h.quantity' })
        .where('p.user_id', userId)
        .whereIn('h.instrument_id', valid)
        .groupBy('h.instrument_id');
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
