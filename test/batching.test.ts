import { instrumentId } from '#demo';
import { stableId, type Knex } from '#shared';
import { createFundedPortfolio } from './fixtures.js';
import { startIsolatedStack, type IsolatedStack } from './isolated-stack.js';
import { postGraphQL } from './stack.js';

/**
 * The number of SQL statements an operation issues must not grow with the number of items it
 * returns. Counted from each subgraph's own /metrics on a stack that nothing else talks to.
 */
const SUBGRAPHS = ['portfolio', 'trading', 'market', 'advice'] as const;

const QUERY = /* GraphQL */ `
  query Heavy($id: ID!) {
    portfolio(id: $id) {
      holdings {
        quantity
        averageCost {
          amount
        }
        instrument {
          symbol
          name
          quote {
            price
            bid
          }
        }
      }
      orders(first: 500) {
        status
        fills {
          price
        }
        instrument {
          symbol
          quote {
            ask
          }
        }
      }
      valuation {
        totalValue {
          amount
        }
        allocation {
          assetClass
          weight
        }
      }
      advice {
        riskProfile
      }
    }
  }
`;

let isolated: IsolatedStack;
let market: Knex;
let trading: Knex;

async function statements(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const name of SUBGRAPHS) {
    const url = isolated.stack.urls[name].replace('/graphql', '/metrics');
    const text = await (await fetch(url)).text();
    const line = text.split('\n').find((row) => row.startsWith('moneta_db_statements_total'));
    counts[name] = Number(line?.split(' ').at(-1) ?? Number.NaN);
  }
  return counts;
}

async function listInstruments(count: number): Promise<string[]> {
  const symbols = Array.from(
    { length: count },
    (_, index) => `TST${String(index).padStart(3, '0')}`,
  );
  await market('instruments').insert(
    symbols.map((symbol) => ({
      id: instrumentId(symbol),
      symbol,
      name: `Test Listing ${symbol}`,
      asset_class: 'EQUITY',
      currency: 'GBP',
      exchange: 'XLON',
    })),
  );
  await market('quotes').insert(
    symbols.map((symbol) => ({
      instrument_id: instrumentId(symbol),
      price: '10.00',
      bid: '9.99',
      ask: '10.01',
      previous_close: '9.80',
      as_of: new Date(),
    })),
  );
  return symbols;
}

async function portfolioWith(number: number, symbols: string[]) {
  const account = await createFundedPortfolio(
    number,
    '1000000.00',
    symbols.map((symbol) => ({ symbol, quantity: '10', price: '9.50' })),
    isolated.open('portfolio'),
  );
  const at = new Date();
  for (const [index, symbol] of symbols.entries()) {
    const id = stableId('order', `${account.portfolioId}:${index}`);
    await trading('orders').insert({
      id,
      user_id: account.userId,
      portfolio_id: account.portfolioId,
      instrument_id: instrumentId(symbol),
      side: 'BUY',
      type: 'MARKET',
      quantity: '10',
      status: 'FILLED',
      filled_quantity: '10',
      average_fill_price: '9.50',
      currency: 'GBP',
      accepted_at: at,
      filled_at: at,
    });
    await trading('fills').insert({
      id: stableId('fill', id),
      order_id: id,
      quantity: '10',
      price: '9.50',
      executed_at: at,
    });
  }
  return account;
}

async function countFor(account: { portfolioId: string; token: string }) {
  const before = await statements();
  const { body } = await postGraphQL<{ portfolio: { holdings: unknown[]; orders: unknown[] } }>(
    isolated.stack.urls.router,
    QUERY,
    { id: account.portfolioId },
    { token: account.token },
  );
  expect(body.errors).toBeUndefined();
  const after = await statements();
  const used = Object.fromEntries(SUBGRAPHS.map((name) => [name, after[name]! - before[name]!]));
  return {
    used,
    holdings: body.data?.portfolio.holdings.length,
    orders: body.data?.portfolio.orders.length,
  };
}

beforeAll(async () => {
  isolated = await startIsolatedStack('batching', {
    LIMIT_MATCH_INTERVAL_MS: '3600000',
    RESERVATION_SWEEP_INTERVAL_MS: '3600000',
  });
  market = isolated.open('market');
  trading = isolated.open('trading');
}, 120_000);

afterAll(async () => {
  await isolated?.stop();
}, 60_000);

it('issues the same SQL for a portfolio of 10 holdings as for one of 200', async () => {
  const symbols = await listInstruments(200);
  const small = await portfolioWith(930_010, symbols.slice(0, 10));
  const large = await portfolioWith(930_200, symbols);
  await countFor(small);

  const ten = await countFor(small);
  const twoHundred = await countFor(large);

  expect(ten.holdings).toBe(10);
  expect(twoHundred.holdings).toBe(200);
  expect(twoHundred.orders).toBe(200);
  expect(twoHundred.used).toEqual(ten.used);
  // A handful per subgraph per query level, whatever the size (measured: 2, 2, 7, 2).
  for (const name of SUBGRAPHS) expect(ten.used[name]).toBeLessThanOrEqual(10);
}, 120_000);

describe('with a read replica configured', () => {
  let replicated: IsolatedStack;

  beforeAll(async () => {
    // The "replica" is the same database here; what is tested is where each query is sent.
    replicated = await startIsolatedStack(
      'replica',
      {
        LIMIT_MATCH_INTERVAL_MS: '3600000',
        RESERVATION_SWEEP_INTERVAL_MS: '3600000',
      },
      { replicaOfPrimary: true },
    );
  }, 120_000);

  afterAll(async () => {
    await replicated?.stop();
  }, 60_000);

  async function byRole(name: string): Promise<Record<string, number>> {
    const url = replicated.stack.urls[name as 'market'].replace('/graphql', '/metrics');
    const text = await (await fetch(url)).text();
    const counts: Record<string, number> = {};
    for (const line of text.split('\n')) {
      const match = /^moneta_db_statements_total\{.*role="(\w+)".*\} (\d+)/.exec(line);
      if (match) counts[match[1] as string] = Number(match[2]);
    }
    return counts;
  }

  it('sends read-only queries to the replica and nothing else', async () => {
    const before = await byRole('market');
    const { body } = await postGraphQL(
      replicated.stack.urls.router,
      '{ instruments(first: 5) { nodes { symbol quote { price } } } }',
    );
    expect(body.errors).toBeUndefined();
    const after = await byRole('market');

    expect((after.replica ?? 0) - (before.replica ?? 0)).toBeGreaterThan(0);
    expect(after.primary).toBe(before.primary);
  });
});
