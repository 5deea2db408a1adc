import {
  demoFxRate,
  generatedUsername,
  INSTRUMENTS,
  instrumentId,
  portfolioId,
  userId,
} from '#demo';
import { Decimal, type Knex } from '#shared';
import { postLedgerEntry } from '../subgraphs/portfolio/src/ledger.js';
import { reconcile, type Discrepancy } from '../subgraphs/portfolio/src/reconciliation.js';
import { openTestSchema, tokenFor } from './stack.js';

export interface FundedPortfolio {
  portfolioId: string;
  userId: string;
  token: string;
}

/**
 * A fresh user with one GBP portfolio funded through the ledger, like a real customer after a
 * deposit (and, optionally, some buys). Each test file takes its own range of user numbers so
 * that files running in parallel never share a portfolio.
 */
export async function createFundedPortfolio(
  number: number,
  deposit: string,
  positions: { symbol: string; quantity: string; price: string }[] = [],
  portfolioSchema?: Knex,
): Promise<FundedPortfolio> {
  const db = portfolioSchema ?? openTestSchema('portfolio');
  const username = generatedUsername(number);
  const id = portfolioId(`${username}-fixture`);
  const owner = userId(username);
  try {
    await db.transaction(async (trx) => {
      await trx('users').insert({ id: owner, username, display_name: `Fixture ${number}` });
      await trx('portfolios').insert({ id, user_id: owner, name: 'Fixture', base_currency: 'GBP' });
      await postLedgerEntry(trx, {
        portfolioId: id,
        kind: 'DEPOSIT',
        reference: `fixture:${id}:deposit`,
        cashAmount: deposit,
      });
      for (const [index, position] of positions.entries()) {
        const instrument = INSTRUMENTS.find((item) => item.symbol === position.symbol);
        const currency = instrument?.currency ?? 'GBP';
        const rate = demoFxRate(currency, 'GBP');
        const cost = new Decimal(position.quantity).times(position.price).times(rate);
        await postLedgerEntry(trx, {
          portfolioId: id,
          kind: 'BUY',
          reference: `fixture:${id}:buy:${index}`,
          cashAmount: cost.negated().toDecimalPlaces(4).toFixed(),
          instrumentId: instrumentId(position.symbol),
          quantity: position.quantity,
          price: position.price,
          priceCurrency: currency,
          fxRate: rate.toDecimalPlaces(10).toFixed(),
        });
      }
    });
  } finally {
    if (!portfolioSchema) await db.destroy();
  }
  return { portfolioId: id, userId: owner, token: await tokenFor(username) };
}

/** Polls until `check` returns a value other than undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

/** Every way the portfolio's materialized cash and holdings differ from its ledger. */
export async function discrepancies(
  portfolioIds: string[],
  portfolioSchema?: Knex,
): Promise<Discrepancy[]> {
  const db = portfolioSchema ?? openTestSchema('portfolio');
  try {
    return await reconcile(db, portfolioIds);
  } finally {
    if (!portfolioSchema) await db.destroy();
  }
}
