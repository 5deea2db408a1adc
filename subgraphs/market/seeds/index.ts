import { Decimal, toCount, type Knex } from '#shared';
import { FX_RATES, INSTRUMENTS, instrumentId } from '#demo';
import { generateDailyBars, openingQuote } from './price-history.js';

/**
 * Loads the fifty demo instruments with a year of history, their quotes and FX rates. Runs only
 * on an empty schema, so a restart keeps whatever prices the market has moved to since.
 */
export async function seedMarket(db: Knex, today = new Date()): Promise<boolean> {
  const [existing] = await db('instruments').count({ count: '*' });
  if (toCount(existing?.count) > 0) return false;

  await db.transaction(async (trx) => {
    const asOf = new Date();
    for (const seed of INSTRUMENTS) {
      const id = instrumentId(seed.symbol);
      await trx('instruments').insert({
        id,
        symbol: seed.symbol,
        name: seed.name,
        asset_class: seed.assetClass,
        currency: seed.currency,
        exchange: seed.exchange,
      });

      const bars = generateDailyBars(seed, today);
      await trx.batchInsert(
        'daily_bars',
        bars.map((bar) => ({ instrument_id: id, ...bar })),
        500,
      );

      const lastClose = bars.at(-1)?.close ?? seed.price;
      const quote = openingQuote(seed, lastClose);
      await trx('quotes').insert({
        instrument_id: id,
        price: quote.price,
        bid: quote.bid,
        ask: quote.ask,
        previous_close: quote.previousClose,
        as_of: asOf,
      });
    }

    const rates = FX_RATES.flatMap(({ base, quote, rate }) => [
      { base, quote, rate, as_of: asOf },
      { base: quote, quote: base, rate: new Decimal(1).div(rate).toFixed(10), as_of: asOf },
    ]);
    await trx('fx_rates').insert(rates);
  });

  return true;
}
