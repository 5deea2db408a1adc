/** One price update of one instrument. Decimals are exact strings; `asOf` is when it happened. */
export interface PriceTick {
  instrumentId: string;
  symbol: string;
  price: string;
  bid: string;
  ask: string;
  /** The close the day's change is measured from; the feed does not move it. */
  previousClose: string;
  asOf: Date;
}

/** Receives each batch of ticks; the feed waits for it before producing the next batch. */
export type TickSink = (ticks: readonly PriceTick[]) => Promise<void>;

/**
 * A source of prices. The simulator is one; a venue's market data feed would be another,
 * behind the same two calls, and nothing downstream would know the difference.
 */
export interface PriceFeed {
  start(sink: TickSink): Promise<void>;
  stop(): Promise<void>;
}
