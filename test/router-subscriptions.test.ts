import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { instrumentId } from '#demo';
import { findFreePort, type Knex } from '#shared';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { MANIFEST_PATH, type PersistedQueryManifest } from '../scripts/persisted-operations.js';
import { DEV_JWT_SECRET } from '../router/src/config.js';
import { createDevToken } from '../scripts/dev-token.js';
import { waitUntilReady } from '../scripts/stack.js';
import { createFundedPortfolio, waitFor } from './fixtures.js';
import { startIsolatedStack, type IsolatedStack } from './isolated-stack.js';
import { canRunRedis, startRedisProcess, type RedisProcess } from './redis-process.js';
import { postGraphQL } from './stack.js';
import type { Result } from './subscription-client.js';

/**
 * Subscriptions through the router, on a stack of its own with the price feed running. User
 * numbers 950000-950999 belong to this file.
 */
let next = 950_000 + Math.floor(Math.random() * 900);
let isolated: IsolatedStack;
let portfolioDb: Knex;

const manifest = JSON.parse(readFileSync(MANIFEST_PATH, 'utf8')) as PersistedQueryManifest;

beforeAll(async () => {
  isolated = await startIsolatedStack('routerlive', {
    MARKET_FEED: 'simulator',
    MARKET_TICKS_PER_SECOND: '4',
  });
  portfolioDb = isolated.open('portfolio');
}, 120_000);

afterAll(async () => {
  await isolated?.stop();
});

const routerUrl = () => isolated.stack.urls.router;

interface Stream {
  readonly results: Result[];
  readonly closed: { code?: number } | undefined;
  next(timeoutMs?: number): Promise<Result>;
  close(): Promise<void>;
}

/** A client of the router, as an app would open it: token in connection_init. */
function subscribe(
  query: string,
  variables: Record<string, unknown>,
  options: {
    token?: string;
    extra?: Record<string, unknown>;
    retry?: boolean;
    url?: string;
  } = {},
): Stream {
  let closed: { code?: number } | undefined;
  const client: Client = createClient({
    url: (options.url ?? routerUrl()).replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: options.token ? { authorization: `Bearer ${options.token}` } : {},
    retryAttempts: options.retry ? 20 : 0,
    shouldRetry: () => Boolean(options.retry),
    on: { closed: (event) => (closed = { code: (event as { code?: number }).code }) },
  });
  const results: Result[] = [];
  let taken = 0;
  let failure: unknown;
  client.subscribe({ query, variables, ...options.extra } as never, {
    next: (result) => void results.push(result as Result),
    error: (error) => (failure = error),
    complete: () => undefined,
  });

  return {
    results,
    get closed() {
      return closed;
    },
    async next(timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (results.length <= taken) {
        if (failure) throw new Error(`subscription failed: ${JSON.stringify(failure)}`);
        if (Date.now() > deadline) throw new Error(`no result within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return results[taken++] as Result;
    },
    close: () => client.dispose() as Promise<void>,
  };
}

const QUOTES = /* GraphQL */ `
  subscription LiveQuotes($symbols: [String!]!) {
    quotes(symbols: $symbols) {
      symbol
      price
      asOf
      instrument {
        name
        heldQuantity
      }
    }
  }
`;

const ORDER_UPDATES = /* GraphQL */ `
  subscription OrderUpdates($portfolioId: ID!) {
    orderUpdates(portfolioId: $portfolioId) {
      id
      status
      instrument {
        symbol
        name
      }
    }
  }
`;

async function routerMetric(name: string): Promise<number> {
  const text = await (await fetch(new URL('/metrics', routerUrl()))).text();
  const line = text.split('\n').find((row) => row.startsWith(`${name}{`) || row.startsWith(name));
  return Number(line?.split(' ').at(-1) ?? Number.NaN);
}

interface Tick {
  symbol: string;
  price: string;
  asOf: string;
  instrument: { name: string; heldQuantity: string };
}

describe('subscriptions through the router', () => {
  it('streams quote ticks with a field another subgraph owns', async () => {
    const account = await createFundedPortfolio(
      next++,
      '100.00',
      [{ symbol: 'MSFT', quantity: '7', price: '400' }],
      portfolioDb,
    );
    const stream = subscribe(QUOTES, { symbols: ['MSFT'] }, { token: account.token });
    try {
      const tick = (await stream.next()).data?.quotes as Tick;
      expect(tick).toMatchObject({ symbol: 'MSFT', instrument: { heldQuantity: '7' } });
      expect(tick.instrument.name).toMatch(/Microsoft/);
      expect(tick.price).toMatch(/^\d+(\.\d+)?$/);
    } finally {
      await stream.close();
    }
  });

  it('sends order status updates after placeOrder, and refuses another user', async () => {
    const owner = await createFundedPortfolio(next++, '10000.00', [], portfolioDb);
    const intruder = await createFundedPortfolio(next++, '100.00', [], portfolioDb);
    const mine = subscribe(
      ORDER_UPDATES,
      { portfolioId: owner.portfolioId },
      { token: owner.token },
    );
    const theirs = subscribe(
      ORDER_UPDATES,
      { portfolioId: owner.portfolioId },
      { token: intruder.token },
    );
    try {
      const refused = await theirs.next();
      expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

      await new Promise((resolve) => setTimeout(resolve, 500));
      const placed = await postGraphQL<{ placeOrder: { order: { id: string } } }>(
        routerUrl(),
        /* GraphQL */ `
          mutation ($input: PlaceOrderInput!) {
            placeOrder(input: $input) {
              order {
                id
              }
            }
          }
        `,
        {
          input: {
            portfolioId: owner.portfolioId,
            instrumentId: instrumentId('AAPL'),
            side: 'BUY',
            type: 'MARKET',
            quantity: '1',
            idempotencyKey: `router-sub-${next}`,
          },
        },
        { token: owner.token },
      );
      const orderId = placed.body.data?.placeOrder.order.id;
      const first = (await mine.next()).data?.orderUpdates;
      const second = (await mine.next()).data?.orderUpdates;
      expect(first).toMatchObject({ id: orderId, status: 'ACCEPTED' });
      expect(second).toMatchObject({ id: orderId, status: 'FILLED' });
      expect(second).toMatchObject({ instrument: { symbol: 'AAPL', name: 'Apple Inc.' } });
      expect(theirs.results).toHaveLength(1);
    } finally {
      await Promise.all([mine.close(), theirs.close()]);
    }
  });

  it('shares one upstream subscription among 100 identical clients', async () => {
    const streams = Array.from({ length: 100 }, () => subscribe(QUOTES, { symbols: ['NVDA'] }));
    try {
      await Promise.all(streams.map((stream) => stream.next(15_000)));
      expect(await routerMetric('moneta_router_upstream_subscriptions')).toBe(1);
      expect(await routerMetric('moneta_router_client_subscriptions')).toBe(100);
    } finally {
      await Promise.all(streams.map((stream) => stream.close()));
    }
  }, 30_000);

  it('keeps streaming across a restart of the owning subgraph', async () => {
    const stream = subscribe(QUOTES, { symbols: ['AMZN'] });
    try {
      await stream.next();
      await isolated.stack.kill('market');
      const restartedAt = new Date().toISOString();
      await isolated.stack.start('market');

      await waitFor(
        'ticks after the restart',
        async () =>
          stream.results.some((result) => (result.data?.quotes as Tick).asOf > restartedAt)
            ? true
            : undefined,
        20_000,
      );
      expect(stream.closed).toBeUndefined();
    } finally {
      await stream.close();
    }
  }, 60_000);

  it('resumes after a router restart, as a graphql-ws client retries', async () => {
    const stream = subscribe(QUOTES, { symbols: ['META'] }, { retry: true });
    try {
      await stream.next();
      await isolated.stack.kill('router');
      await isolated.stack.start('router');
      const restartedAt = new Date().toISOString();

      await waitFor(
        'ticks through the restarted router',
        async () =>
          stream.results.some((result) => (result.data?.quotes as Tick).asOf > restartedAt)
            ? true
            : undefined,
        20_000,
      );
    } finally {
      await stream.close();
    }
  }, 60_000);

  it('runs persisted subscriptions by id and refuses unknown ids', async () => {
    const operation = manifest.operations.find((candidate) => candidate.type === 'subscription');
    if (!operation) throw new Error('the manifest has no subscription');
    const stream = subscribe('', { symbols: ['TSLA'] }, { extra: { documentId: operation.id } });
    const unknown = subscribe('', {}, { extra: { documentId: 'a'.repeat(64) } });
    try {
      expect((await stream.next()).data?.quotes).toMatchObject({ symbol: 'TSLA' });
      await expect(unknown.next(5_000)).rejects.toThrow(/PERSISTED_QUERY_NOT_FOUND/);
    } finally {
      await Promise.all([stream.close(), unknown.close()]);
    }
  });
});

describe('the router’s graphql-ws protocol', () => {
  function raw(): Promise<{ socket: WebSocket; closed: Promise<number> }> {
    const socket = new WebSocket(routerUrl().replace(/^http/, 'ws'), 'graphql-transport-ws');
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve({ socket, closed }));
      socket.once('error', reject);
    });
  }

  it('closes with 4403 when the token in connection_init does not verify', async () => {
    const { socket, closed } = await raw();
    socket.send(
      JSON.stringify({ type: 'connection_init', payload: { authorization: 'Bearer x' } }),
    );
    expect(await closed).toBe(4403);
  });

  it('closes a signed-in connection with 4403 when its token expires', async () => {
    // Long enough to outlast a slow connect on a busy machine, short enough for a test.
    const token = await createDevToken('alice', DEV_JWT_SECRET, '4s');
    const { socket, closed } = await raw();
    const acknowledged = new Promise<number>((resolve) =>
      socket.on('message', (data) => {
        if (JSON.parse(String(data)).type === 'connection_ack') resolve(Date.now());
      }),
    );
    socket.send(
      JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }),
    );

    // Acknowledged first (a refusal would close before that), then closed at expiry.
    const first = await Promise.race([
      acknowledged.then((at) => ({ ackAt: at })),
      closed.then((code) => ({ closedWith: code })),
    ]);
    expect(first).toHaveProperty('ackAt');
    const { ackAt } = first as { ackAt: number };
    expect(await closed).toBe(4403);
    // Closed when the token ran out, not refused at the start.
    expect(Date.now() - ackAt).toBeGreaterThan(200);
  });

  it('closes with 4400 on a malformed message and 4401 on subscribe before init', async () => {
    const first = await raw();
    first.socket.send('{"type":"nonsense"}');
    expect(await first.closed).toBe(4400);

    const second = await raw();
    second.socket.send(
      JSON.stringify({ id: '1', type: 'subscribe', payload: { query: 'subscription { x }' } }),
    );
    expect(await second.closed).toBe(4401);
  });

  it('answers an unknown field with a validation error, not a protocol close', async () => {
    const stream = subscribe('subscription { nothingHere }', {});
    try {
      await expect(stream.next(5_000)).rejects.toThrow(/nothingHere/);
      // An error ends the operation, not the connection: at most a normal close follows.
      expect(stream.closed?.code ?? 1000).toBe(1000);
    } finally {
      await stream.close();
    }
  });
});

const withRedis = canRunRedis ? describe : describe.skip;

withRedis('two routers and two market instances behind one Redis', () => {
  let redis: RedisProcess;
  let shared: IsolatedStack;
  const children: ChildProcess[] = [];

  async function startProcess(entry: string, env: NodeJS.ProcessEnv): Promise<string> {
    const port = await findFreePort();
    const child = spawn(process.execPath, ['--import', 'tsx', entry], {
      env: {
        ...process.env,
        NODE_ENV: 'test',
        LOG_LEVEL: 'warn',
        SEED_DEMO: 'false',
        DATABASE_POOL_MAX: '3',
        DATABASE_URL: shared.databaseUrl,
        REDIS_URL: redis.url,
        REDIS_PREFIX: shared.redisPrefix,
        MARKET_PORT: String(port),
        ROUTER_PORT: String(port),
        ...env,
      },
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    });
    children.push(child);
    await waitUntilReady(`http://127.0.0.1:${port}/readyz`, 60_000);
    return `http://127.0.0.1:${port}/graphql`;
  }

  beforeAll(async () => {
    redis = await startRedisProcess();
    shared = await startIsolatedStack('twice', {
      MARKET_FEED: 'simulator',
      MARKET_TICKS_PER_SECOND: '4',
      REDIS_URL: redis.url,
    });
  }, 120_000);

  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await shared?.stop();
    await redis?.kill();
  });

  it('delivers every tick to every subscriber exactly once', async () => {
    const { urls } = shared.stack;
    const secondMarket = await startProcess('subgraphs/market/src/main.ts', {
      MARKET_FEED: 'simulator',
    });
    const secondRouter = await startProcess('router/src/main.ts', {
      PORTFOLIO_URL: urls.portfolio,
      TRADING_URL: urls.trading,
      ADVICE_URL: urls.advice,
      MARKET_URL: secondMarket,
    });

    const streams = [urls.router, urls.router, secondRouter, secondRouter].map((url) =>
      subscribe(QUOTES, { symbols: ['AAPL'] }, { url }),
    );
    try {
      await new Promise((resolve) => setTimeout(resolve, 4_000));
    } finally {
      await Promise.all(streams.map((stream) => stream.close()));
    }

    const seen = streams.map((stream) =>
      stream.results.map((result) => (result.data?.quotes as Tick).asOf),
    );
    for (const ticks of seen) {
      expect(ticks.length).toBeGreaterThan(5);
      expect(new Set(ticks).size).toBe(ticks.length);
    }
    // Subscribers joined and left at slightly different moments: compare the common window.
    const from = seen
      .map((ticks) => ticks[0]!)
      .sort()
      .at(-1)!;
    const to = seen.map((ticks) => ticks.at(-1)!).sort()[0]!;
    const windows = seen.map((ticks) => ticks.filter((asOf) => asOf >= from && asOf <= to));
    for (const window of windows) expect(window).toEqual(windows[0]);
    expect(windows[0]!.length).toBeGreaterThan(3);
  }, 90_000);
});
