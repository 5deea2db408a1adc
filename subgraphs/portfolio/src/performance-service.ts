import { badUserInput, type GraphQLClient, type Knex, type TtlCache } from '#shared';
import { fetchClosesInBase } from './market-client.js';
import type { Portfolio } from './model.js';
import { computePerformance, type LedgerMovement, type PerformanceResult } from './performance.js';

const DAY_MS = 86_400_000;
const MAX_RANGE_DAYS = 5 * 366;

export interface PerformanceServiceOptions {
  db: Knex;
  market: GraphQLClient;
  cache: TtlCache;
  /** How long a computed result is reused. Default 60 seconds. */
  ttlSeconds?: number;
}

function isoDate(time: number): string {
  return new Date(time).toISOString().slice(0, 10);
}

/**
 * Performance per portfolio and range, cached. The cache key carries the id of the portfolio's
 * newest ledger entry, so a trade, deposit or fee makes earlier results unreachable at once, on
 * every instance, whichever store holds them; the TTL only bounds how long prices may age.
 */
export function createPerformanceService(options: PerformanceServiceOptions) {
  const { db, market, cache, ttlSeconds = 60 } = options;

  async function ledgerVersion(portfolioId: string): Promise<string> {
    const row = await db('ledger_entries')
      .where('portfolio_id', portfolioId)
      .max<{ version: string | null }>({ version: 'id' })
      .first();
    return row?.version ?? '0';
  }

  async function compute(portfolio: Portfolio, from: string, to: string, requestId: string) {
    const rows: {
      created_at: Date;
      kind: string;
      instrument_id: string | null;
      quantity: string | null;
      cash_amount: string;
    }[] = await db('ledger_entries')
      .select('created_at', 'kind', 'instrument_id', 'quantity', 'cash_amount')
      .where('portfolio_id', portfolio.id)
      .andWhere('created_at', '<', new Date(Date.parse(to) + DAY_MS))
      .orderBy('id');

    const movements: LedgerMovement[] = rows.map((row) => ({
      date: row.created_at.toISOString().slice(0, 10),
      kind: row.kind,
      instrumentId: row.instrument_id,
      quantity: Number(row.quantity ?? 0),
      cash: Number(row.cash_amount),
    }));
    const ids = [...new Set(rows.flatMap((row) => (row.instrument_id ? [row.instrument_id] : [])))];
    // A week earlier than `from`, so the first day has a close even after a long weekend.
    const closes = await fetchClosesInBase(
      market,
      ids,
      { from: isoDate(Date.parse(from) - 7 * DAY_MS), to },
      portfolio.baseCurrency,
      requestId,
    );
    return computePerformance({ from, to, movements, closes });
  }

  return async function performance(
    portfolio: Portfolio,
    range: { from?: string | null; to?: string | null },
    requestId: string,
  ): Promise<PerformanceResult> {
    const to = range.to ?? isoDate(Date.now());
    const from = range.from ?? isoDate(Date.parse(to) - 365 * DAY_MS);
    if (from > to) throw badUserInput('from', `Argument "from" (${from}) is after "to" (${to}).`);
    if ((Date.parse(to) - Date.parse(from)) / DAY_MS > MAX_RANGE_DAYS) {
      throw badUserInput('from', 'A performance range may span at most five years.');
    }

    const key = `performance:${portfolio.id}:${await ledgerVersion(portfolio.id)}:${from}:${to}`;
    const cached = await cache.get(key);
    if (cached) return JSON.parse(cached) as PerformanceResult;

    const result = await compute(portfolio, from, to, requestId);
    await cache.set(key, JSON.stringify(result), ttlSeconds);
    return result;
  };
}

export type PerformanceService = ReturnType<typeof createPerformanceService>;
