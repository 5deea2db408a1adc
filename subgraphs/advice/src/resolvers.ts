import { DateTimeScalar, DecimalScalar, unauthenticated, type ResolverMap } from '#shared';
import type { AdviceContext } from './context.js';
import { adviseOn, type ValuationInput } from './engine.js';

interface PortfolioRepresentation {
  id: string;
  valuation?: ValuationInput | null;
}

export const resolvers: ResolverMap<AdviceContext> = {
  Decimal: DecimalScalar,
  DateTime: DateTimeScalar,

  Query: {
    marketSummary(_root, _args, context) {
      return context.marketSummary(context.requestId);
    },
  },

  Portfolio: {
    async advice(portfolio: PortfolioRepresentation, _args, context) {
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
