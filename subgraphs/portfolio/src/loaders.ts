import DataLoader from 'dataloader';
import type { Holding, Portfolio, User } from './model.js';
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
  };
}

export type PortfolioLoaders = ReturnType<typeof createPortfolioLoaders>;
