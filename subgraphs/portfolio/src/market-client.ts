import DataLoader from 'dataloader';
import { coalesceCalls, Decimal, type GraphQLClient } from '#shared';
import type { MarketPrice } from './model.js';

const PRICES_QUERY = /* GraphQL */ `
  query PortfolioValuationPrices($ids: [ID!]!) {
    instrumentsByIds(ids: $ids) {
      id
      assetClass
      currency
      quote {
        price
        previousClose
        asOf
      }
    }
    fxRates {
      base
      quote
      rate
    }
  }
`;

interface PricesResponse {
  instrumentsByIds: ({
    id: string;
    assetClass: string;
    currency: string;
    quote: { price: string; previousClose: string; asOf: string } | null;
  } | null)[];
  fxRates: { base: string; quote: string; rate: string }[];
}

export type FxConverter = (from: string, to: string) => Decimal | undefined;

/**
 * Prices come from the market subgraph, which owns them. One call per request fetches every
 * instrument the request values, with the exchange rates, however many portfolios it covers.
 */
export function createMarketPriceLoader(market: GraphQLClient, requestId: string) {
  let rates: Map<string, string> | undefined;

  const prices = new DataLoader<string, MarketPrice | null>(
    async (ids) => {
      const { data } = await market<PricesResponse>(PRICES_QUERY, { ids }, { requestId });
      rates = new Map(data.fxRates.map((rate) => [`${rate.base}/${rate.quote}`, rate.rate]));
      return data.instrumentsByIds.map((instrument) =>
        instrument?.quote
          ? {
              instrumentId: instrument.id,
              assetClass: instrument.assetClass,
              currency: instrument.currency,
              price: instrument.quote.price,
              previousClose: instrument.quote.previousClose,
              asOf: new Date(instrument.quote.asOf),
            }
          : null,
      );
    },
    { maxBatchSize: 500 },
  );

  const fx: FxConverter = (from, to) => {
    if (from === to) return new Decimal(1);
    const rate = rates?.get(`${from}/${to}`);
    return rate === undefined ? undefined : new Decimal(rate);
  };

  return { prices, fx };
}

export type MarketPriceLoader = ReturnType<typeof createMarketPriceLoader>;

const FX_QUERY = /* GraphQL */ `
  query PortfolioFxRates {
    fxRates {
      base
      quote
      rate
    }
  }
`;

/**
 * Today's exchange rates for holds, as a converter. Holds asked for at the same moment (a burst
 * of orders) share one market call; none reuses rates read before it asked.
 */
export function createFxRates(market: GraphQLClient): () => Promise<FxConverter> {
  const fetchRates = coalesceCalls(async () => {
    const { data } = await market<Pick<PricesResponse, 'fxRates'>>(FX_QUERY, {});
    const rates = new Map(data.fxRates.map((rate) => [`${rate.base}/${rate.quote}`, rate.rate]));
    const convert: FxConverter = (from, to) => {
      if (from === to) return new Decimal(1);
      const rate = rates.get(`${from}/${to}`);
      return rate === undefined ? undefined : new Decimal(rate);
    };
    return convert;
  });
  return () => fetchRates([]);
}

export type FxRates = ReturnType<typeof createFxRates>;

const HISTORY_QUERY = /* GraphQL */ `
  query PortfolioPerformanceHistory($ids: [ID!]!, $from: Date!, $to: Date!) {
    instrumentsByIds(ids: $ids) {
      id
      currency
      priceHistory(from: $from, to: $to) {
        date
        close
      }
    }
    fxRates {
      base
      quote
      rate
    }
  }
`;

interface HistoryResponse {
  instrumentsByIds: ({
    id: string;
    currency: string;
    priceHistory: { date: string; close: string }[];
  } | null)[];
  fxRates: { base: string; quote: string; rate: string }[];
}

/** Daily closes of many instruments, converted to `base` at today's rates, in one call. */
export async function fetchClosesInBase(
  market: GraphQLClient,
  ids: readonly string[],
  range: { from: string; to: string },
  base: string,
  requestId: string,
): Promise<Map<string, { date: string; close: number }[]>> {
  const closes = new Map<string, { date: string; close: number }[]>();
  if (ids.length === 0) return closes;

  const { data } = await market<HistoryResponse>(HISTORY_QUERY, { ids, ...range }, { requestId });
  const rates = new Map(
    data.fxRates.map((rate) => [`${rate.base}/${rate.quote}`, Number(rate.rate)]),
  );
  for (const instrument of data.instrumentsByIds) {
    if (!instrument) continue;
    const rate = instrument.currency === base ? 1 : rates.get(`${instrument.currency}/${base}`);
    if (rate === undefined) continue;
    closes.set(
      instrument.id,
      instrument.priceHistory.map((bar) => ({ date: bar.date, close: Number(bar.close) * rate })),
    );
  }
  return closes;
}
