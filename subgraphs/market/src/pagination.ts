import { ClientError } from '#shared';
import { MarketErrorCode } from './errors.js';

/** Cursors are opaque to clients: base64url of the last symbol on the page. */
export function encodeCursor(symbol: string): string {
  return Buffer.from(`symbol:${symbol}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): string {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!text.startsWith('symbol:')) {
    throw new ClientError(
      MarketErrorCode.INVALID_CURSOR,
      `Argument "after" must be an endCursor returned by this API; received "${cursor}".`,
      { argument: 'after' },
    );
  }
  return text.slice('symbol:'.length);
}
