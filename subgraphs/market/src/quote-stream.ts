import { channelEvents, clearLoaders, isQuotesMessage, QUOTES_CHANNEL } from '#shared';
import type { MarketContext } from './context.js';
import { invalidArgument, unknownSymbols } from './errors.js';
import type { QuoteTick } from './model.js';

/** Most symbols one `quotes` subscription may follow. */
export const MAX_QUOTE_SYMBOLS = 50;

/**
 * The ticks of the asked symbols, from the bus: every market instance hears every batch, so a
 * subscriber is served wherever it connected, leader or not. Symbols are checked up front so a
 * typo is an error now rather than a stream that never says anything.
 */
export async function subscribeToQuotes(
  symbols: readonly string[],
  context: MarketContext,
): Promise<AsyncIterableIterator<{ quotes: QuoteTick }>> {
  const wanted = new Set(symbols);
  if (wanted.size === 0 || wanted.size > MAX_QUOTE_SYMBOLS) {
    throw invalidArgument(
      'symbols',
      `Argument "symbols" must name 1..${MAX_QUOTE_SYMBOLS} symbols; got ${wanted.size}.`,
    );
  }

  const found = await context.loaders.instrumentBySymbol.loadMany([...wanted]);
  const unknown = [...wanted].filter((_symbol, index) => {
    const instrument = found[index];
    return !instrument || instrument instanceof Error;
  });
  if (unknown.length > 0) throw unknownSymbols(unknown);

  return channelEvents(
    context.events,
    QUOTES_CHANNEL,
    (message) => {
      if (!isQuotesMessage(message)) return [];
      return message.ticks.filter((tick) => wanted.has(tick.symbol)).map((quotes) => ({ quotes }));
    },
    { onDeliver: () => clearLoaders(context.loaders) },
  );
}
