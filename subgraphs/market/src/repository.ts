import { isUuid, toCount, type Knex } from '#shared';
import type { AssetClass, DailyBar, FxRate, Instrument, Quote } from './model.js';

const INSTRUMENT_COLUMNS = {
  id: 'id',
  symbol: 'symbol',
  name: 'name',
  assetClass: 'asset_class',
  currency: 'currency',
  exchange: 'exchange',
  tradable: 'tradable',
};

/** All SQL of the market subgraph. Every read takes many keys, so loaders batch into one query. */
/** Every query here only reads: pass the reader (a replica when configured). */
export function createMarketRepository(db: Knex) {
  return {
    async instrumentsByIds(ids: readonly string[]): Promise<Instrument[]> {
      const valid = ids.filter(isUuid);
      if (valid.length === 0) return [];
      return db('instruments').select(INSTRUMENT_COLUMNS).whereIn('id', valid);
    },

    async instrumentsBySymbols(symbols: readonly string[]): Promise<Instrument[]> {
      if (symbols.length === 0) return [];
      return db('instruments').select(INSTRUMENT_COLUMNS).whereIn('symbol', symbols);
    },

    async quotesByInstrumentIds(ids: readonly string[]): Promise<Quote[]> {
      return db('quotes')
        .select({
          instrumentId: 'instrument_id',
          price: 'price',
          bid: 'bid',
          ask: 'ask',
          previousClose: 'previous_close',
          asOf: 'as_of',
        })
        .whereIn('instrument_id', ids);
    },

    /** Bars of many instruments over one date range, oldest first. */
    async dailyBars(ids: readonly string[], from: string, to: string): Promise<DailyBar[]> {
      return db('daily_bars')
        .select({
          instrumentId: 'instrument_id',
          date: 'date',
          open: 'open',
          high: 'high',
          low: 'low',
          close: 'close',
          volume: 'volume',
        })
        .whereIn('instrument_id', ids)
        .whereBetween('date', [from, to])
        .orderBy([{ column: 'instrument_id' }, { column: 'date' }]);
    },

    /** One page in symbol order, keyset-paginated so deep pages cost the same as the first. */
    async listInstruments(options: {
      assetClass?: AssetClass | undefined;
      first: number;
      afterSymbol?: string | undefined;
    }): Promise<{ rows: Instrument[]; totalCount: number }> {
      const filtered = () => {
        const query = db('instruments');
        if (options.assetClass) query.where('asset_class', options.assetClass);
        return query;
      };

      const page = filtered()
        .select(INSTRUMENT_COLUMNS)
        .orderBy('symbol')
        .limit(options.first + 1);
      if (options.afterSymbol !== undefined) page.where('symbol', '>', options.afterSymbol);
      const [rows, [counted]] = await Promise.all([page, filtered().count({ count: '*' })]);
      return { rows: rows as Instrument[], totalCount: toCount(counted?.count) };
    },

    async search(text: string, limit: number): Promise<Instrument[]> {
      const words = text
        .toLowerCase()
        .split(/[^\p{L}\p{N}]+/u)
        .filter(Boolean)
        .map((word) => `${word}:*`);
      const symbolPrefix = `${text.toLowerCase().replace(/[%_\\]/g, '\\$&')}%`;

      const query = db('instruments')
        .select(INSTRUMENT_COLUMNS)
        .where(db.raw('lower(symbol) like ?', [symbolPrefix]))
        .orderByRaw('(lower(symbol) = ?) desc, symbol', [text.toLowerCase()])
        .limit(limit);
      if (words.length > 0) {
        query.orWhereRaw(`to_tsvector('simple', name) @@ to_tsquery('simple', ?)`, [
          words.join(' & '),
        ]);
      }
      return query;
    },

    async fxRates(): Promise<FxRate[]> {
      return db('fx_rates')
        .select({ base: 'base', quote: 'quote', rate: 'rate', asOf: 'as_of' })
        .orderBy(['base', 'quote']);
    },
  };
}

export type MarketRepository = ReturnType<typeof createMarketRepository>;
