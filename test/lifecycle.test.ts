import { instrumentId, portfolioId } from '#demo';
import { Decimal, type Knex } from '#shared';
import { createFundedPortfolio, discrepancies, waitFor } from './fixtures.js';
import { openTestSchema, routerGraphQL, tokenFor } from './stack.js';

// User numbers 910000-910999 belong to this file.
let next = 910_000 + Math.floor(Math.random() * 900);

const PLACE = /* GraphQL */ `
  mutation Place($input: PlaceOrderInput!) {
    placeOrder(input: $input) {
      order {
        id
        status
      }
      userErrors {
        code
        field
        message
      }
    }
  }
`;

const PORTFOLIO = /* GraphQL */ `
  query Portfolio($id: ID!) {
    portfolio(id: $id) {
      cash {
        amount
      }
      buyingPower {
        amount
      }
      holdings {
        quantity
        instrument {
          id
        }
      }
      orders {
        id
        status
        filledQuantity
        averageFillPrice
        fills {
          quantity
          price
        }
      }
      statement {
        kind
        quantity
        cashAmount {
          amount
        }
      }
    }
  }
`;

interface PortfolioView {
  portfolio: {
    cash: { amount: string };
    buyingPower: { amount: string };
    holdings: { quantity: string; instrument: { id: string } }[];
    orders: {
      id: string;
      status: string;
      filledQuantity: string;
      averageFillPrice: string | null;
      fills: { quantity: string; price: string }[];
    }[];
    statement: { kind: string; quantity: string | null; cashAmount: { amount: string } }[];
  };
}

interface Placed {
  placeOrder: {
    order: { id: string; status: string } | null;
    userErrors: { code: string; field: string[]; message: string }[];
  };
}

/** Decimals compare by value: the API prints the shortest exact form ("1950", not "1950.00"). */
const exact = (value: string | number | Decimal) => new Decimal(value).toFixed();

let market: Knex;
let portfolioDb: Knex;

beforeAll(() => {
  market = openTestSchema('market');
  portfolioDb = openTestSchema('portfolio');
});

afterAll(async () => {
  await Promise.all([market.destroy(), portfolioDb.destroy()]);
});

async function view(portfolioId: string, token: string) {
  const { body } = await routerGraphQL<PortfolioView>(PORTFOLIO, { id: portfolioId }, { token });
  if (!body.data) throw new Error(JSON.stringify(body.errors));
  return body.data.portfolio;
}

/**
 * Waits for a ledger entry of `kind`, then reads the portfolio afresh: the read that first saw
 * the entry may have loaded the portfolio row (cash) a moment before the entry committed.
 */
async function afterEntry(
  account: { portfolioId: string; token: string },
  kind: string,
  what: string,
) {
  await waitFor(what, async () => {
    const current = await view(account.portfolioId, account.token);
    return current.statement.some((entry) => entry.kind === kind) ? true : undefined;
  });
  return view(account.portfolioId, account.token);
}

async function place(token: string, input: Record<string, unknown>) {
  const { body } = await routerGraphQL<Placed>(PLACE, { input }, { token });
  if (!body.data) throw new Error(JSON.stringify(body.errors));
  return body.data.placeOrder;
}

async function quoteOf(symbol: string) {
  return market('quotes')
    .where('instrument_id', instrumentId(symbol))
    .first<{ bid: string; ask: string; price: string }>('bid', 'ask', 'price');
}

async function openHolds(portfolioId: string): Promise<number> {
  const [row] = await portfolioDb('reservations')
    .where({ portfolio_id: portfolioId, state: 'OPEN' })
    .count({ count: '*' });
  return Number(row?.count);
}

describe('a market buy', () => {
  it('fills at the ask and books cash and shares once, through the ledger', async () => {
    const account = await createFundedPortfolio(next++, '10000.00');
    const { ask } = await quoteOf('TSCO');

    const placed = await place(account.token, {
      portfolioId: account.portfolioId,
      instrumentId: instrumentId('TSCO'),
      side: 'BUY',
      type: 'MARKET',
      quantity: '100',
    });
    expect(placed.userErrors).toEqual([]);

    const settled = await afterEntry(account, 'BUY', 'settlement');

    const cost = new Decimal(ask).times(100);
    expect(settled.orders[0]).toMatchObject({ status: 'FILLED', filledQuantity: '100' });
    expect(settled.orders[0]?.fills).toEqual([
      { quantity: '100', price: new Decimal(ask).toFixed() },
    ]);
    expect(exact(settled.cash.amount)).toBe(exact(new Decimal(10_000).minus(cost).toFixed(2)));
    expect(settled.buyingPower.amount).toBe(settled.cash.amount);
    expect(settled.holdings).toEqual([
      { quantity: '100', instrument: { id: instrumentId('TSCO') } },
    ]);
    expect(await openHolds(account.portfolioId)).toBe(0);
    expect(await discrepancies([account.portfolioId])).toEqual([]);
  });

  it('is refused with INSUFFICIENT_FUNDS beyond buying power, and nothing changes', async () => {
    const account = await createFundedPortfolio(next++, '500.00');
    const before = await view(account.portfolioId, account.token);

    const placed = await place(account.token, {
      portfolioId: account.portfolioId,
      instrumentId: instrumentId('AZN'),
      side: 'BUY',
      type: 'MARKET',
      quantity: '10',
    });

    expect(placed.order).toBeNull();
    expect(placed.userErrors).toEqual([
      expect.objectContaining({ code: 'INSUFFICIENT_FUNDS', field: ['input', 'quantity'] }),
    ]);
    expect(await view(account.portfolioId, account.token)).toEqual(before);
    expect(await openHolds(account.portfolioId)).toBe(0);
  });
});

describe('a market sell', () => {
  it('fills at the bid, and cannot sell more than is held', async () => {
    const account = await createFundedPortfolio(next++, '100.00', [
      { symbol: 'LLOY', quantity: '1000', price: '0.5' },
    ]);
    const { bid } = await quoteOf('LLOY');

    const tooMany = await place(account.token, {
      portfolioId: account.portfolioId,
      instrumentId: instrumentId('LLOY'),
      side: 'SELL',
      type: 'MARKET',
      quantity: '1000.5',
    });
    expect(tooMany.userErrors[0]?.code).toBe('INSUFFICIENT_HOLDINGS');

    await place(account.token, {
      portfolioId: account.portfolioId,
      instrumentId: instrumentId('LLOY'),
      side: 'SELL',
      type: 'MARKET',
      quantity: '400',
    });
    const settled = await afterEntry(account, 'SELL', 'settlement');

    const cashBefore = new Decimal(100).minus(new Decimal('500'));
    expect(exact(settled.cash.amount)).toBe(
      exact(cashBefore.plus(new Decimal(bid).times(400)).toFixed(2)),
    );
    expect(settled.holdings[0]?.quantity).toBe('600');
    expect(await discrepancies([account.portfolioId])).toEqual([]);
  });
});

describe('a limit buy', () => {
  it('holds buying power, fills when the ask reaches the limit, frees the rest', async () => {
    const account = await createFundedPortfolio(next++, '5000.00');
    const { ask } = await quoteOf('BARC');
    const limit = new Decimal(ask).times('0.9').toDecimalPlaces(4).toFixed();

    const placed = await place(account.token, {
      portfolioId: account.portfolioId,
      instrumentId: instrumentId('BARC'),
      side: 'BUY',
      type: 'LIMIT',
      quantity: '1000',
      limitPrice: limit,
    });
    expect(placed.order?.status).toBe('ACCEPTED');

    const resting = await view(account.portfolioId, account.token);
    const held = new Decimal(limit).times(1000);
    expect(exact(resting.buyingPower.amount)).toBe(exact(new Decimal(5000).minus(held).toFixed(2)));

    // The market moves: the ask drops below the limit (what the price feed will do).
    const newAsk = new Decimal(limit).minus('0.01').toFixed();
    await market('quotes')
      .where('instrument_id', instrumentId('BARC'))
      .update({ ask: newAsk, bid: new Decimal(newAsk).minus('0.002').toFixed() });

    const settled = await afterEntry(account, 'BUY', 'the limit order to fill and settle');
    expect(settled.orders[0]).toMatchObject({ status: 'FILLED', averageFillPrice: newAsk });
    const spent = new Decimal(newAsk).times(1000);
    expect(exact(settled.cash.amount)).toBe(exact(new Decimal(5000).minus(spent).toFixed(2)));
    await waitFor('the hold to be released', async () =>
      (await openHolds(account.portfolioId)) === 0 ? true : undefined,
    );
    expect((await view(account.portfolioId, account.token)).buyingPower.amount).toBe(
      settled.cash.amount,
    );
    expect(await discrepancies([account.portfolioId])).toEqual([]);
  });

  it('gives its hold back when cancelled', async () => {
    const account = await createFundedPortfolio(next++, '2000.00');
    const placed = await place(account.token, {
      portfolioId: account.portfolioId,
      instrumentId: instrumentId('GSK'),
      side: 'BUY',
      type: 'LIMIT',
      quantity: '50',
      limitPrice: '1.00',
    });
    expect(exact((await view(account.portfolioId, account.token)).buyingPower.amount)).toBe('1950');

    await routerGraphQL(
      'mutation ($id: ID!) { cancelOrder(id: $id) { order { status } } }',
      { id: placed.order?.id },
      { token: account.token },
    );
    await waitFor('the hold to be released', async () => {
      const current = await view(account.portfolioId, account.token);
      return exact(current.buyingPower.amount) === '2000' ? current : undefined;
    });
    expect(await openHolds(account.portfolioId)).toBe(0);
  });
});

describe('many buys at once', () => {
  it('never spends more than the portfolio has, and the ledger balances', async () => {
    const account = await createFundedPortfolio(next++, '1000.00');
    const { ask } = await quoteOf('VOD');

    // Each buy needs about 140 GBP with price protection: only a handful can be held at once.
    const results = await Promise.all(
      Array.from({ length: 100 }, () =>
        place(account.token, {
          portfolioId: account.portfolioId,
          instrumentId: instrumentId('VOD'),
          side: 'BUY',
          type: 'MARKET',
          quantity: '200',
        }),
      ),
    );
    const accepted = results.filter((result) => result.order).length;
    const refused = results.filter((result) => result.userErrors[0]?.code === 'INSUFFICIENT_FUNDS');
    expect(accepted + refused.length).toBe(100);
    expect(accepted).toBeGreaterThan(0);
    expect(accepted).toBeLessThanOrEqual(Math.floor(1000 / (200 * Number(ask))));

    const settled = await waitFor(
      'every accepted buy to settle',
      async () => {
        const current = await view(account.portfolioId, account.token);
        const buys = current.statement.filter((entry) => entry.kind === 'BUY').length;
        return buys === accepted && (await openHolds(account.portfolioId)) === 0
          ? current
          : undefined;
      },
      60_000,
    ).then(() => view(account.portfolioId, account.token));

    expect(Number(settled.cash.amount)).toBeGreaterThanOrEqual(0);
    expect(settled.holdings[0]?.quantity).toBe(String(200 * accepted));
    expect(await discrepancies([account.portfolioId])).toEqual([]);
  });
});

describe('performance', () => {
  const PERFORMANCE = /* GraphQL */ `
    query Performance($id: ID!, $from: Date) {
      portfolio(id: $id) {
        performance(from: $from) {
          from
          to
          timeWeightedReturn
          annualizedVolatility
          maxDrawdown
          series {
            date
            value {
              amount
            }
          }
        }
      }
    }
  `;

  interface PerformanceView {
    portfolio: {
      performance: {
        timeWeightedReturn: string;
        annualizedVolatility: string;
        maxDrawdown: string;
        series: { date: string; value: { amount: string } }[];
      };
    };
  }

  it('reports a year of a seeded portfolio from its ledger and daily closes', async () => {
    const { body } = await routerGraphQL<PerformanceView>(
      PERFORMANCE,
      { id: portfolioId('carol-pension') },
      { token: await tokenFor('carol') },
    );
    expect(body.errors).toBeUndefined();
    const performance = body.data?.portfolio.performance;
    expect(performance?.series.length).toBeGreaterThan(250);
    expect(Number(performance?.annualizedVolatility)).toBeGreaterThan(0);
    expect(Number(performance?.maxDrawdown)).toBeGreaterThan(0);
    expect(performance?.timeWeightedReturn).toMatch(/^-?\d+(\.\d+)?$/);
  });

  it('is recomputed as soon as the ledger changes', async () => {
    const account = await createFundedPortfolio(next++, '10000.00', [
      { symbol: 'VOD', quantity: '5000', price: '0.65' },
    ]);
    const from = new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10);
    const ask = async () =>
      (
        await routerGraphQL<PerformanceView>(
          PERFORMANCE,
          { id: account.portfolioId, from },
          {
            token: account.token,
          },
        )
      ).body;

    const first = await ask();
    expect(first.errors).toBeUndefined();
    const performance = first.data?.portfolio.performance;
    expect(performance?.series.length).toBeGreaterThan(15);
    expect(Number(performance?.maxDrawdown)).toBeGreaterThanOrEqual(0);
    expect(await ask()).toEqual(first);

    await place(account.token, {
      portfolioId: account.portfolioId,
      instrumentId: instrumentId('VOD'),
      side: 'SELL',
      type: 'MARKET',
      quantity: '5000',
    });
    const after = await waitFor('performance to reflect the sale', async () => {
      const body = await ask();
      const last = body.data?.portfolio.performance.series.at(-1)?.value.amount;
      return last !== performance?.series.at(-1)?.value.amount ? body : undefined;
    });
    expect(after.data?.portfolio.performance.series.length).toBe(performance?.series.length);
  });
});
