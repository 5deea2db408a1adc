import {
  badUserInput,
  DateScalar,
  DateTimeScalar,
  Decimal,
  DecimalScalar,
  clearLoaders,
  forbidden,
} from '#shared';
import { loadOwnedPortfolio, requireIdentity, requireService } from './access.js';
import type { Resolvers } from './generated/graphql.js';
import type { MarketPrice } from './model.js';
import { announcePortfolioChanges } from './portfolio-events.js';
import { releaseReservation, reserve, settleFill } from './reservations.js';
import { valuePortfolio } from './valuation.js';

const MAX_STATEMENT = 500;

export const resolvers: Resolvers = {
  Decimal: DecimalScalar,
  DateTime: DateTimeScalar,
  Date: DateScalar,

  Query: {
    me(_root, _args, context) {
      const identity = requireIdentity(context, 'me');
      return context.loaders.userById.load(identity.userId);
    },

    portfolio(_root, args, context) {
      return loadOwnedPortfolio(context, args.id);
    },
  },

  Subscription: {
    portfolioValuation: {
      async subscribe(_root, args, context) {
        const portfolio = await loadOwnedPortfolio(context, args.portfolioId);
        return context.valuations.subscribe(portfolio.id, () => clearLoaders(context.loaders));
      },
    },
  },

  Instrument: {
    __resolveReference(reference) {
      return { id: reference.id };
    },

    heldQuantity(instrument, _args, { identity, loaders }) {
      if (!identity || !instrument.id) return '0';
      return loaders.heldQuantity.load(`${identity.userId}|${instrument.id}`);
    },
  },

  User: {
    __resolveReference(reference, context) {
      const identity = requireIdentity(context, 'a user');
      if (reference.id !== identity.userId) throw forbidden('Users can read only themselves.');
      return context.loaders.userById.load(reference.id);
    },

    async portfolios(user, _args, { loaders }) {
      const portfolios = await loaders.portfoliosByUserId.load(user.id);
      for (const portfolio of portfolios) loaders.portfolioById.prime(portfolio.id, portfolio);
      return portfolios;
    },
  },

  Portfolio: {
    __resolveReference(reference, context) {
      return loadOwnedPortfolio(context, reference.id);
    },

    async owner(portfolio, _args, { loaders }) {
      const owner = await loaders.userById.load(portfolio.userId);
      if (!owner) throw new Error(`Portfolio ${portfolio.id} has no owner row.`);
      return owner;
    },

    cash(portfolio) {
      return { amount: new Decimal(portfolio.cash).toFixed(2), currency: portfolio.baseCurrency };
    },

    async buyingPower(portfolio, _args, { loaders }) {
      const reserved = await loaders.reservedCashByPortfolioId.load(portfolio.id);
      const amount = new Decimal(portfolio.cash)
        .minus(reserved)
        .toDecimalPlaces(2, Decimal.ROUND_DOWN);
      return { amount: amount.toFixed(2), currency: portfolio.baseCurrency };
    },

    async statement(portfolio, args, { loaders }) {
      if (!Number.isInteger(args.first) || args.first < 1 || args.first > MAX_STATEMENT) {
        throw badUserInput(
          'first',
          `Argument "first" must be 1..${MAX_STATEMENT}; got ${args.first}.`,
        );
      }
      const rows = await loaders.statementByPortfolio.load(`${portfolio.id}|${args.first}`);
      return rows.map((row) => ({ ...row, baseCurrency: portfolio.baseCurrency }));
    },

    async performance(portfolio, args, { performance, requestId }) {
      const result = await performance(portfolio, args, requestId);
      const percent = (fraction: number) => (fraction * 100).toFixed(2);
      return {
        from: result.from,
        to: result.to,
        timeWeightedReturn: percent(result.timeWeightedReturn),
        annualizedVolatility: percent(result.annualizedVolatility),
        maxDrawdown: percent(result.maxDrawdown),
        series: result.series.map((point) => ({
          date: point.date,
          value: { amount: point.value.toFixed(2), currency: portfolio.baseCurrency },
        })),
      };
    },

    holdings(portfolio, _args, { loaders }) {
      return loaders.holdingsByPortfolioId.load(portfolio.id);
    },

    async valuation(portfolio, _args, { loaders, market }) {
      const holdings = await loaders.holdingsByPortfolioId.load(portfolio.id);
      const quotes = await market.prices.loadMany(holdings.map((holding) => holding.instrumentId));

      const prices = new Map<string, MarketPrice>();
      for (const quote of quotes) {
        if (quote instanceof Error) throw quote;
        if (quote) prices.set(quote.instrumentId, quote);
      }
      return valuePortfolio(portfolio, holdings, prices, market.fx);
    },
  },

  LedgerEntry: {
    cashAmount(entry) {
      return { amount: new Decimal(entry.cashAmount).toFixed(2), currency: entry.baseCurrency };
    },

    instrument(entry) {
      return entry.instrumentId ? { __typename: 'Instrument', id: entry.instrumentId } : null;
    },

    price(entry) {
      return entry.price && entry.priceCurrency
        ? { amount: entry.price, currency: entry.priceCurrency }
        : null;
    },
  },

  Mutation: {
    async reserveForOrder(_root, args, context) {
      const identity = requireService(context, 'trading');
      const { side, ...input } = args.input;
      if (side !== 'BUY' && side !== 'SELL') {
        throw badUserInput('side', `side must be BUY or SELL; got "${side}".`);
      }

      // Rates are read before the transaction: no market call while the portfolio is locked.
      const fx = await context.fxRates();
      const outcome = await reserve(context.db, { ...input, side, userId: identity.userId }, fx);
      context.log.info({ orderId: input.orderId, status: outcome.status }, 'reservation');
      if (outcome.status === 'RESERVED') {
        await announcePortfolioChanges(context.events, [input.portfolioId], context.log);
      }
      return outcome;
    },

    async settleFill(_root, args, context) {
      requireService(context, 'trading');
      const { outcome, portfolioId } = await settleFill(context.db, args.input);
      context.log.info({ orderId: args.input.orderId, fillId: args.input.fillId, outcome }, 'fill');
      // A repeat changes nothing, but the first answer may have been lost with its message.
      await announcePortfolioChanges(context.events, [portfolioId], context.log);
      return outcome === 'SETTLED';
    },

    async releaseReservation(_root, args, context) {
      requireService(context, 'trading');
      const portfolioId = await releaseReservation(context.db, args.orderId);
      if (!portfolioId) return false;
      await announcePortfolioChanges(context.events, [portfolioId], context.log);
      return true;
    },
  },

  Holding: {
    instrument(holding) {
      return { __typename: 'Instrument', id: holding.instrumentId };
    },

    averageCost(holding) {
      return { amount: new Decimal(holding.averageCost).toFixed(), currency: holding.currency };
    },

    costBasis(holding) {
      const cost = new Decimal(holding.quantity).times(holding.averageCost).toDecimalPlaces(2);
      return { amount: cost.toFixed(2), currency: holding.currency };
    },
  },
};
