import { Decimal, type Logger } from '#shared';
import type { Task, TaskList } from 'graphile-worker';
import type { TradingServices } from './context.js';
import {
  crossingPrice,
  endOrder,
  recordFill,
  type ReleasePayload,
  type SettleFillPayload,
} from './execution.js';
import { OPEN_STATUSES, type Order } from './model.js';

/**
 * Trading's background work. Every task may run more than once (a retry after a crash or a
 * lost answer), so each is written to be harmless the second time.
 */
export function createTradingTasks(services: TradingServices, logger: Logger): TaskList {
  const log = logger.child({ component: 'jobs' });

  /** Books one fill in portfolio: one ledger entry per fill id, however often this runs. */
  async function settle(payload: SettleFillPayload): Promise<void> {
    const { userId, ...fill } = payload;
    const token = await services.signAsTrading(userId);
    await services.portfolios.settleFill(fill, { identityToken: token });
  }

  /**
   * Books every fill an order already has. A run of `execute-order` that recorded a fill and
   * then died (or whose settlement failed) is retried; the retry finds the fills here.
   */
  async function settleOrderFills(order: Order): Promise<void> {
    const fills = await services.repository.fillsOfOrder(order.id);
    for (const [index, fill] of fills.entries()) {
      await settle({
        fillId: fill.id,
        orderId: order.id,
        userId: order.userId,
        quantity: new Decimal(fill.quantity).toFixed(),
        price: new Decimal(fill.price).toFixed(),
        final: order.status === 'FILLED' && index === fills.length - 1,
      });
    }
  }

  /**
   * Executes an accepted market order at the current quote, or rejects it, and books the fill
   * in portfolio within the same job: one job per order, not two. The job completes only once
   * the fill is booked, so until then it is the durable record that settlement is owed.
   */
  const executeOrder: Task = async (payload) => {
    const { orderId } = payload as { orderId: string };
    const [order] = await services.repository.ordersByIds([orderId]);
    if (!order) return;
    if (!new Decimal(order.filledQuantity).isZero()) await settleOrderFills(order);
    if (!OPEN_STATUSES.includes(order.status)) return;

    const facts = (await services.market([order.instrumentId])).get(order.instrumentId);
    if (!facts?.quote || !facts.tradable) {
      const ended = await endOrder(services.db, orderId, {
        status: 'REJECTED',
        reason: 'NO_PRICE',
      });
      if (ended) await services.orderEvents.changed(ended);
      log.info({ orderId }, 'market order rejected: no tradable quote');
      return;
    }

    const price = crossingPrice(order, facts.quote);
    if (price === undefined) {
      const reason = 'PRICE_PROTECTION';
      const ended = await endOrder(services.db, orderId, { status: 'REJECTED', reason });
      if (ended) await services.orderEvents.changed(ended);
      log.info({ orderId, cap: order.priceCap, ask: facts.quote.ask }, 'market order rejected');
      return;
    }

    const fill = await recordFill(services.db, orderId, price, { settlement: 'caller' });
    if (!fill) return;
    await services.orderEvents.changed(fill.order);
    await settle(fill.settlement);
  };

  /** Books a fill of a limit order, queued by the matcher with the fill. */
  const settleFill: Task = async (payload) => {
    await settle(payload as SettleFillPayload);
  };

  /** Releases what an ended order still holds in portfolio. */
  const releaseReservation: Task = async (payload) => {
    const { orderId, userId } = payload as ReleasePayload;
    const token = await services.signAsTrading(userId);
    await services.portfolios.release(orderId, { identityToken: token });
  };

  return {
    'execute-order': executeOrder,
    'settle-fill': settleFill,
    'release-reservation': releaseReservation,
  };
}
