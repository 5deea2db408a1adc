import { instrumentId } from '#demo';
import { routerGraphQL, tokenFor, type GraphQLResult } from './stack.js';

interface Page {
  instruments: {
    totalCount: number;
    nodes: { symbol: string; assetClass: string }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}

const PAGE = /* GraphQL */ `
  query Page($assetClass: AssetClass, $first: Int, $after: String) {
    instruments(assetClass: $assetClass, first: $first, after: $after) {
      totalCount
      nodes {
        symbol
        assetClass
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;

describe('market data through the router', () => {
  it('pages through every instrument exactly once, in symbol order', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let total = 0;
    do {
      const result: GraphQLResult<Page> = await routerGraphQL<Page>(PAGE, { first: 12, after });
      const page: Page['instruments'] | undefined = result.body.data?.instruments;
      if (!page) throw new Error('no page');
      total = page.totalCount;
      seen.push(...page.nodes.map((node) => node.symbol));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after);

    expect(total).toBe(50);
    expect(seen).toHaveLength(50);
    expect(new Set(seen).size).toBe(50);
    expect([...seen].sort()).toEqual(seen);
  });

  it('filters by asset class', async () => {
    const { body } = await routerGraphQL<Page>(PAGE, { assetClass: 'CRYPTO', first: 50 });
    const symbols = body.data?.instruments.nodes.map((node) => node.symbol);
    expect(symbols).toEqual(['BTC-GBP', 'BTC-USD', 'ETH-EUR', 'ETH-USD', 'SOL-USD']);
  });

  it('refuses a forged cursor and an oversized page with coded errors', async () => {
    const forged = await routerGraphQL(PAGE, { first: 5, after: 'bm90LWEtY3Vyc29y' });
    expect(forged.body.errors?.[0]?.extensions?.code).toBe('INVALID_CURSOR');

    const huge = await routerGraphQL(PAGE, { first: 5000 });
    expect(huge.body.errors?.[0]?.extensions?.code).toBe('INVALID_ARGUMENT');
  });

  it('finds instruments by symbol prefix and by a word of the name', async () => {
    const { body } = await routerGraphQL<{
      bySymbol: { symbol: string }[];
      byName: { symbol: string }[];
    }>(`{
      bySymbol: searchInstruments(text: "ba") { symbol }
      byName: searchInstruments(text: "vodafone") { symbol }
    }`);
    expect(body.data?.bySymbol.map((item) => item.symbol)).toContain('BARC');
    expect(body.data?.byName.map((item) => item.symbol)).toEqual(['VOD']);
  });

  it('serves a year of daily history and a consistent quote', async () => {
    const { body } = await routerGraphQL<{
      instrument: {
        id: string;
        quote: {
          price: string;
          bid: string;
          ask: string;
          previousClose: string;
          dayChange: string;
        };
        priceHistory: { date: string; close: string; high: string; low: string }[];
      };
    }>(`{
      instrument(symbol: "MSFT") {
        id
        quote { price bid ask previousClose dayChange }
        priceHistory { date close high low }
      }
    }`);
    const instrument = body.data?.instrument;
    expect(instrument?.id).toBe(instrumentId('MSFT'));

    const history = instrument?.priceHistory ?? [];
    expect(history.length).toBeGreaterThan(240);
    expect(history.length).toBeLessThanOrEqual(262);
    for (const bar of history) {
      expect(Number(bar.high)).toBeGreaterThanOrEqual(Number(bar.close));
      expect(Number(bar.low)).toBeLessThanOrEqual(Number(bar.close));
    }
    expect(history.at(-1)?.close).toBe('417.46');

    const quote = instrument?.quote;
    expect(Number(quote?.bid)).toBeLessThan(Number(quote?.ask));
    expect(quote?.previousClose).toBe('417.46');
  });

  it('answers an unknown instrument with null, not an error', async () => {
    const { body } = await routerGraphQL('{ instrument(symbol: "NOPE") { id } }');
    expect(body.errors).toBeUndefined();
    expect(body.data?.instrument).toBeNull();
  });
});

describe('advice through the router', () => {
  it('explains recommendations from the portfolio valuation', async () => {
    const { body } = await routerGraphQL<{
      me: {
        portfolios: {
          name: string;
          valuation: { totalValue: { amount: string } };
          advice: {
            riskProfile: string;
            summary: string;
            recommendations: { kind: string; rationale: string }[];
          };
        }[];
      };
    }>(
      `{ me { portfolios { name valuation { totalValue { amount } }
           advice { riskProfile summary recommendations { kind rationale } } } } }`,
      {},
      { token: await tokenFor('carol') },
    );

    expect(body.errors).toBeUndefined();
    const [sipp] = body.data?.me.portfolios ?? [];
    expect(sipp?.advice.riskProfile).toBe('CONSERVATIVE');
    expect(sipp?.advice.summary).toContain(sipp?.valuation.totalValue.amount);
    expect(sipp?.advice.recommendations.length).toBeGreaterThan(0);
    for (const item of sipp?.advice.recommendations ?? []) {
      expect(item.rationale.length).toBeGreaterThan(40);
    }
  });

  it('summarizes the market from the latest quotes', async () => {
    const { body } = await routerGraphQL<{
      marketSummary: {
        headline: string;
        advancers: number;
        decliners: number;
        topGainers: { instrument: { symbol: string; quote: { dayChangePercent: string } } }[];
      };
    }>(`{ marketSummary { headline advancers decliners
          topGainers { instrument { symbol quote { dayChangePercent } } } } }`);

    const summary = body.data?.marketSummary;
    expect(summary?.headline).toMatch(/of 50 instruments up/);
    expect((summary?.advancers ?? 0) + (summary?.decliners ?? 0)).toBeLessThanOrEqual(50);
    for (const gainer of summary?.topGainers ?? []) {
      expect(Number(gainer.instrument.quote.dayChangePercent)).toBeGreaterThan(0);
    }
  });
});
