import {
  DateTimeScalar,
  DecimalScalar,
  badUserInput,
  forbidden,
  notFound,
  unauthenticated,
  type ResolverMap,
} from '#shared';
import type { TradingContext } from './context.js';
import type { Order, OrderStatus, PlaceOrderInput } from './model.js';
import { cancelOrder, placeOrder } from './orders.js';

const MAX_ORDERS_PAGE = 500;

function requireIdentity(context: TradingContext, what: string) {
  if (!context.identity) throw unauthenticated(what);
  return context.identity;
}

async function loadOwnOrder(context: TradingContext, id: string): Promise<Order> {
  const identity = requireIdentity(context, 'an order');
  const order = await context.loaders.orderById.load(id);
  if (!order) throw notFound('order', id);
  if (order.userId !== identity.userId) throw forbidden(`Order "${id}" belongs to another user.`);
  return order;
}

export const resolvers: ResolverMap<TradingContext> = {
  Decimal: DecimalScalar,
  DateTime: DateTimeScalar,

  Query: {
    order(_root, args: { id: string }, context) {
      return loadOwnOrder(context, args.id);
    },

    async orderStates(_root, args: { ids: string[] }, context) {
      if (context.identity?.service !== 'portfolio') {
        throw forbidden('Only the portfolio service may call orderStates.');
      }
      const orders = await context.repository.ordersByIds(args.ids.slice(0, 1_000));
      return orders.map((order) => ({ id: order.id, status: order.status }));
    },
  },

  Mutation: {
    placeOrder(_root, args: { input: PlaceOrderInput }, context) {
      return placeOrder(context, requireIdentity(context, 'placeOrder'), args.input);
    },

    cancelOrder(_root, args: { id: string }, context) {
      return cancelOrder(context, requireIdentity(context, 'cancelOrder'), args.id);
    },
  },

  Order: {
    __resolveReference(reference: { id: string }, context: TradingContext) {
      return loadOwnOrder(context, reference.id);
    },

    portfolio(order: Order) {
      return { __typename: 'Portfolio', id: order.portfolioId };
    },

    instrument(order: Order) {
      return { __typename: 'Instrument', id: order.instrumentId };
    },

    fills(order: Order, _args, { loaders }) {
      return loaders.fillsByOrderId.load(order.id);
    },
  },

  Portfolio: {
    // Ownership was checked by the portfolio subgraph that produced this reference; orders are
    // filtered by the caller as well, so a hand-made reference shows nothing of anyone else.
    __resolveReference(reference: { id: string }) {
      return reference;
    },

    orders(
      portfolio: { id: string },
      args: { status?: OrderStatus[] | null; first: number },
      context,
    ) {
      const identity = requireIdentity(context, 'orders');
      if (!Number.isInteger(args.first) || args.first < 1 || args.first > MAX_ORDERS_PAGE) {
        throw badUserInput(
          'first',
          `Argument "first" must be 1..${MAX_ORDERS_PAGE}; got ${args.first}.`,
        );
      }
      return context.loaders.ordersByPortfolio.load({
        portfolioId: portfolio.id,
        userId: identity.userId,
        statuses: args.status ?? undefined,
        first: args.first,
      });
    },
  },
};
