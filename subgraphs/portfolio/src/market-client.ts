import DataLoader from 'dataloader';
import { Decimal, type GraphQLClient } from '#shared';
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
