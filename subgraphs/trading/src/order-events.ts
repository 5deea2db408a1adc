import { publishEntityChanges, type EventBus, type Logger } from '#shared';
import type { Order } from './model.js';

/** The bus channel on which trading announces every change of an order's status. */
export const ORDER_UPDATES_CHANNEL = 'order-updates';

/** The order as it travels on the bus: its row, with instants as ISO strings. */
export type OrderUpdateMessage = {
  order: Omit<Order, DateField> & Record<DateField, string | null>;
};

type DateField =
  'createdAt' | 'updatedAt' | 'acceptedAt' | 'filledAt' | 'cancelledAt' | 'rejectedAt';

const DATE_FIELDS: readonly DateField[] = [
  'createdAt',
  'updatedAt',
  'acceptedAt',
  'filledAt',
  'cancelledAt',
  'rejectedAt',
];

/** The order a message carries, or undefined for anything else on the channel. */
export function orderFromMessage(message: unknown): Order | undefined {
  const order = (message as Partial<OrderUpdateMessage> | null)?.order;
  if (typeof order !== 'object' || order === null) return undefined;
  if (typeof order.id !== 'string' || typeof order.portfolioId !== 'string') return undefined;

  const revived: Record<string, unknown> = { ...order };
  for (const field of DATE_FIELDS) {
    const value = order[field];
    revived[field] = typeof value === 'string' ? new Date(value) : null;
  }
  return revived as unknown as Order;
}

/**
 * Announces an order's new status once it has committed: to `orderUpdates` subscribers of its
 * portfolio, and to routers whose cached answers show the order or its portfolio. A message
 * lost here is lost for live screens only; the order itself is safe in the database.
 */
export function createOrderEvents(events: EventBus, logger: Logger) {
  const log = logger.child({ component: 'order-events' });

  return {
    async changed(order: Order): Promise<void> {
      try {
        await events.publish(ORDER_UPDATES_CHANNEL, { order });
        await publishEntityChanges(events, 'trading', [
          { typename: 'Order', id: order.id },
          { typename: 'Portfolio', id: order.portfolioId },
        ]);
      } catch (error) {
        log.warn({ err: error, orderId: order.id }, 'could not announce an order change');
      }
    },
  };
}

export type OrderEvents = ReturnType<typeof createOrderEvents>;
