/**
 * The client operations the scenarios send: persisted ones by manifest id (as the apps do) and
 * the same documents as full text for the benchmark, where no router cache may answer them.
 */
import { readFileSync } from 'node:fs';
import { INSTRUMENTS, instrumentId as instrumentIdOf } from '#demo';
import type { LoadUser } from './users.js';

interface ManifestEntry {
  id: string;
  name: string;
  type: 'query' | 'mutation' | 'subscription';
  body: string;
}

const manifestPath = new URL('../persisted-queries/manifest.json', import.meta.url);
const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { operations: ManifestEntry[] };

export function manifestOperation(name: string): ManifestEntry {
  const found = manifest.operations.find((operation) => operation.name === name);
  if (!found) {
    const known = manifest.operations.map((operation) => operation.name).join(', ');
    throw new Error(`No operation "${name}" in persisted-queries/manifest.json; has: ${known}.`);
  }
  return found;
}

/** Stock and fund symbols cheap enough that a one-unit order never strains a user's cash. */
export const TRADABLE_SYMBOLS = INSTRUMENTS.filter(
  (instrument) => instrument.assetClass !== 'CRYPTO' && Number(instrument.price) < 500,
).map((instrument) => instrument.symbol);

export const ALL_SYMBOLS = INSTRUMENTS.map((instrument) => instrument.symbol);

export function isoDate(daysAgo: number): string {
  return new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10);
}

export interface OperationContext {
  user: LoadUser;
  /** A number unique within the run, for idempotency keys. */
  sequence: number;
  runId: string;
  random: () => number;
}

function pick<T>(items: readonly T[], random: () => number): T {
  return items[Math.floor(random() * items.length)] as T;
}

/** Variables for each operation the load suite sends, from the user acting. */
export const VARIABLES: Record<string, (context: OperationContext) => Record<string, unknown>> = {
  PortfolioOverview: () => ({}),
  MobileHome: () => ({}),
  HoldingsWithQuotes: ({ user }) => ({ portfolioId: user.portfolioId }),
  OrderHistory: ({ user }) => ({ portfolioId: user.portfolioId, first: 20 }),
  MobileOrders: ({ user }) => ({ portfolioId: user.portfolioId }),
  MarketSummary: () => ({}),
  MobileMarketSummary: () => ({}),
  // A month of bars: what the instrument screen's default chart shows.
  InstrumentDetail: ({ user, random }) => ({
    symbol: pick(user.symbols.length ? user.symbols : ALL_SYMBOLS, random),
    from: isoDate(30),
    to: isoDate(0),
  }),
  MobileInstrument: ({ random }) => ({ symbol: pick(ALL_SYMBOLS, random), from: isoDate(30) }),
  PlaceOrder: ({ user, sequence, runId, random }) => ({
    input: {
      portfolioId: user.portfolioId,
      instrumentId: instrumentIdOf(pick(TRADABLE_SYMBOLS, random)),
      side: 'BUY',
      type: 'MARKET',
      quantity: '1',
      idempotencyKey: `load-${runId}-${sequence}`,
    },
  }),
};

export function persistedBody(name: string, variables: Record<string, unknown>): string {
  return JSON.stringify({ documentId: manifestOperation(name).id, variables });
}

/** The query string of a persisted query sent as GET, as a CDN or an app cache sees it. */
export function persistedSearch(name: string, variables: Record<string, unknown>): string {
  const params = new URLSearchParams({
    documentId: manifestOperation(name).id,
    variables: JSON.stringify(variables),
  });
  return `?${params.toString()}`;
}

export function textBody(name: string, variables: Record<string, unknown>): string {
  return JSON.stringify({ query: manifestOperation(name).body, operationName: name, variables });
}
