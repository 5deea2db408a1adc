import { DateTimeScalar, DecimalScalar, unauthenticated } from '#shared';
import { adviseOn } from './engine.js';
import type { Resolvers } from './generated/graphql.js';

export const resolvers: Resolvers = {
  Decimal: DecimalScalar,
  DateTime: DateTimeScalar,

  Query: {
    marketSummary(_root, _args, context) {
      return context.marketSummary(context.requestId);
    },
  },

  Portfolio: {
    async advice(portfolio, _args, context) {
      if (!context.identity) throw unauthenticated('advice');
      // The router fetched the valuation from the portfolio subgraph, which checked ownership.
      if (!portfolio.valuation) return null;

      const [profile, models] = await Promise.all([
        context.loaders.profileByPortfolioId.load(portfolio.id),
        context.loaders.models.load('all'),
      ]);
      return adviseOn(portfolio.valuation, profile, models.get(profile) ?? {});
    },
  },
};
