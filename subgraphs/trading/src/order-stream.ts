import { channelEvents, clearLoaders, forbidden, isUuid, notFound, type Identity } from '#shared';
import type { TradingContext } from './context.js';
import type { Order } from './model.js';
import { ORDER_UPDATES_CHANNEL, orderFromMessage } from './order-events.js';

/**
 * Status changes of one portfolio's orders, for its owner only. Ownership is portfolio's to
 * decide, so it is asked once, at subscribe time, acting for the subscriber; events are then
 * filtered by portfolio and by user, so a message can never reach anyone else.
 */
export async function subscribeToOrderUpdates(
  portfolioId: string,
  identity: Identity,
  context: TradingContext,
): Promise<AsyncIterableIterator<{ orderUpdates: Order }>> {
  if (!isUuid(portfolioId)) throw notFound('portfolio', portfolioId);
  const access = await context.portfolios.access(portfolioId, {
    requestId: context.requestId,
    identityToken: await context.signAsTrading(identity.userId),
  });
  if (access === 'NOT_FOUND') throw notFound('portfolio', portfolioId);
  if (access === 'FORBIDDEN') {
    context.log.info({ portfolioId }, "refused order updates of another user's portfolio");
    throw forbidden(`Portfolio "${portfolioId}" belongs to another user.`);
  }

  return channelEvents(
    context.events,
    ORDER_UPDATES_CHANNEL,
    (message) => {
      const order = orderFromMessage(message);
      const mine = order?.portfolioId === portfolioId && order.userId === identity.userId;
      return mine ? [{ orderUpdates: order }] : [];
    },
    { onDeliver: () => clearLoaders(context.loaders) },
  );
}
