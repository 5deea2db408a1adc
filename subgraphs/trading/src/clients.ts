import { coalesceCalls, type CallOptions, type GraphQLClient } from '#shared';

export interface InstrumentFacts {
  id: string;
  tradable: boolean;
  currency: string;
  quote: { bid: string; ask: string } | null;
}

export type ReservationStatus =
  'RESERVED' | 'INSUFFICIENT_FUNDS' | 'INSUFFICIENT_HOLDINGS' | 'NOT_FOUND' | 'FORBIDDEN';

export interface ReservationOutcome {
  status: ReservationStatus;
  available: string | null;
  reservedAt: string | null;
}

const FACTS = /* GraphQL */ `
  query TradingInstruments($ids: [ID!]!) {
    instrumentsByIds(ids: $ids) {
      id
      tradable
      currency
      quote {
        bid
        ask
      }
    }
  }
`;

/**
 * What trading asks of the market subgraph: instruments, whether they trade, their quotes.
 * Lookups made at the same moment (a burst of orders, a batch of executions) share one call;
 * each still reads quotes fetched after it asked, never a remembered one.
 */
export function createMarketClient(market: GraphQLClient) {
  const lookup = coalesceCalls(async (ids: string[]) => {
    const { data } = await market<{ instrumentsByIds: (InstrumentFacts | null)[] }>(FACTS, {
      ids,
    });
    const facts = new Map<string, InstrumentFacts>();
    for (const instrument of data.instrumentsByIds) {
      if (instrument) facts.set(instrument.id, instrument);
    }
    return facts;
  });

  // A shared call serves many requests, so it carries none of their request ids.
  return async function instrumentFacts(
    ids: readonly string[],
  ): Promise<Map<string, InstrumentFacts>> {
    if (ids.length === 0) return new Map();
    const shared = await lookup(ids);
    return new Map(ids.flatMap((id) => (shared.has(id) ? [[id, shared.get(id)!]] : [])));
  };
}

const RESERVE = /* GraphQL */ `
  mutation TradingReserve($input: ReserveForOrderInput!) {
    reserveForOrder(input: $input) {
      status
      available
      reservedAt
    }
  }
`;

const SETTLE = /* GraphQL */ `
  mutation TradingSettle($input: SettleFillInput!) {
    settleFill(input: $input)
  }
`;

const RELEASE = /* GraphQL */ `
  mutation TradingRelease($orderId: ID!) {
    releaseReservation(orderId: $orderId)
  }
`;

const ACCESS = /* GraphQL */ `
  query TradingPortfolioAccess($id: ID!) {
    portfolio(id: $id) {
      id
    }
  }
`;

export type PortfolioAccess = 'OWNED' | 'FORBIDDEN' | 'NOT_FOUND';

function firstError(errors: { message: string }[]): void {
  if (errors.length > 0) throw new Error(errors.map((error) => error.message).join('; '));
}

/**
 * Portfolio's internal operations, called with a service identity (trading, acting for the
 * order's user). Each is idempotent on portfolio's side, so a retry after a lost answer is safe.
 */
export function createPortfolioClient(portfolio: GraphQLClient) {
  return {
    async reserve(input: Record<string, unknown>, options: CallOptions) {
      const { data, errors } = await portfolio<{ reserveForOrder: ReservationOutcome | null }>(
        RESERVE,
        { input },
        options,
      );
      firstError(errors);
      if (!data.reserveForOrder) throw new Error('portfolio returned no reservation outcome');
      return data.reserveForOrder;
    },

    async settleFill(input: Record<string, unknown>, options: CallOptions): Promise<boolean> {
      const { data, errors } = await portfolio<{ settleFill: boolean }>(SETTLE, { input }, options);
      firstError(errors);
      return data.settleFill;
    },

    /** Whether the identity in `options` owns the portfolio, by portfolio's own rule. */
    async access(portfolioId: string, options: CallOptions): Promise<PortfolioAccess> {
      const { data, errors } = await portfolio<{ portfolio: { id: string } | null }>(
        ACCESS,
        { id: portfolioId },
        options,
      );
      if (data.portfolio) return 'OWNED';
      const codes = new Set(errors.map((error) => error.extensions?.code));
      if (codes.has('FORBIDDEN')) return 'FORBIDDEN';
      if (errors.length === 0 || codes.has('NOT_FOUND')) return 'NOT_FOUND';
      // Anything else (portfolio failing) is not an answer about ownership.
      firstError(errors);
      return 'NOT_FOUND';
    },

    async release(orderId: string, options: CallOptions): Promise<boolean> {
      const { data, errors } = await portfolio<{ releaseReservation: boolean }>(
        RELEASE,
        { orderId },
        options,
      );
      firstError(errors);
      return data.releaseReservation;
    },
  };
}

export type MarketClient = ReturnType<typeof createMarketClient>;
export type PortfolioClient = ReturnType<typeof createPortfolioClient>;
