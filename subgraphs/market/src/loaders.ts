import DataLoader from 'dataloader';
import type { DailyBar, Instrument, Quote } from './model.js';
import type { MarketRepository } from './repository.js';

/** Re-orders rows to the order of the keys DataLoader asked for; null where none matched. */
function byKey<Row>(keys: readonly string[], rows: Row[], keyOf: (row: Row) => string) {
  const found = new Map(rows.map((row) => [keyOf(row), row]));
  return keys.map((key) => found.get(key) ?? null);
}

export interface BarRangeKey {
  instrumentId: string;
  from: string;
  to: string;
}

/**
 * Per-request batching: however many instruments an operation touches, each relation costs one
 * SQL statement per level of the query, not one per item.
 */
export function createMarketLoaders(repository: MarketRepository) {
  return {
    instrumentById: new DataLoader<string, Instrument | null>(async (ids) =>
      byKey(ids, await repository.instrumentsByIds(ids), (row) => row.id),
    ),

    instrumentBySymbol: new DataLoader<string, Instrument | null>(async (symbols) =>
      byKey(symbols, await repository.instrumentsBySymbols(symbols), (row) => row.symbol),
    ),

    quoteByInstrumentId: new DataLoader<string, Quote | null>(async (ids) =>
      byKey(ids, await repository.quotesByInstrumentIds(ids), (row) => row.instrumentId),
    ),

    barsByRange: new DataLoader<BarRangeKey, DailyBar[], string>(
      async (keys) => {
        const ranges = new Map<string, BarRangeKey[]>();
        for (const key of keys) {
          const range = `${key.from}|${key.to}`;
          const group = ranges.get(range);
          if (group) group.push(key);
          else ranges.set(range, [key]);
        }

        const results = new Map<string, DailyBar[]>();
        for (const group of ranges.values()) {
          const { from, to } = group[0] as BarRangeKey;
          const ids = group.map((key) => key.instrumentId);
          for (const bar of await repository.dailyBars(ids, from, to)) {
            const cacheKey = `${bar.instrumentId}|${from}|${to}`;
            const bars = results.get(cacheKey);
            if (bars) bars.push(bar);
            else results.set(cacheKey, [bar]);
          }
        }
        return keys.map((key) => results.get(`${key.instrumentId}|${key.from}|${key.to}`) ?? []);
      },
      { cacheKeyFn: (key) => `${key.instrumentId}|${key.from}|${key.to}` },
    ),
  };
}

export type MarketLoaders = ReturnType<typeof createMarketLoaders>;
