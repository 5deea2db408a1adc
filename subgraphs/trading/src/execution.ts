import { randomUUID } from 'node:crypto';
import { addJobCall, crashPoint, Decimal, enqueueJob, type Knex } from '#shared';
import type { Order } from './model.js';
import { OPEN_STATUSES } from './model.js';
import { ORDER_COLUMNS, RETURNING_ORDER } from './repository.js';

/** Schema of trading's job queue (graphile-worker). */
export const JOBS_SCHEMA = 'trading_jobs';

/** Jobs that touch one portfolio run one at a time, in the order they were added. */
export function portfolioQueue(portfolioId: string): string {
  return `portfolio:${portfolioId}`;
}

export interface SettleFillPayload {
  fillId: string;
  orderId: string;
  userId: string;
  quantity: string;
  price: string;
  final: boolean;
}

export interface ReleasePayload {
  orderId: string;
  userId: string;
}

async function lockOpenOrder(trx: Knex.Transaction, orderId: string) {
  const order = await trx('orders').where('id', orderId).forUpdate().first<
    | {
        id: string;
        user_id: string;
        portfolio_id: string;
        quantity: string;
        filled_quantity: string;
        average_fill_price: string | null;
        status: Order['status'];
      }
    | undefined
  >();
  return order && OPEN_STATUSES.includes(order.status) ? order : undefined;
}

export interface RecordedFill {
  fillId: string;
  /** The order as the fill left it, for announcing its new status once committed. */
  order: Order;
  /** What portfolio must book for this fill. */
  settlement: SettleFillPayload;
}

export interface RecordFillOptions {
  /** Fill at most this much; default: all that remains. */
  quantity?: string;
  /**
   * Who books the fill in portfolio. `job` queues `settle-fill` in the fill's transaction.
   * `caller`: the running `execute-order` job settles it before it completes; until then the
   * job itself is the durable record that settlement is owed (see settleOrderFills).
   */
  settlement: 'job' | 'caller';
}

function updatedOrder(rows: unknown[]): Order {
  const [row] = rows as Order[];
  if (!row) throw new Error('A locked order row was not updated.');
  return row;
}

/**
 * Records a fill, and with `settlement: 'job'` the job that books it in the portfolio, in one
 * transaction. The order row is locked first, so a fill and a cancel (or two matchers) cannot
 * both win. Returns the fill and the updated order, or undefined when the order was no longer
 * open.
 */
export async function recordFill(
  db: Knex,
  orderId: string,
  price: string,
  options: RecordFillOptions,
): Promise<RecordedFill | undefined> {
  const recorded = await db.transaction(async (trx) => {
    const order = await lockOpenOrder(trx, orderId);
    if (!order) return undefined;

    const remaining = new Decimal(order.quantity).minus(order.filled_quantity);
    const size = Decimal.min(remaining, options.quantity ?? remaining);
    const filled = new Decimal(order.filled_quantity).plus(size);
    const paid = new Decimal(order.filled_quantity)
      .times(order.average_fill_price ?? 0)
      .plus(size.times(price));
    const done = filled.eq(order.quantity);

    const settlement: SettleFillPayload = {
      fillId: randomUUID(),
      orderId,
      userId: order.user_id,
      quantity: size.toFixed(),
      price,
      final: done,
    };
    const fill = trx('fills')
      .insert({
        id: settlement.fillId,
        order_id: orderId,
        quantity: settlement.quantity,
        price,
        executed_at: trx.fn.now(),
      })
      .toSQL();
    const update = trx('orders')
      .where('id', orderId)
      .update({
        status: done ? 'FILLED' : 'PARTIALLY_FILLED',
        filled_quantity: filled.toFixed(),
        average_fill_price: paid.div(filled).toDecimalPlaces(8).toFixed(),
        filled_at: done ? trx.fn.now() : null,
        updated_at: trx.fn.now(),
      })
      .returning('*')
      .toSQL();
    const job =
      options.settlement === 'job'
        ? addJobCall(
            JOBS_SCHEMA,
            'settle-fill',
            { ...settlement },
            { queue: portfolioQueue(order.portfolio_id), jobKey: `settle:${settlement.fillId}` },
          )
        : undefined;

    // Fill, order and (for a job) its settlement in one statement: one round trip, not three.
    const queued = job ? `, lateral (select ${job.sql}) as job` : '';
    const { rows } = await trx.raw<{ rows: Order[] }>(
      `with fill as (${fill.sql}), updated as (${update.sql})
       select ${RETURNING_ORDER} from updated${queued}`,
      [...fill.bindings, ...update.bindings, ...(job?.bindings ?? [])] as Knex.RawBinding[],
    );
    return { fillId: settlement.fillId, order: updatedOrder(rows), settlement };
  });

  if (recorded) crashPoint('trading.fill.after-commit');
  return recorded;
}

/**
 * Ends an open order as CANCELLED or REJECTED and, in the same transaction, queues the release
 * of its hold. Returns the updated order, or undefined when it was no longer open.
 */
export async function endOrder(
  db: Knex,
  orderId: string,
  outcome: { status: 'CANCELLED' } | { status: 'REJECTED'; reason: string },
  userId?: string,
): Promise<Order | undefined> {
  return db.transaction(async (trx) => {
    const order = await lockOpenOrder(trx, orderId);
    if (!order || (userId !== undefined && order.user_id !== userId)) return undefined;

    const updated = await trx('orders')
      .where('id', orderId)
      .update(
        outcome.status === 'CANCELLED'
          ? { status: 'CANCELLED', cancelled_at: trx.fn.now(), updated_at: trx.fn.now() }
          : {
              status: 'REJECTED',
              rejection_reason: outcome.reason,
              rejected_at: trx.fn.now(),
              updated_at: trx.fn.now(),
            },
      )
      .returning(ORDER_COLUMNS as unknown as string[]);
    const payload: ReleasePayload = { orderId, userId: order.user_id };
    await enqueueJob(
      trx,
      JOBS_SCHEMA,
      'release-reservation',
      { ...payload },
      {
        queue: portfolioQueue(order.portfolio_id),
        jobKey: `release:${orderId}`,
      },
    );
    return updatedOrder(updated);
  });
}

/**
 * The price an order fills at against a quote, or undefined when it does not cross: buys take
 * the ask, sells the bid; a limit must be reached, a protected market buy must stay under its cap.
 */
export function crossingPrice(
  order: Pick<Order, 'side' | 'type' | 'limitPrice' | 'priceCap'>,
  quote: { bid: string; ask: string },
): string | undefined {
  const price = order.side === 'BUY' ? quote.ask : quote.bid;
  const bound = order.type === 'LIMIT' ? order.limitPrice : order.priceCap;
  if (bound === null) return price;
  if (order.side === 'BUY') return new Decimal(price).lte(bound) ? price : undefined;
  return new Decimal(price).gte(bound) ? price : undefined;
}
