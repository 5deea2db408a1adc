import DataLoader from 'dataloader';
import type { Fill, Order } from './model.js';
import type { OrdersPageKey, TradingRepository } from './repository.js';

/** Per-request batching of orders, fills and each portfolio's order list. */
export function createTradingLoaders(repository: TradingRepository) {
  return {
    orderById: new DataLoader<string, Order | null>(async (ids) => {
      const found = new Map((await repository.ordersByIds(ids)).map((row) => [row.id, row]));
      return ids.map((id) => found.get(id) ?? null);
    }),

    fillsByOrderId: new DataLoader<string, Fill[]>(async (ids) => {
      const groups = new Map<string, Fill[]>(ids.map((id) => [id, []]));
      for (const fill of await repository.fillsByOrderIds(ids))
        groups.get(fill.orderId)?.push(fill);
      return ids.map((id) => groups.get(id) ?? []);
    }),

    ordersByPortfolio: new DataLoader<OrdersPageKey, Order[], string>(
      async (keys) => {
        // Portfolios asked for with the same filter share one statement.
        const filters = new Map<string, OrdersPageKey[]>();
        for (const key of keys) {
          const filter = `${key.userId}|${key.statuses?.join(',') ?? ''}|${key.first}`;
          const group = filters.get(filter);
          if (group) group.push(key);
          else filters.set(filter, [key]);
        }

        const byPortfolio = new Map<string, Order[]>();
        for (const group of filters.values()) {
          const { userId, statuses, first } = group[0] as OrdersPageKey;
          const ids = group.map((key) => key.portfolioId);
          const rows = await repository.latestOrders(ids, userId, statuses, first);
          for (const key of group) byPortfolio.set(pageKey(key), []);
          for (const row of rows) {
            byPortfolio
              .get(pageKey({ ...(group[0] as OrdersPageKey), portfolioId: row.portfolioId }))
              ?.push(row);
          }
        }
        return keys.map((key) => byPortfolio.get(pageKey(key)) ?? []);
      },
      { cacheKeyFn: pageKey },
    ),
  };
}

function pageKey(key: OrdersPageKey): string {
  return `${key.portfolioId}|${key.userId}|${key.statuses?.join(',') ?? ''}|${key.first}`;
}

export type TradingLoaders = ReturnType<typeof createTradingLoaders>;
