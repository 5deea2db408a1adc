import type { CallOptions, GraphQLClient } from '#shared';

export interface InstrumentFacts {
  id: string;
  tradable: boolean;
  currency: string;
}

export type PortfolioAccess = 'OWNED' | 'FORBIDDEN' | 'NOT_FOUND';

/** What trading asks of the market subgraph: does the instrument exist and can it trade. */
export function createMarketClient(market: GraphQLClient) {
  return async function instrumentFacts(
    id: string,
    options: CallOptions,
  ): Promise<InstrumentFacts | null> {
    const { data } = await market<{ instrumentsByIds: (InstrumentFacts | null)[] }>(
      'query TradingInstrument($ids: [ID!]!) { instrumentsByIds(ids: $ids) { id tradable currency } }',
      { ids: [id] },
      options,
    );
    return data.instrumentsByIds[0] ?? null;
  };
}

/**
 * Asks the portfolio subgraph, on the user's behalf, whether they own a portfolio. Ownership
 * lives there; trading forwards the router-signed identity and believes the answer.
 */
export function createPortfolioClient(portfolio: GraphQLClient) {
  return async function portfolioAccess(
    id: string,
    options: CallOptions,
  ): Promise<PortfolioAccess> {
    const { data, errors } = await portfolio<{ portfolio: { id: string } | null }>(
      'query TradingPortfolioAccess($id: ID!) { portfolio(id: $id) { id } }',
      { id },
      options,
    );
    if (data.portfolio) return 'OWNED';
    if (errors.some((error) => error.extensions?.code === 'FORBIDDEN')) return 'FORBIDDEN';
    return 'NOT_FOUND';
  };
}

export type MarketClient = ReturnType<typeof createMarketClient>;
export type PortfolioClient = ReturnType<typeof createPortfolioClient>;
