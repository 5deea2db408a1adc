import type { Logger } from '#shared';
import type { TradingServices } from './context.js';
import { crossingPrice, recordFill } from './execution.js';

export interface LimitMatcherOptions {
  services: TradingServices;
  logger: Logger;
  /** How often quotes are read for instruments with resting limit orders. Default 1 000 ms. */
  intervalMs?: number;
}

/**
 * Fills resting limit orders when the market reaches them, by polling the market subgraph for
 * just the instruments that have open limit orders: polling works with or without Redis, where
 * the feed's bus ticks reach trading only through Redis. Matching is safe with several trading
 * instances: each fill locks its order and re-checks that it is still open.
 */
export function startLimitMatcher({ services, logger, intervalMs = 1_000 }: LimitMatcherOptions) {
  const log = logger.child({ component: 'limit-matcher' });
  let running: Promise<void> | undefined;
  let stopped = false;

  async function tick(): Promise<void> {
    const instruments = await services.repository.instrumentsWithOpenLimitOrders();
    if (instruments.length === 0) return;

    const facts = await services.market(instruments);
    const orders = await services.repository.openLimitOrders(instruments);
    for (const order of orders) {
      const quote = facts.get(order.instrumentId)?.quote;
      if (!quote || stopped) continue;
      const price = crossingPrice(order, quote);
      if (price === undefined) continue;
      const fill = await recordFill(services.db, order.id, price, { settlement: 'job' });
      if (!fill) continue;
      await services.orderEvents.changed(fill.order);
      log.info({ orderId: order.id, fillId: fill.fillId, price }, 'limit order filled');
    }
  }

  const timer = setInterval(() => {
    if (running) return;
    running = tick()
      .catch((error: unknown) => log.warn({ err: error }, 'limit matching failed; retrying'))
      .finally(() => {
        running = undefined;
      });
  }, intervalMs);

  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
