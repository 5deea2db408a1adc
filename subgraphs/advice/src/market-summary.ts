import { Decimal, toFixed, type GraphQLClient } from '#shared';

const QUOTES_QUERY = /* GraphQL */ `
  query AdviceMarketSummary($after: String) {
    instruments(first: 200, after: $after) {
      nodes {
        id
        assetClass
        quote {
          dayChangePercent
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;

interface QuotesPage {
  instruments: {
    nodes: { id: string; assetClass: string; quote: { dayChangePercent: string } | null }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}

export interface Move {
  id: string;
  assetClass: string;
  change: Decimal;
}

export interface MarketSummary {
  headline: string;
  byAssetClass: {
    assetClass: string;
    averageChangePercent: string;
    advancers: number;
    decliners: number;
  }[];
  topGainers: { instrument: { __typename: 'Instrument'; id: string }; changePercent: string }[];
  topLosers: { instrument: { __typename: 'Instrument'; id: string }; changePercent: string }[];
  advancers: number;
  decliners: number;
  generatedAt: Date;
}

const CLASS_NAMES: Record<string, string> = {
  EQUITY: 'shares',
  ETF: 'funds',
  BOND: 'bonds',
  CRYPTO: 'crypto',
};

const nameOf = (assetClass: string) => CLASS_NAMES[assetClass] ?? assetClass;

const signed = (value: Decimal) => `${value.isNegative() ? '' : '+'}${toFixed(value, 2)}%`;

/** Summarizes a day's moves: breadth, per-class averages, leaders and laggards. */
export function summarizeMoves(moves: readonly Move[], now = new Date()): MarketSummary {
  const advancers = moves.filter((move) => move.change.isPositive() && !move.change.isZero());
  const decliners = moves.filter((move) => move.change.isNegative());

  const classes = [...new Set(moves.map((move) => move.assetClass))].sort();
  const byAssetClass = classes.map((assetClass) => {
    const members = moves.filter((move) => move.assetClass === assetClass);
    const average = members
      .reduce((total, move) => total.plus(move.change), new Decimal(0))
      .div(members.length);
    return {
      assetClass,
      average,
      averageChangePercent: toFixed(average, 2),
      advancers: members.filter((move) => move.change.gt(0)).length,
      decliners: members.filter((move) => move.change.lt(0)).length,
    };
  });

  const ranked = [...moves].sort(
    (a, b) => b.change.comparedTo(a.change) || a.id.localeCompare(b.id),
  );
  const asMove = (move: Move) => ({
    instrument: { __typename: 'Instrument' as const, id: move.id },
    changePercent: toFixed(move.change, 2),
  });

  const byAverage = [...byAssetClass].sort((a, b) => b.average.comparedTo(a.average));
  const leader = byAverage[0];
  const laggard = byAverage.at(-1);
  const mood =
    advancers.length > decliners.length * 1.5
      ? 'Markets rise'
      : decliners.length > advancers.length * 1.5
        ? 'Markets fall'
        : 'Markets mixed';
  const headline =
    `${mood}: ${advancers.length} of ${moves.length} instruments up` +
    (leader && laggard && leader !== laggard
      ? `; best ${nameOf(leader.assetClass)} (${signed(leader.average)}),` +
        ` weakest ${nameOf(laggard.assetClass)} (${signed(laggard.average)})`
      : '');

  return {
    headline,
    byAssetClass: byAssetClass.map(({ average: _average, ...rest }) => rest),
    topGainers: ranked
      .slice(0, 5)
      .filter((move) => move.change.gt(0))
      .map(asMove),
    topLosers: ranked
      .slice(-5)
      .reverse()
      .filter((move) => move.change.lt(0))
      .map(asMove),
    advancers: advancers.length,
    decliners: decliners.length,
    generatedAt: now,
  };
}

export interface MarketSummaryOptions {
  market: GraphQLClient;
  /** How long one summary is served before quotes are read again. Default 15 000 ms. */
  ttlMs?: number;
}

/**
 * Reads every quote from the market subgraph and summarizes them. Every caller within the TTL
 * shares one summary, and callers arriving while one is computed wait for it instead of
 * starting their own.
 */
export function createMarketSummarySource({ market, ttlMs = 15_000 }: MarketSummaryOptions) {
  let cached: { value: Promise<MarketSummary>; expiresAt: number } | undefined;

  async function compute(requestId: string): Promise<MarketSummary> {
    const moves: Move[] = [];
    let after: string | null = null;
    do {
      const { data }: { data: QuotesPage } = await market<QuotesPage>(
        QUOTES_QUERY,
        { after },
        { requestId },
      );
      for (const node of data.instruments.nodes) {
        if (node.quote) {
          moves.push({
            id: node.id,
            assetClass: node.assetClass,
            change: new Decimal(node.quote.dayChangePercent),
          });
        }
      }
      after = data.instruments.pageInfo.hasNextPage ? data.instruments.pageInfo.endCursor : null;
    } while (after);
    return summarizeMoves(moves);
  }

  return function summary(requestId: string): Promise<MarketSummary> {
    const now = Date.now();
    if (cached && cached.expiresAt > now) return cached.value;

    const value = compute(requestId);
    cached = { value, expiresAt: now + ttlMs };
    value.catch(() => {
      if (cached?.value === value) cached = undefined;
    });
    return value;
  };
}

export type MarketSummarySource = ReturnType<typeof createMarketSummarySource>;
