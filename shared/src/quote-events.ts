/** The bus channel on which market publishes every batch of price ticks. */
export const QUOTES_CHANNEL = 'quotes';

/** One tick as it travels on the bus: decimals as exact strings, `asOf` ISO with milliseconds. */
export interface QuoteTickEvent {
  readonly symbol: string;
  readonly instrumentId: string;
  readonly price: string;
  readonly bid: string;
  readonly ask: string;
  readonly previousClose?: string;
  readonly asOf: string;
}

export interface QuotesMessage {
  readonly ticks: readonly QuoteTickEvent[];
}

export function isQuotesMessage(value: unknown): value is QuotesMessage {
  if (typeof value !== 'object' || value === null) return false;
  const { ticks } = value as Partial<QuotesMessage>;
  return (
    Array.isArray(ticks) &&
    ticks.every(
      (tick: unknown) =>
        typeof tick === 'object' &&
        tick !== null &&
        typeof (tick as QuoteTickEvent).symbol === 'string' &&
        typeof (tick as QuoteTickEvent).instrumentId === 'string' &&
        typeof (tick as QuoteTickEvent).price === 'string' &&
        typeof (tick as QuoteTickEvent).bid === 'string' &&
        typeof (tick as QuoteTickEvent).ask === 'string' &&
        typeof (tick as QuoteTickEvent).asOf === 'string',
    )
  );
}
