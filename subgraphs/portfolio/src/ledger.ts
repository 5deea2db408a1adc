import { Decimal, type Knex } from '#shared';

export type LedgerKind = 'DEPOSIT' | 'WITHDRAWAL' | 'BUY' | 'SELL' | 'FEE';

export interface LedgerEntry {
  portfolioId: string;
  kind: LedgerKind;
  /** Unique across the ledger; posting the same reference twice is a no-op. */
  reference: string;
  /** Signed change of cash in the portfolio's base currency. */
  cashAmount: string;
  instrumentId?: string;
  quantity?: string;
  /** Per unit, in `priceCurrency`. */
  price?: string;
  priceCurrency?: string;
  /** Base-currency units per unit of `priceCurrency`. */
  fxRate?: string;
  createdAt?: Date;
}

/**
 * Appends an entry and applies it to the materialized cash and holdings, in the caller's
 * transaction. Returns false, changing nothing, when the reference was already posted.
 */
export async function postLedgerEntry(trx: Knex.Transaction, entry: LedgerEntry): Promise<boolean> {
  const insert = trx('ledger_entries')
    .insert({
      portfolio_id: entry.portfolioId,
      kind: entry.kind,
      reference: entry.reference,
      cash_amount: entry.cashAmount,
      instrument_id: entry.instrumentId ?? null,
      quantity: entry.quantity ?? null,
      price: entry.price ?? null,
      price_currency: entry.priceCurrency ?? null,
      fx_rate: entry.fxRate ?? null,
      created_at: entry.createdAt ?? trx.fn.now(),
    })
    .onConflict('reference')
    .ignore()
    .returning('id')
    .toSQL();

  // The entry and its cash effect in one statement: cash moves only if the entry was new.
  const { rows } = await trx.raw<{ rows: unknown[] }>(
    `with entry as (${insert.sql})
     update portfolios set cash = cash + ?::numeric
     where id = ?::uuid and exists (select 1 from entry)
     returning id`,
    [...insert.bindings, entry.cashAmount, entry.portfolioId] as Knex.RawBinding[],
  );
  if (rows.length === 0) return false;

  if (entry.kind === 'BUY' || entry.kind === 'SELL') await applyTrade(trx, entry);
  return true;
}

async function applyTrade(trx: Knex.Transaction, entry: LedgerEntry): Promise<void> {
  const { portfolioId, instrumentId, quantity, price, priceCurrency } = entry;
  if (!instrumentId || !quantity || !price || !priceCurrency) {
    throw new Error(`A ${entry.kind} entry needs instrument, quantity, price and currency.`);
  }

  const current = await trx('holdings')
    .where({ portfolio_id: portfolioId, instrument_id: instrumentId })
    .forUpdate()
    .first<{ quantity: string; average_cost: string } | undefined>();
  const held = new Decimal(current?.quantity ?? 0);

  if (entry.kind === 'BUY') {
    const total = held.plus(quantity);
    const cost = held.times(current?.average_cost ?? 0).plus(new Decimal(quantity).times(price));
    await trx('holdings')
      .insert({
        portfolio_id: portfolioId,
        instrument_id: instrumentId,
        quantity: total.toFixed(),
        average_cost: cost.div(total).toDecimalPlaces(8).toFixed(),
        currency: priceCurrency,
        updated_at: trx.fn.now(),
      })
      .onConflict(['portfolio_id', 'instrument_id'])
      .merge();
    return;
  }

  const remaining = held.minus(quantity);
  if (remaining.isNegative()) {
    throw new Error(`Selling ${quantity} of ${instrumentId} but only ${held.toFixed()} is held.`);
  }
  const holding = trx('holdings').where({ portfolio_id: portfolioId, instrument_id: instrumentId });
  if (remaining.isZero()) await holding.delete();
  else await holding.update({ quantity: remaining.toFixed(), updated_at: trx.fn.now() });
}
