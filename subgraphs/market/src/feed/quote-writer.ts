import type { Knex } from '#shared';
import type { AssetClass } from '../model.js';
import type { PriceTick } from './price-feed.js';
import type { SimulatedInstrument } from './gbm-simulator.js';

/**
 * Applies a batch of ticks in one statement: the latest quote of each instrument, and the
 * one-minute bar each tick falls in (opened by its first tick, widened and closed by the rest).
 * One round trip per batch keeps the feed's cost flat however many instruments tick.
 */
export async function writeTicks(db: Knex, ticks: readonly PriceTick[]): Promise<void> {
  if (ticks.length === 0) return;
  const rows = ticks.map(() => '(?::uuid, ?::numeric, ?::numeric, ?::numeric, ?::timestamptz)');
  const values = ticks.flatMap((tick) => [
    tick.instrumentId,
    tick.price,
    tick.bid,
    tick.ask,
    tick.asOf.toISOString(),
  ]);

  await db.raw(
    `with batch (instrument_id, price, bid, ask, as_of) as (values ${rows.join(', ')}),
     latest as (
       update quotes q
          set price = b.price, bid = b.bid, ask = b.ask, as_of = b.as_of
         from batch b
        where q.instrument_id = b.instrument_id
     )
     insert into intraday_bars as bar (instrument_id, starts_at, open, high, low, close, ticks)
     select instrument_id, date_trunc('minute', as_of), price, price, price, price, 1 from batch
     on conflict (instrument_id, starts_at) do update
        set high = greatest(bar.high, excluded.high),
            low = least(bar.low, excluded.low),
            close = excluded.close,
            ticks = bar.ticks + 1`,
    values,
  );
}

/** The instruments the feed moves, with the quotes it starts from: where the last one stopped. */
export async function loadFeedInstruments(
  db: Knex,
  symbols: readonly string[] | undefined,
): Promise<SimulatedInstrument[]> {
  const query = db('instruments as i')
    .join('quotes as q', 'q.instrument_id', 'i.id')
    .select<
      {
        instrumentId: string;
        symbol: string;
        assetClass: AssetClass;
        price: string;
        bid: string;
        ask: string;
        previousClose: string;
      }[]
    >({
      instrumentId: 'i.id',
      symbol: 'i.symbol',
      assetClass: 'i.asset_class',
      price: 'q.price',
      bid: 'q.bid',
      ask: 'q.ask',
      previousClose: 'q.previous_close',
    })
    .where('i.tradable', true)
    .orderBy('i.symbol');
  if (symbols) query.whereIn('i.symbol', symbols);
  return query;
}
