import {
  DateTimeScalar,
  DecimalScalar,
  badUserInput,
  forbidden,
  notFound,
  unauthenticated,
} from '#shared';
import type { TradingContext } from './context.js';
import type { Resolvers } from './generated/graphql.js';
import type { Order } from './model.js';
import { subscribeToOrderUpdates } from './order-stream.js';
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

export const resolvers: Resolvers = {
  Decimal: DecimalScalar,
  DateTime: DateTimeScalar,

  Query: {
    order(_root, args, context) {
      return loadOwnOrder(context, args.id);
    },

    async orderStates(_root, args, context) {
      if (context.identity?.service !== 'portfolio') {
        throw forbidden('Only the portfolio service may call orderStates.');
      }
      const orders = await context.repository.ordersByIds(args.ids.slice(0, 1_000));
      return orders.map((order) => ({ id: order.id, status: order.status }));
    },
  },

  Mutation: {
    placeOrder(_root, args, context) {
      return placeOrder(context, requireIdentity(context, 'placeOrder'), args.input);
    },

    cancelOrder(_root, args, context) {
      return cancelOrder(context, requireIdentity(context, 'cancelOrder'), args.id);
    },
  },

  Subscription: {
    orderUpdates: {
      subscribe(_root, args, context) {
        const identity = requireIdentity(context, 'orderUpdates');
        return subscribeToOrderUpdates(args.portfolioId, identity, context);
      },
    },
  },

  Order: {
    __resolveReference(reference, context) {
      return loadOwnOrder(context, reference.id);
    },

    portfolio(order) {
      return { __typename: 'Portfolio', id: order.portfolioId };
    },

    instrument(order) {
      return { __typename: 'Instrument', id: order.instrumentId };
    },

    fills(order, _args, { loaders }) {
      return loaders.fillsByOrderId.load(order.id);
    },
  },

  Portfolio: {
    // Ownership was checked by the portfolio subgraph that produced this reference; orders are
    // filtered by the caller as well, so a hand-made reference shows nothing of anyone else.
    __resolveReference(reference) {
      return reference;
    },

    orders(portfolio, args, context) {
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
