import { spawn, type ChildProcess } from 'node:child_process';
import { INSTRUMENTS, instrumentId } from '#demo';
import { findFreePort, IDENTITY_HEADER, type Knex } from '#shared';
import { waitUntilReady } from '../scripts/stack.js';
import { createFundedPortfolio, waitFor, type FundedPortfolio } from './fixtures.js';
import { startIsolatedStack, type IsolatedStack } from './isolated-stack.js';
import { postGraphQL } from './stack.js';
import { openSubscription, routerExtensions, type Result } from './subscription-client.js';

/**
 * Subscriptions straight to the subgraphs, as the router will forward them, on a stack of its
 * own with the price feed running (the run's common stack keeps it off for deterministic
 * quotes). User numbers 930000-930999 belong to this file.
 */
let next = 930_000 + Math.floor(Math.random() * 900);
let isolated: IsolatedStack;
let portfolioDb: Knex;
const extra: ChildProcess[] = [];

const AAPL = instrumentId('AAPL');

beforeAll(async () => {
  isolated = await startIsolatedStack('live', {
    MARKET_FEED: 'simulator',
    MARKET_TICKS_PER_SECOND: '4',
  });
  portfolioDb = isolated.open('portfolio');
}, 120_000);

afterAll(async () => {
  for (const child of extra) child.kill('SIGKILL');
  await isolated?.stop();
});

const url = (service: 'market' | 'trading' | 'portfolio') => isolated.stack.urls[service];

function data<T>(result: Result, field: string): T {
  expect(result.errors).toBeUndefined();
  return (result.data as Record<string, T>)[field] as T;
}

function errorCode(result: Result): unknown {
  return result.errors?.[0]?.extensions?.code;
}

const QUOTES = /* GraphQL */ `
  subscription Quotes($symbols: [String!]!) {
    quotes(symbols: $symbols) {
      symbol
      price
      bid
      ask
      dayChange
      asOf
      instrument {
        id
        name
      }
    }
  }
`;

interface Tick {
  symbol: string;
  price: string;
  bid: string;
  ask: string;
  asOf: string;
  instrument: { id: string; name: string };
}

describe('quotes subscription on the market subgraph', () => {
  it('streams ticks of the asked symbols only, with exact prices', async () => {
    const subscription = openSubscription(url('market'), QUOTES, { symbols: ['AAPL', 'VOD'] });
    try {
      const ticks: Tick[] = [];
      for (let i = 0; i < 6; i++) ticks.push(data<Tick>(await subscription.next(), 'quotes'));

      expect(new Set(ticks.map((tick) => tick.symbol))).toEqual(new Set(['AAPL', 'VOD']));
      for (const tick of ticks) {
        expect(tick.price).toMatch(/^\d+(\.\d+)?$/);
        expect(Number(tick.bid)).toBeLessThan(Number(tick.ask));
        expect(tick.asOf).toMatch(/\.\d{3}Z$/);
      }
      const apple = ticks.find((tick) => tick.symbol === 'AAPL');
      expect(apple?.instrument).toEqual({ id: AAPL, name: 'Apple Inc.' });
    } finally {
      await subscription.close();
    }
  });

  it('refuses unknown symbols with UNKNOWN_SYMBOL and too many with INVALID_ARGUMENT', async () => {
    const unknown = openSubscription(url('market'), QUOTES, { symbols: ['AAPL', 'NOPE'] });
    const many = Array.from({ length: 51 }, (_, i) => `S${i}`);
    const tooMany = openSubscription(url('market'), QUOTES, { symbols: many });
    try {
      const refused = await unknown.next();
      expect(errorCode(refused)).toBe('UNKNOWN_SYMBOL');
      expect(refused.errors?.[0]?.extensions?.symbols).toEqual(['NOPE']);
      expect(errorCode(await tooMany.next())).toBe('INVALID_ARGUMENT');
    } finally {
      await Promise.all([unknown.close(), tooMany.close()]);
    }
  });

  it('stores each tick batch as the latest quote and in one-minute bars', async () => {
    const market = isolated.open('market');
    const bars = await waitFor('intraday bars', async () => {
      const [row] = await market('intraday_bars')
        .where('instrument_id', AAPL)
        .sum({ ticks: 'ticks' });
      return Number(row?.ticks) > 4 ? Number(row?.ticks) : undefined;
    });
    expect(bars).toBeGreaterThan(4);

    const quote = await market('quotes').where('instrument_id', AAPL).first();
    expect(Date.now() - new Date(quote.as_of).getTime()).toBeLessThan(5_000);
  });
});

const ORDER_UPDATES = /* GraphQL */ `
  subscription OrderUpdates($portfolioId: ID!) {
    orderUpdates(portfolioId: $portfolioId) {
      id
      status
      filledQuantity
      fills {
        quantity
      }
    }
  }
`;

const PLACE = /* GraphQL */ `
  mutation Place($input: PlaceOrderInput!) {
    placeOrder(input: $input) {
      order {
        id
        status
      }
      userErrors {
        code
      }
    }
  }
`;

async function placeMarketBuy(account: FundedPortfolio, quantity: string) {
  const extensions = await routerExtensions(account.userId);
  const result = await postGraphQL<{ placeOrder: { order: { id: string } | null } }>(
    url('trading'),
    PLACE,
    {
      input: {
        portfolioId: account.portfolioId,
        instrumentId: AAPL,
        side: 'BUY',
        type: 'MARKET',
        quantity,
      },
    },
    { headers: { [IDENTITY_HEADER]: extensions[IDENTITY_HEADER] as string } },
  );
  const order = result.body.data?.placeOrder.order;
  if (!order) throw new Error(`order not placed: ${JSON.stringify(result.body)}`);
  return order.id;
}

describe('orderUpdates subscription on the trading subgraph', () => {
  it("sends the owner each status change of the portfolio's orders", async () => {
    const account = await createFundedPortfolio(next++, '10000.00', [], portfolioDb);
    const subscription = openSubscription(
      url('trading'),
      ORDER_UPDATES,
      { portfolioId: account.portfolioId },
      await routerExtensions(account.userId),
    );
    try {
      // The subscription is live once its ownership check has answered; give it that moment.
      await new Promise((resolve) => setTimeout(resolve, 500));
      const orderId = await placeMarketBuy(account, '2');

      type Update = { id: string; status: string; filledQuantity: string };
      const accepted = data<Update>(await subscription.next(), 'orderUpdates');
      const filled = data<Update>(await subscription.next(), 'orderUpdates');
      expect(accepted).toMatchObject({ id: orderId, status: 'ACCEPTED', filledQuantity: '0' });
      expect(filled).toMatchObject({ id: orderId, status: 'FILLED', filledQuantity: '2' });
    } finally {
      await subscription.close();
    }
  });

  it("refuses another user's portfolio, and anyone not signed in", async () => {
    const owner = await createFundedPortfolio(next++, '100.00', [], portfolioDb);
    const intruder = await createFundedPortfolio(next++, '100.00', [], portfolioDb);
    const variables = { portfolioId: owner.portfolioId };

    const foreign = openSubscription(
      url('trading'),
      ORDER_UPDATES,
      variables,
      await routerExtensions(intruder.userId),
    );
    const anonymous = openSubscription(url('trading'), ORDER_UPDATES, variables);
    const forged = openSubscription(url('trading'), ORDER_UPDATES, variables, {
      [IDENTITY_HEADER]: 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.',
    });
    try {
      expect(errorCode(await foreign.next())).toBe('FORBIDDEN');
      expect(errorCode(await anonymous.next())).toBe('UNAUTHENTICATED');
      expect(errorCode(await forged.next())).toBe('UNAUTHENTICATED');

      // The owner trades; the refused subscriptions hear nothing of it.
      await placeMarketBuy(owner, '0.1');
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      for (const refused of [foreign, anonymous, forged]) expect(refused.results).toHaveLength(1);
    } finally {
      await Promise.all([foreign.close(), anonymous.close(), forged.close()]);
    }
  });
});

const VALUATION = /* GraphQL */ `
  subscription Valuation($portfolioId: ID!) {
    portfolioValuation(portfolioId: $portfolioId) {
      portfolio {
        id
        cash {
          amount
        }
      }
      valuation {
        totalValue {
          amount
        }
        positions {
          price {
            amount
          }
        }
      }
    }
  }
`;

describe('portfolioValuation subscription on the portfolio subgraph', () => {
  it('sends the valuation at once, then on ticks at most once a second', async () => {
    const account = await createFundedPortfolio(
      next++,
      '1000.00',
      [{ symbol: 'AAPL', quantity: '10', price: '200.00' }],
      portfolioDb,
    );
    const subscription = openSubscription(
      url('portfolio'),
      VALUATION,
      { portfolioId: account.portfolioId },
      await routerExtensions(account.userId),
    );
    try {
      type Event = { portfolio: { id: string }; valuation: { totalValue: { amount: string } } };
      const first = data<Event>(await subscription.next(5_000), 'portfolioValuation');
      expect(first.portfolio.id).toBe(account.portfolioId);

      // AAPL ticks four times a second; valuations must come no faster than one a second.
      const arrivals: number[] = [];
      const until = Date.now() + 4_500;
      while (Date.now() < until) {
        const result = await subscription.next(3_000);
        data<Event>(result, 'portfolioValuation');
        arrivals.push(Date.now());
      }
      expect(arrivals.length).toBeGreaterThanOrEqual(3);
      expect(arrivals.length).toBeLessThanOrEqual(6);
      const gaps = arrivals.slice(1).map((at, i) => at - (arrivals[i] as number));
      // Arrival times carry the jitter of a loaded machine; the server's spacing is 1 000 ms,
      // and without the throttle ticks would arrive every 250 ms.
      for (const gap of gaps) expect(gap).toBeGreaterThan(500);
    } finally {
      await subscription.close();
    }
  });

  it("refuses another user's portfolio with FORBIDDEN", async () => {
    const owner = await createFundedPortfolio(next++, '100.00', [], portfolioDb);
    const intruder = await createFundedPortfolio(next++, '100.00', [], portfolioDb);
    const subscription = openSubscription(
      url('portfolio'),
      VALUATION,
      { portfolioId: owner.portfolioId },
      await routerExtensions(intruder.userId),
    );
    try {
      expect(errorCode(await subscription.next())).toBe('FORBIDDEN');
    } finally {
      await subscription.close();
    }
  });
});

describe('Instrument.heldQuantity on the portfolio subgraph', () => {
  it("sums the signed-in user's holdings across portfolios, and is 0 for anyone else", async () => {
    const account = await createFundedPortfolio(
      next++,
      '100.00',
      [{ symbol: 'AAPL', quantity: '1.5', price: '200.00' }],
      portfolioDb,
    );
    const query = /* GraphQL */ `
      query Held($representations: [_Any!]!) {
        _entities(representations: $representations) {
          ... on Instrument {
            id
            heldQuantity
          }
        }
      }
    `;
    const representations = [
      { __typename: 'Instrument', id: AAPL },
      { __typename: 'Instrument', id: instrumentId('VOD') },
    ];
    const signed = await routerExtensions(account.userId);
    const mine = await postGraphQL<{ _entities: { heldQuantity: string }[] }>(
      url('portfolio'),
      query,
      { representations },
      { headers: { [IDENTITY_HEADER]: signed[IDENTITY_HEADER] as string } },
    );
    expect(mine.body.data?._entities.map((e) => e.heldQuantity)).toEqual(['1.5', '0']);

    const anonymous = await postGraphQL<{ _entities: { heldQuantity: string }[] }>(
      url('portfolio'),
      query,
      { representations },
    );
    expect(anonymous.body.data?._entities.map((e) => e.heldQuantity)).toEqual(['0', '0']);
  });

  it('costs the same statements for 40 instruments as for 2', async () => {
    const account = await createFundedPortfolio(next++, '100.00', [], portfolioDb);
    const signed = await routerExtensions(account.userId);
    const symbols = INSTRUMENTS.slice(0, 40).map((instrument) => instrument.symbol);

    // The fewest statements of two tries: the hold sweep may run during one of them.
    const cost = async (count: number) => {
      const representations = symbols
        .slice(0, count)
        .map((symbol) => ({ __typename: 'Instrument', id: instrumentId(symbol) }));
      const tries: number[] = [];
      for (let i = 0; i < 2; i++) {
        const before = await portfolioStatements();
        const { body } = await postGraphQL(
          url('portfolio'),
          HELD,
          { r: representations },
          { headers: { [IDENTITY_HEADER]: signed[IDENTITY_HEADER] as string } },
        );
        expect(body.errors).toBeUndefined();
        tries.push((await portfolioStatements()) - before);
      }
      return Math.min(...tries);
    };
    expect(await cost(40)).toBe(await cost(2));
  });
});

const HELD = /* GraphQL */ `
  query Held($r: [_Any!]!) {
    _entities(representations: $r) {
      ... on Instrument {
        heldQuantity
      }
    }
  }
`;

async function portfolioStatements(): Promise<number> {
  const text = await (await fetch(url('portfolio').replace('/graphql', '/metrics'))).text();
  const line = text.split('\n').find((row) => row.startsWith('moneta_db_statements_total'));
  return Number(line?.split(' ').at(-1) ?? Number.NaN);
}

async function startExtraMarket(): Promise<string> {
  const port = await findFreePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'subgraphs/market/src/main.ts'], {
    env: {
      ...process.env,
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      SEED_DEMO: 'false',
      DATABASE_POOL_MAX: '3',
      DATABASE_URL: isolated.databaseUrl,
      REDIS_PREFIX: isolated.redisPrefix,
      MARKET_PORT: String(port),
      MARKET_FEED: 'simulator',
    },
    stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
  });
  extra.push(child);
  await waitUntilReady(`http://127.0.0.1:${port}/readyz`, 60_000);
  return `http://127.0.0.1:${port}/graphql`;
}

describe('price feed leadership', () => {
  it('runs on one market instance at a time, and another takes over when it dies', async () => {
    const second = await startExtraMarket();
    const market = isolated.open('market');
    const leaders = async () => {
      const { rows } = await market.raw(`select count(*)::int as count from pg_locks
        where locktype = 'advisory' and granted
          and database = (select oid from pg_database where datname = current_database())`);
      return (rows as { count: number }[])[0]?.count;
    };
    expect(await leaders()).toBe(1);

    // The stack's market started first and leads; kill it and listen on the survivor.
    const subscription = openSubscription(second, QUOTES, { symbols: ['AAPL'] });
    try {
      await new Promise((resolve) => setTimeout(resolve, 300));
      await isolated.stack.kill('market');
      const killedAt = Date.now();

      const tick = await waitFor(
        'a tick produced after the leader died',
        async () => {
          const result = await subscription.next(10_000);
          const quote = data<Tick>(result, 'quotes');
          return Date.parse(quote.asOf) > killedAt ? quote : undefined;
        },
        20_000,
      );
      expect(tick.symbol).toBe('AAPL');
      // pg_locks is read on another connection; give the view a moment to agree.
      await waitFor('exactly one leader', async () => ((await leaders()) === 1 ? true : undefined));
    } finally {
      await subscription.close();
    }
  }, 60_000);
});
