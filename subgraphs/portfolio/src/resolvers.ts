import { DateTimeScalar, Decimal, DecimalScalar, forbidden, type ResolverMap } from '#shared';
import { loadOwnedPortfolio, requireIdentity } from './access.js';
import type { PortfolioContext } from './context.js';
import type { Holding, MarketPrice, Portfolio, User } from './model.js';
import { valuePortfolio } from './valuation.js';

export const resolvers: ResolverMap<PortfolioContext> = {
  Decimal: DecimalScalar,
  DateTime: DateTimeScalar,

  Query: {
    me(_root, _args, context) {
      const identity = requireIdentity(context, 'me');
      return context.loaders.userById.load(identity.userId);
    },

    portfolio(_root, args: { id: string }, context) {
      return loadOwnedPortfolio(context, args.id);
    },
  },

  User: {
    __resolveReference(reference: { id: string }, context: PortfolioContext) {
      const identity = requireIdentity(context, 'a user');
      if (reference.id !== identity.userId) throw forbidden('Users can read only themselves.');
      return context.loaders.userById.load(reference.id);
    },

    async portfolios(user: User, _args, { loaders }) {
      const portfolios = await loaders.portfoliosByUserId.load(user.id);
      for (const portfolio of portfolios) loaders.portfolioById.prime(portfolio.id, portfolio);
      return portfolios;
    },
  },

  Portfolio: {
    __resolveReference(reference: { id: string }, context: PortfolioContext) {
      return loadOwnedPortfolio(context, reference.id);
    },

    owner(portfolio: Portfolio, _args, { loaders }) {
      return loaders.userById.load(portfolio.userId);
    },

    cash(portfolio: Portfolio) {
      return { amount: new Decimal(portfolio.cash).toFixed(2), currency: portfolio.baseCurrency };
    },

    holdings(portfolio: Portfolio, _args, { loaders }) {
      return loaders.holdingsByPortfolioId.load(portfolio.id);
    },

    async valuation(portfolio: Portfolio, _args, { loaders, market }) {
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

  Holding: {
    instrument(holding: Holding) {
      return { __typename: 'Instrument', id: holding.instrumentId };
    },

    averageCost(holding: Holding) {
      return { amount: new Decimal(holding.averageCost).toFixed(), currency: holding.currency };
    },

    costBasis(holding: Holding) {
      const cost = new Decimal(holding.quantity).times(holding.averageCost).toDecimalPlaces(2);
      return { amount: cost.toFixed(2), currency: holding.currency };
    },
  },
};
