export interface User {
  id: string;
  username: string;
  displayName: string;
}

export interface Portfolio {
  id: string;
  userId: string;
  name: string;
  baseCurrency: string;
  cash: string;
  createdAt: Date;
}

export interface Holding {
  portfolioId: string;
  instrumentId: string;
  quantity: string;
  averageCost: string;
  currency: string;
}

/** What valuation needs to know of an instrument; owned by the market subgraph. */
export interface MarketPrice {
  instrumentId: string;
  assetClass: string;
  currency: string;
  price: string;
  previousClose: string;
  asOf: Date;
}

export interface LedgerRow {
  id: string;
  portfolioId: string;
  kind: string;
  cashAmount: string;
  instrumentId: string | null;
  quantity: string | null;
  price: string | null;
  priceCurrency: string | null;
  createdAt: Date;
}

/** A ledger row as the LedgerEntry type resolves it: with its portfolio's currency. */
export type LedgerEntryParent = LedgerRow & { baseCurrency: string };

/** An instrument as portfolio knows it: a reference to market's entity by id. */
export interface InstrumentReference {
  __typename?: 'Instrument';
  id: string;
}
