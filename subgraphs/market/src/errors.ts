import { ClientError } from '#shared';

/** Codes the market subgraph adds to the shared ones (docs/errors.md). */
export const MarketErrorCode = {
  INVALID_CURSOR: 'INVALID_CURSOR',
  INVALID_ARGUMENT: 'INVALID_ARGUMENT',
  UNKNOWN_SYMBOL: 'UNKNOWN_SYMBOL',
} as const;

export function invalidArgument(argument: string, message: string): ClientError {
  return new ClientError(MarketErrorCode.INVALID_ARGUMENT, message, { argument });
}

export function unknownSymbols(symbols: readonly string[]): ClientError {
  return new ClientError(
    MarketErrorCode.UNKNOWN_SYMBOL,
    `Argument "symbols" must name listed instruments; unknown: ${symbols.join(', ')}.`,
    { argument: 'symbols', symbols },
  );
}
