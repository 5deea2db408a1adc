import { crashPoint, Decimal, type Knex } from '#shared';
import { postLedgerEntry } from './ledger.js';

export interface ReserveRequest {
  orderId: string;
  userId: string;
  portfolioId: string;
  side: 'BUY' | 'SELL';
  instrumentId: string;
  quantity: string;
  /** The most a buy can pay per unit (limit or protected market price), in `currency`. */
  price: string;
  currency: string;
}

export type ReserveOutcome =
  | { status: 'RESERVED'; reservedAt: Date }
  | { status: 'INSUFFICIENT_FUNDS'; available: string }
  | { status: 'INSUFFICIENT_HOLDINGS'; available: string }
  | { status: 'NOT_FOUND' }
  | { status: 'FORBIDDEN' };

export interface SettleRequest {
  fillId: string;
  orderId: string;
  quantity: string;
  price: string;
  /** The order is done after this fill: release whatever remains held. */
  final: boolean;
}

interface ReservationRow {
  order_id: string;
  portfolio_id: string;
  side: 'BUY' | 'SELL';
  instrument_id: string;
  price_currency: string;
  fx_rate: string;
  cash_remaining: string;
  quantity_remaining: string;
  state: 'OPEN' | 'CLOSED';
  created_at: Date;
}

/** Cash not held for open buys, in the portfolio's base currency. */
export async function availableCash(trx: Knex | Knex.Transaction, portfolioId: string) {
  const [row] = await trx('portfolios as p')
    .where('p.id', portfolioId)
    .select(
      trx.raw(`p.cash - coalesce((select sum(r.cash_remaining) from reservations r
        where r.portfolio_id = p.id and r.state = 'OPEN'), 0) as available`),
    );
  return new Decimal((row as { available?: string } | undefined)?.available ?? 0);
}

async function availableQuantity(trx: Knex.Transaction, portfolioId: string, instrumentId: string) {
  const holding = await trx('holdings')
    .where({ portfolio_id: portfolioId, instrument_id: instrumentId })
    .first<{ quantity: string } | undefined>('quantity');
  const [held] = await trx('reservations')
    .where({ portfolio_id: portfolioId, instrument_id: instrumentId, side: 'SELL', state: 'OPEN' })
    .sum({ quantity: 'quantity_remaining' });
  return new Decimal(holding?.quantity ?? 0).minus((held as { quantity?: string })?.quantity ?? 0);
}

/**
 * Holds buying power (or shares) for an order. The portfolio row is locked for the duration,
 * so concurrent orders on one portfolio are checked one after another and can never together
 * hold more than there is. Asking again for the same order returns the first answer's hold.
 */
export async function reserve(
  db: Knex,
  request: ReserveRequest,
  fxToBase: (currency: string, base: string) => Decimal | undefined,
): Promise<ReserveOutcome> {
  return db.transaction(async (trx) => {
    const portfolio = await trx('portfolios')
      .where('id', request.portfolioId)
      .forUpdate()
      .first<{ user_id: string; base_currency: string } | undefined>('user_id', 'base_currency');
    if (!portfolio) return { status: 'NOT_FOUND' };
    if (portfolio.user_id !== request.userId) return { status: 'FORBIDDEN' };

    const existing = await trx('reservations')
      .where('order_id', request.orderId)
      .first<{ created_at: Date } | undefined>('created_at');
    if (existing) return { status: 'RESERVED', reservedAt: existing.created_at };

    const rate = fxToBase(request.currency, portfolio.base_currency);
    if (!rate) throw new Error(`No rate from ${request.currency} to ${portfolio.base_currency}.`);

    let cash = new Decimal(0);
    let quantity = new Decimal(0);
    if (request.side === 'BUY') {
      // Rounded up: a hold is never a fraction of a cent short of what the fill may cost.
      cash = new Decimal(request.quantity)
        .times(request.price)
        .times(rate)
        .toDecimalPlaces(4, Decimal.ROUND_UP);
      const available = await availableCash(trx, request.portfolioId);
      if (cash.gt(available))
        return { status: 'INSUFFICIENT_FUNDS', available: available.toFixed(2) };
    } else {
      quantity = new Decimal(request.quantity);
      const available = await availableQuantity(trx, request.portfolioId, request.instrumentId);
      if (quantity.gt(available)) {
        return { status: 'INSUFFICIENT_HOLDINGS', available: available.toFixed() };
      }
    }

    const [row] = await trx('reservations')
      .insert({
        order_id: request.orderId,
        portfolio_id: request.portfolioId,
        side: request.side,
        instrument_id: request.instrumentId,
        price_currency: request.currency,
        fx_rate: rate.toDecimalPlaces(10).toFixed(),
        cash_reserved: cash.toFixed(),
        cash_remaining: cash.toFixed(),
        quantity_reserved: quantity.toFixed(),
        quantity_remaining: quantity.toFixed(),
      })
      .returning<{ created_at: Date }[]>('created_at');
    return { status: 'RESERVED', reservedAt: row?.created_at ?? new Date() };
  });
}

export interface SettleOutcome {
  outcome: 'SETTLED' | 'ALREADY';
  portfolioId: string;
}

/**
 * Books a fill: one ledger entry (referenced by the fill id, so a repeat is a no-op) and the
 * matching part of the hold consumed, in one transaction. A final fill also releases the rest.
 */
export async function settleFill(db: Knex, request: SettleRequest): Promise<SettleOutcome> {
  const outcome = await db.transaction(async (trx) => {
    const reservation = await trx('reservations')
      .where('order_id', request.orderId)
      .forUpdate()
      .first<ReservationRow | undefined>();
    if (!reservation) throw new Error(`No reservation exists for order ${request.orderId}.`);

    const quantity = new Decimal(request.quantity);
    const gross = quantity.times(request.price).times(reservation.fx_rate).toDecimalPlaces(4);
    const isBuy = reservation.side === 'BUY';
    const posted = await postLedgerEntry(trx, {
      portfolioId: reservation.portfolio_id,
      kind: reservation.side,
      reference: `fill:${request.fillId}`,
      cashAmount: (isBuy ? gross.negated() : gross).toFixed(),
      instrumentId: reservation.instrument_id,
      quantity: request.quantity,
      price: request.price,
      priceCurrency: reservation.price_currency,
      fxRate: reservation.fx_rate,
    });

    if (posted && reservation.state === 'OPEN') {
      await trx('reservations')
        .where('order_id', request.orderId)
        .update(
          isBuy
            ? {
                cash_remaining: trx.raw('greatest(0, cash_remaining - ?::numeric)', [
                  gross.toFixed(),
                ]),
              }
            : {
                quantity_remaining: trx.raw('greatest(0, quantity_remaining - ?::numeric)', [
                  quantity.toFixed(),
                ]),
              },
        );
    }
    if (request.final) await closeReservation(trx, request.orderId);
    return {
      outcome: posted ? 'SETTLED' : 'ALREADY',
      portfolioId: reservation.portfolio_id,
    } satisfies SettleOutcome;
  });

  crashPoint('portfolio.settle.after-commit');
  return outcome;
}

/** Closes an open hold; returns its portfolio's id, or undefined when none was open. */
async function closeReservation(
  trx: Knex | Knex.Transaction,
  orderId: string,
): Promise<string | undefined> {
  const [closed] = await trx('reservations')
    .where({ order_id: orderId, state: 'OPEN' })
    .update({ state: 'CLOSED', cash_remaining: 0, quantity_remaining: 0, closed_at: trx.fn.now() })
    .returning<{ portfolio_id: string }[]>('portfolio_id');
  return closed?.portfolio_id;
}

/**
 * Ends the hold of an order that will not fill further (cancelled, rejected). Idempotent.
 * Returns the portfolio whose buying power it freed, or undefined when nothing was open.
 */
export async function releaseReservation(db: Knex, orderId: string): Promise<string | undefined> {
  return closeReservation(db, orderId);
}

/** Holds older than `olderThanSeconds` still open: candidates for the orphan sweep. */
export async function staleOpenReservations(db: Knex, olderThanSeconds: number, limit = 500) {
  const rows: { orderId: string }[] = await db('reservations')
    .select({ orderId: 'order_id' })
    .where('state', 'OPEN')
    .andWhere('created_at', '<', db.raw('now() - make_interval(secs => ?)', [olderThanSeconds]))
    .orderBy('created_at')
    .limit(limit);
  return rows.map((row) => row.orderId);
}
