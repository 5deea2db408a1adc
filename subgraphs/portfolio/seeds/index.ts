import {
  DEMO_USERS,
  INSTRUMENTS,
  demoFxRate,
  generatedUser,
  type GeneratedUser,
  instrumentId,
  portfolioId,
  userId,
} from '#demo';
import { Decimal, stableId, toCount, type Knex } from '#shared';
import { postLedgerEntry } from '../src/ledger.js';

const DAY_MS = 86_400_000;

function currencyOf(symbol: string): string {
  const instrument = INSTRUMENTS.find((candidate) => candidate.symbol === symbol);
  if (!instrument) throw new Error(`Demo trade names unknown symbol ${symbol}.`);
  return instrument.currency;
}

/**
 * alice, bob and carol, with portfolios built the way real ones are: a deposit, then buys, all
 * posted through the ledger. Runs only when no user exists yet.
 */
export async function seedPortfolio(db: Knex, now = new Date()): Promise<boolean> {
  const [existing] = await db('users').count({ count: '*' });
  if (toCount(existing?.count) > 0) return false;

  await db.transaction(async (trx) => {
    for (const user of DEMO_USERS) {
      await trx('users').insert({
        id: userId(user.username),
        username: user.username,
        display_name: user.displayName,
        created_at: new Date(now.getTime() - 400 * DAY_MS),
      });

      for (const portfolio of user.portfolios) {
        const id = portfolioId(portfolio.key);
        await trx('portfolios').insert({
          id,
          user_id: userId(user.username),
          name: portfolio.name,
          base_currency: portfolio.baseCurrency,
          created_at: new Date(now.getTime() - 365 * DAY_MS),
        });
        await postLedgerEntry(trx, {
          portfolioId: id,
          kind: 'DEPOSIT',
          reference: `seed:${portfolio.key}:deposit`,
          cashAmount: portfolio.deposit,
          createdAt: new Date(now.getTime() - 365 * DAY_MS),
        });

        for (const [index, trade] of portfolio.trades.entries()) {
          const currency = currencyOf(trade.symbol);
          const fxRate = demoFxRate(currency, portfolio.baseCurrency);
          const gross = new Decimal(trade.quantity).times(trade.price).times(fxRate);
          const sign = trade.side === 'BUY' ? -1 : 1;
          await postLedgerEntry(trx, {
            portfolioId: id,
            kind: trade.side,
            reference: `seed:${portfolio.key}:trade:${index}`,
            cashAmount: gross.times(sign).toDecimalPlaces(4).toFixed(),
            instrumentId: instrumentId(trade.symbol),
            quantity: trade.quantity,
            price: trade.price,
            priceCurrency: currency,
            fxRate: fxRate.toDecimalPlaces(10).toFixed(),
            createdAt: new Date(now.getTime() - trade.daysAgo * DAY_MS),
          });
        }

        // The demo's resting limit orders hold their buying power (or shares) like any other.
        for (const [index, order] of portfolio.openOrders.entries()) {
          const currency = currencyOf(order.symbol);
          const fxRate = demoFxRate(currency, portfolio.baseCurrency);
          const isBuy = order.side === 'BUY';
          const cash = isBuy
            ? new Decimal(order.quantity).times(order.limitPrice).times(fxRate)
            : new Decimal(0);
          await trx('reservations').insert({
            order_id: stableId('order', `${portfolio.key}:open:${index}`),
            portfolio_id: id,
            side: order.side,
            instrument_id: instrumentId(order.symbol),
            price_currency: currency,
            fx_rate: fxRate.toDecimalPlaces(10).toFixed(),
            cash_reserved: cash.toDecimalPlaces(4, Decimal.ROUND_UP).toFixed(),
            cash_remaining: cash.toDecimalPlaces(4, Decimal.ROUND_UP).toFixed(),
            quantity_reserved: isBuy ? '0' : order.quantity,
            quantity_remaining: isBuy ? '0' : order.quantity,
          });
        }
      }
    }
  });
  return true;
}

/**
 * Adds synthetic users `loadtest-NNNNNN` for load tests, in bulk: rows are computed here and
 * inserted a thousand at a time, the same figures the ledger would materialize. Users that
 * already exist are skipped, so the command can be re-run to grow the population.
 */
export async function seedGeneratedUsers(db: Knex, count: number): Promise<number> {
  const [existing] = await db('users')
    .where('username', 'like', 'loadtest-%')
    .count({ count: '*' });
  const start = toCount(existing?.count) + 1;
  const batchSize = 1_000;

  for (let first = start; first <= count; first += batchSize) {
    const users: GeneratedUser[] = [];
    for (let index = first; index < Math.min(first + batchSize, count + 1); index++) {
      users.push(generatedUser(index));
    }

    await db.transaction(async (trx) => {
      const userRows = [];
      const portfolioRows = [];
      const holdingRows = [];
      const ledgerRows = [];
      for (const user of users) {
        const id = portfolioId(user.portfolioKey);
        let cash = new Decimal(user.deposit);
        ledgerRows.push({
          portfolio_id: id,
          kind: 'DEPOSIT',
          reference: `seed:${user.portfolioKey}:deposit`,
          cash_amount: user.deposit,
        });
        for (const [position, holding] of user.holdings.entries()) {
          const fxRate = demoFxRate(holding.instrument.currency, 'GBP');
          const cost = new Decimal(holding.quantity).times(holding.price).times(fxRate);
          const cashAmount = cost.negated().toDecimalPlaces(4);
          cash = cash.plus(cashAmount);
          ledgerRows.push({
            portfolio_id: id,
            kind: 'BUY',
            reference: `seed:${user.portfolioKey}:trade:${position}`,
            cash_amount: cashAmount.toFixed(),
            instrument_id: instrumentId(holding.instrument.symbol),
            quantity: holding.quantity,
            price: holding.price,
            price_currency: holding.instrument.currency,
            fx_rate: fxRate.toDecimalPlaces(10).toFixed(),
          });
          holdingRows.push({
            portfolio_id: id,
            instrument_id: instrumentId(holding.instrument.symbol),
            quantity: holding.quantity,
            average_cost: holding.price,
            currency: holding.instrument.currency,
          });
        }
        userRows.push({
          id: userId(user.username),
          username: user.username,
          display_name: user.displayName,
        });
        portfolioRows.push({
          id,
          user_id: userId(user.username),
          name: 'Main',
          base_currency: 'GBP',
          cash: cash.toFixed(),
        });
      }

      await trx.batchInsert('users', userRows, batchSize);
      await trx.batchInsert('portfolios', portfolioRows, batchSize);
      await trx.batchInsert('holdings', holdingRows, batchSize);
      await trx.batchInsert('ledger_entries', ledgerRows, batchSize);
    });
  }
  return Math.max(0, count - start + 1);
}
