import DataLoader from 'dataloader';
import type { Holding, LedgerRow, Portfolio, User } from './model.js';
import type { PortfolioRepository } from './repository.js';

function one<Row>(keys: readonly string[], rows: Row[], keyOf: (row: Row) => string) {
  const found = new Map(rows.map((row) => [keyOf(row), row]));
  return keys.map((key) => found.get(key) ?? null);
}

function many<Row>(keys: readonly string[], rows: Row[], keyOf: (row: Row) => string) {
  const groups = new Map<string, Row[]>(keys.map((key) => [key, []]));
  for (const row of rows) groups.get(keyOf(row))?.push(row);
  return keys.map((key) => groups.get(key) ?? []);
}

/** Per-request batching of every relation the portfolio schema exposes. */
export function createPortfolioLoaders(repository: PortfolioRepository) {
  return {
    userById: new DataLoader<string, User | null>(async (ids) =>
      one(ids, await repository.usersByIds(ids), (row) => row.id),
    ),
    portfolioById: new DataLoader<string, Portfolio | null>(async (ids) =>
      one(ids, await repository.portfoliosByIds(ids), (row) => row.id),
    ),
    portfoliosByUserId: new DataLoader<string, Portfolio[]>(async (ids) =>
      many(ids, await repository.portfoliosByUserIds(ids), (row) => row.userId),
    ),
    holdingsByPortfolioId: new DataLoader<string, Holding[]>(async (ids) =>
      many(ids, await repository.holdingsByPortfolioIds(ids), (row) => row.portfolioId),
    ),
    reservedCashByPortfolioId: new DataLoader<string, string>(async (ids) => {
      const rows = await repository.reservedCash(ids);
      const found = new Map(rows.map((row) => [row.portfolioId, row.amount]));
      return ids.map((id) => found.get(id) ?? '0');
    }),
    // Keyed by "userId|instrumentId"; one statement per user however many instruments ask.
    heldQuantity: new DataLoader<string, string>(async (keys) => {
      const byUser = new Map<string, string[]>();
      for (const key of keys) {
        const [userId, instrumentId] = key.split('|') as [string, string];
        byUser.set(userId, [...(byUser.get(userId) ?? []), instrumentId]);
      }
      const held = new Map<string, string>();
      for (const [userId, instrumentIds] of byUser) {
        for (const row of await repository.heldQuantities(userId, instrumentIds)) {
          held.set(`${userId}|${row.instrumentId}`, row.quantity);
        }
      }
      return keys.map((key) => held.get(key) ?? '0');
    }),
    // Keyed by "portfolioId|first"; portfolios asked with the same `first` share a statement.
    statementByPortfolio: new DataLoader<string, LedgerRow[]>(async (keys) => {
      const byFirst = new Map<number, string[]>();
      for (const key of keys) {
        const [id, first] = key.split('|') as [string, string];
        byFirst.set(Number(first), [...(byFirst.get(Number(first)) ?? []), id]);
      }
      const results = new Map<string, LedgerRow[]>();
      for (const [first, ids] of byFirst) {
        for (const id of ids) results.set(`${id}|${first}`, []);
        for (const row of await repository.latestLedgerEntries(ids, first)) {
          results.get(`${row.portfolioId}|${first}`)?.push(row);
        }
      }
      return keys.map((key) => results.get(key) ?? []);
    }),
  };
}

export type PortfolioLoaders = ReturnType<typeof createPortfolioLoaders>;
