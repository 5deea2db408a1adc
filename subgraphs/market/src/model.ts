import type { QuoteTickEvent } from '#shared';

export type AssetClass = 'EQUITY' | 'ETF' | 'BOND' | 'CRYPTO';

export interface Instrument {
  id: string;
  symbol: string;
  name: string;
  assetClass: AssetClass;
  currency: string;
  exchange: string;
  tradable: boolean;
}

export interface Quote {
  instrumentId: string;
  price: string;
  bid: string;
  ask: string;
  previousClose: string;
  asOf: Date;
}

export interface DailyBar {
  instrumentId: string;
  date: string;
  open: string;
  high: string;
  low: string;
  close: string;
  volume: string;
}

export interface FxRate {
  base: string;
  quote: string;
  rate: string;
  asOf: Date;
}

/** A tick as the `quotes` subscription resolves it: the bus message, unchanged. */
export type QuoteTick = QuoteTickEvent;
