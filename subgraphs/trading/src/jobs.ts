import type { Task, TaskList } from 'graphile-worker';
import type { Logger } from '#shared';
import type { TradingServices } from './context.js';
import {
  crossingPrice,
  endOrder,
  recordFill,
  type ReleasePayload,
  type SettleFillPayload,
} from './execution.js';

/**
 * Trading's background work. Every task may run more than once (a retry after a crash or a
 * lost answer), so each is written to be harmless the second time.
 */
export function createTradingTasks(services: TradingServices, logger: Logger): TaskList {
  const log = logger.child({ component: 'jobs' });

  /** Executes an accepted market order at the current quote, or rejects it. */
  const executeOrder: Task = async (payload) => {
    const { orderId } = payload as { orderId: string };
    const [order] = await services.repository.ordersByIds([orderId]);
    if (!order || (order.status !== 'ACCEPTED' && order.status !== 'PARTIALLY_FILLED')) return;

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
    const fill = await recordFill(services.db, orderId, price);
    if (fill) await services.orderEvents.changed(fill.order);
  };

  /** Books a fill in portfolio: one ledger entry per fill id, however often this runs. */
  const settleFill: Task = async (payload) => {
    const { userId, ...fill } = payload as SettleFillPayload;
    const token = await services.signAsTrading(userId);
    await services.portfolios.settleFill(fill, { identityToken: token });
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
