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
 * What may still be held for a request, as an SQL expression: cash not held for open buys, or
 * shares not held for open sells. Evaluated in a statement that starts after the portfolio row
 * is locked, so it sees every hold committed before the lock was granted.
 */
function availableSql(request: ReserveRequest): { sql: string; bindings: string[] } {
  if (request.side === 'BUY') {
    return {
      sql: `(select p.cash - coalesce((select sum(r.cash_remaining) from reservations r
          where r.portfolio_id = p.id and r.state = 'OPEN'), 0)
        from portfolios p where p.id = ?::uuid)`,
      bindings: [request.portfolioId],
    };
  }
  return {
    sql: `(coalesce((select h.quantity from holdings h
        where h.portfolio_id = ?::uuid and h.instrument_id = ?::uuid), 0)
      - coalesce((select sum(r.quantity_remaining) from reservations r
        where r.portfolio_id = ?::uuid and r.instrument_id = ?::uuid and r.side = 'SELL'
          and r.state = 'OPEN'), 0))`,
    bindings: [
      request.portfolioId,
      request.instrumentId,
      request.portfolioId,
      request.instrumentId,
    ],
  };
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

    const rate = fxToBase(request.currency, portfolio.base_currency);
    if (!rate) throw new Error(`No rate from ${request.currency} to ${portfolio.base_currency}.`);

    // Rounded up: a hold is never a fraction of a cent short of what the fill may cost.
    const isBuy = request.side === 'BUY';
    const cash = isBuy
      ? new Decimal(request.quantity)
          .times(request.price)
          .times(rate)
          .toDecimalPlaces(4, Decimal.ROUND_UP)
      : new Decimal(0);
    const quantity = isBuy ? new Decimal(0) : new Decimal(request.quantity);
    const needed = isBuy ? cash : quantity;

    // The check and the hold in one statement; a repeat of the order inserts nothing.
    const available = availableSql(request);
    const { rows } = await trx.raw<{ rows: { created_at: Date }[] }>(
      `insert into reservations (order_id, portfolio_id, side, instrument_id, price_currency,
         fx_rate, cash_reserved, cash_remaining, quantity_reserved, quantity_remaining)
       select ?::uuid, ?::uuid, ?, ?::uuid, ?, ?::numeric, ?::numeric, ?::numeric,
         ?::numeric, ?::numeric
       where ${available.sql} >= ?::numeric
       on conflict (order_id) do nothing
       returning created_at`,
      [
        request.orderId,
        request.portfolioId,
        request.side,
        request.instrumentId,
        request.currency,
        rate.toDecimalPlaces(10).toFixed(),
        cash.toFixed(),
        cash.toFixed(),
        quantity.toFixed(),
        quantity.toFixed(),
        ...available.bindings,
        needed.toFixed(),
      ],
    );
    const [row] = rows;
    if (row) return { status: 'RESERVED', reservedAt: row.created_at };

    // Nothing inserted: either this order was held before, or there is not enough.
    const existing = await trx('reservations')
      .where('order_id', request.orderId)
      .first<{ created_at: Date } | undefined>('created_at');
    if (existing) return { status: 'RESERVED', reservedAt: existing.created_at };
    if (isBuy) {
      const cashLeft = await availableCash(trx, request.portfolioId);
      return { status: 'INSUFFICIENT_FUNDS', available: cashLeft.toFixed(2) };
    }
    const sharesLeft = await availableQuantity(trx, request.portfolioId, request.instrumentId);
    return { status: 'INSUFFICIENT_HOLDINGS', available: sharesLeft.toFixed() };
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

    // A final fill closes the hold outright, so consuming part of it first would be wasted.
    if (posted && reservation.state === 'OPEN' && !request.final) {
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
