import { isUuid, type AddJobCall, type Knex } from '#shared';
import type { Fill, Order, OrderStatus, PlaceOrderInput } from './model.js';

/** An order row's columns under the model's names, for selects and `returning`. */
export const ORDER_COLUMNS = {
  id: 'id',
  userId: 'user_id',
  portfolioId: 'portfolio_id',
  instrumentId: 'instrument_id',
  side: 'side',
  type: 'type',
  quantity: 'quantity',
  limitPrice: 'limit_price',
  status: 'status',
  filledQuantity: 'filled_quantity',
  averageFillPrice: 'average_fill_price',
  idempotencyKey: 'idempotency_key',
  rejectionReason: 'rejection_reason',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
  acceptedAt: 'accepted_at',
  filledAt: 'filled_at',
  cancelledAt: 'cancelled_at',
  rejectedAt: 'rejected_at',
  priceCap: 'price_cap',
  currency: 'currency',
};

/** `returning` list of an order row under the model's names, for raw statements. */
export const RETURNING_ORDER = Object.entries(ORDER_COLUMNS)
  .map(([name, column]) => `${column} as "${name}"`)
  .join(', ');

export interface OrdersPageKey {
  portfolioId: string;
  userId: string;
  statuses: readonly OrderStatus[] | undefined;
  first: number;
}

/**
 * All SQL of the trading subgraph. Lists shown to users read from `reader` (a replica when
 * configured); everything that decides what happens to an order reads the primary.
 */
export function createTradingRepository(db: Knex, reader: Knex = db) {
  return {
    async ordersByIds(ids: readonly string[]): Promise<Order[]> {
      const valid = ids.filter(isUuid);
      if (valid.length === 0) return [];
      return db('orders').select(ORDER_COLUMNS).whereIn('id', valid);
    },

    async orderByIdempotencyKey(userId: string, key: string): Promise<Order | undefined> {
      return db('orders')
        .select(ORDER_COLUMNS)
        .where({ user_id: userId, idempotency_key: key })
        .first();
    },

    /**
     * The newest `first` orders of each portfolio, for portfolios sharing one filter: a single
     * statement however many portfolios a query lists.
     */
    async latestOrders(
      portfolioIds: readonly string[],
      userId: string,
      statuses: readonly OrderStatus[] | undefined,
      first: number,
    ): Promise<Order[]> {
      const valid = portfolioIds.filter(isUuid);
      if (valid.length === 0) return [];
      const ranked = db('orders')
        .select(ORDER_COLUMNS)
        .select(
          db.raw(
            'row_number() over (partition by portfolio_id order by created_at desc, id) as rank',
          ),
        )
        .whereIn('portfolio_id', valid)
        .andWhere('user_id', userId);
      if (statuses && statuses.length > 0) ranked.whereIn('status', statuses);

      return reader
        .select(Object.keys(ORDER_COLUMNS))
        .from(ranked.as('ranked'))
        .where('rank', '<=', first)
        .orderBy([{ column: 'createdAt', order: 'desc' }, { column: 'id' }]);
    },

    async fillsByOrderIds(orderIds: readonly string[]): Promise<Fill[]> {
      return reader('fills')
        .select({
          id: 'id',
          orderId: 'order_id',
          quantity: 'quantity',
          price: 'price',
          executedAt: 'executed_at',
        })
        .whereIn('order_id', orderIds)
        .orderBy([{ column: 'executed_at' }, { column: 'id' }]);
    },

    /** An order's fills, oldest first, from the primary: settlement decides by them. */
    async fillsOfOrder(orderId: string): Promise<Fill[]> {
      return db('fills')
        .select({
          id: 'id',
          orderId: 'order_id',
          quantity: 'quantity',
          price: 'price',
          executedAt: 'executed_at',
        })
        .where('order_id', orderId)
        .orderBy([{ column: 'executed_at' }, { column: 'id' }]);
    },

    /**
     * Inserts an accepted order and, when given, the job that executes it, in one statement:
     * both or neither commit, at the cost of one round trip. Under a reused idempotency key it
     * inserts nothing and queues nothing.
     */
    async insertAcceptedOrder(
      id: string,
      userId: string,
      input: PlaceOrderInput & { priceCap: string | null; currency: string },
      job?: AddJobCall,
    ): Promise<Order | undefined> {
      const insert = db('orders')
        .insert({
          id,
          user_id: userId,
          portfolio_id: input.portfolioId,
          instrument_id: input.instrumentId,
          side: input.side,
          type: input.type,
          quantity: input.quantity,
          limit_price: input.limitPrice ?? null,
          status: 'ACCEPTED',
          idempotency_key: input.idempotencyKey ?? null,
          price_cap: input.priceCap,
          currency: input.currency,
          accepted_at: db.fn.now(),
        })
        .onConflict(['user_id', 'idempotency_key'])
        .ignore()
        .returning('*')
        .toSQL();

      // The job is added once per inserted row: a lateral call in FROM runs for each.
      const queued = job ? `, lateral (select ${job.sql}) as job` : '';
      const { rows } = await db.raw<{ rows: Order[] }>(
        `with inserted as (${insert.sql}) select ${RETURNING_ORDER} from inserted${queued}`,
        [...insert.bindings, ...(job?.bindings ?? [])] as Knex.RawBinding[],
      );
      return rows[0];
    },

    /** Open limit orders on the given instruments, oldest first (time priority). */
    async openLimitOrders(instrumentIds: readonly string[]): Promise<Order[]> {
      return db('orders')
        .select(ORDER_COLUMNS)
        .whereIn('instrument_id', instrumentIds)
        .andWhere('type', 'LIMIT')
        .whereIn('status', ['ACCEPTED', 'PARTIALLY_FILLED'])
        .orderBy([{ column: 'created_at' }, { column: 'id' }]);
    },

    async instrumentsWithOpenLimitOrders(): Promise<string[]> {
      const rows: { instrument_id: string }[] = await db('orders')
        .distinct('instrument_id')
        .where('type', 'LIMIT')
        .whereIn('status', ['ACCEPTED', 'PARTIALLY_FILLED']);
      return rows.map((row) => row.instrument_id);
    },
  };
}

export type TradingRepository = ReturnType<typeof createTradingRepository>;
