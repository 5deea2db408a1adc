import { readFileSync } from 'node:fs';
import { instrumentId } from '#demo';
import { Decimal } from '#shared';
import { MANIFEST_PATH, type PersistedQueryManifest } from '../scripts/persisted-operations.js';
import { createFundedPortfolio, waitFor, type FundedPortfolio } from './fixtures.js';
import { canRunRedis, startRedisProcess, type RedisProcess } from './redis-process.js';
import { startRouterProcess, type RouterProcess } from './router-process.js';
import { openTestSchema, serviceUrl } from './stack.js';

const manifest = JSON.parse(readFileSync(MANIFEST_PATH, 'utf8')) as PersistedQueryManifest;
const idOf = (name: string) => {
  const operation = manifest.operations.find((candidate) => candidate.name === name);
  if (!operation) throw new Error(`${name} is not in the manifest`);
  return operation.id;
};

let next = 940_000 + Math.floor(Math.random() * 900);
// Variables no earlier run can have cached: a shared Redis outlives test runs.
const RUN = Math.floor(Math.random() * 1e9);
const day = (offset: number) =>
  new Date(Date.UTC(2020, 0, 1) + ((RUN + offset) % 1500) * 86_400_000).toISOString().slice(0, 10);

interface Answer<Data = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: {
    data?: Data | null;
    errors?: { message: string; extensions?: { code?: string } }[];
  } | null;
}

async function persisted<Data = Record<string, unknown>>(
  name: string,
  variables: Record<string, unknown>,
  options: {
    token?: string;
    method?: 'GET' | 'POST';
    url?: string;
    etag?: string;
    /** Send the operation's text instead of its id: never cached. */
    adHoc?: boolean;
  } = {},
): Promise<Answer<Data>> {
  const url = new URL(options.url ?? serviceUrl('router'));
  const headers: Record<string, string> = { accept: 'application/graphql-response+json' };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.etag) headers['if-none-match'] = options.etag;
  let init: RequestInit = { headers };
  if (options.method === 'GET') {
    url.searchParams.set('documentId', idOf(name));
    url.searchParams.set('variables', JSON.stringify(variables));
  } else {
    headers['content-type'] = 'application/json';
    const operation = options.adHoc
      ? { query: manifest.operations.find((candidate) => candidate.name === name)?.body }
      : { documentId: idOf(name) };
    init = { method: 'POST', headers, body: JSON.stringify({ ...operation, variables }) };
  }
  const response = await fetch(url, init);
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text ? (JSON.parse(text) as Answer<Data>['body']) : null,
  };
}

interface Overview {
  me: { portfolios: { id: string; cash: { amount: string }; buyingPower: { amount: string } }[] };
}

const overview = (account: FundedPortfolio, url?: string) =>
  persisted<Overview>('PortfolioOverview', {}, { token: account.token, url });

function figures(answer: Answer<Overview>) {
  const portfolio = answer.body?.data?.me.portfolios[0];
  if (!portfolio) throw new Error(`no portfolio in ${JSON.stringify(answer.body)}`);
  return { cash: portfolio.cash.amount, buyingPower: portfolio.buyingPower.amount };
}

async function placeMarketBuy(account: FundedPortfolio, symbol: string, quantity: string) {
  const answer = await persisted<{ placeOrder: { order: { id: string } | null } }>(
    'PlaceOrder',
    {
      input: {
        portfolioId: account.portfolioId,
        instrumentId: instrumentId(symbol),
        side: 'BUY',
        type: 'MARKET',
        quantity,
        idempotencyKey: `cache-test-${RUN}-${next++}`,
      },
    },
    { token: account.token },
  );
  const order = answer.body?.data?.placeOrder.order;
  if (!order) throw new Error(`order refused: ${JSON.stringify(answer.body)}`);
  return order;
}

describe('response cache on persisted queries', () => {
  it('answers a repeat from the cache with the same bytes; ad hoc is never cached', async () => {
    const variables = { text: 'B', limit: 2 + (RUN % 40) };
    const first = await persisted('SearchInstruments', variables);
    const second = await persisted('SearchInstruments', variables);

    expect(first.headers.get('x-cache')).toBe('miss');
    expect(second.headers.get('x-cache')).toBe('hit');
    expect(second.body).toEqual(first.body);
    expect(first.body?.errors).toBeUndefined();

    const adHoc = await fetch(serviceUrl('router'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ searchInstruments(text: "B") { symbol } }' }),
    });
    expect(adHoc.status).toBe(200);
    expect(adHoc.headers.get('x-cache')).toBeNull();
  });

  it('lets an answer live no longer than its shortest TTL (a quote: one second)', async () => {
    const variables = { symbol: 'GSK', from: day(0), to: day(30) };
    const first = await persisted('InstrumentDetail', variables, { method: 'GET' });
    expect(first.headers.get('x-cache')).toBe('miss');
    expect(first.headers.get('cache-control')).toBe('public, max-age=1');

    await new Promise((resolve) => setTimeout(resolve, 1_300));
    const later = await persisted('InstrumentDetail', variables, { method: 'GET' });
    expect(later.headers.get('x-cache')).toBe('miss');
  });

  it('computes a burst of identical misses once', async () => {
    const variables = { symbol: 'DGE', from: day(100), to: day(160) };
    const answers = await Promise.all(
      Array.from({ length: 40 }, () => persisted('InstrumentDetail', variables)),
    );
    const outcomes = answers.map((answer) => answer.headers.get('x-cache'));

    // An answer with errors is never stored, and then every request computes its own.
    expect(answers.map((answer) => answer.body?.errors ?? [])).toEqual(answers.map(() => []));
    expect(outcomes.filter((outcome) => outcome === 'miss')).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome === 'hit')).toHaveLength(39);
    for (const answer of answers) expect(answer.body).toEqual(answers[0]?.body);
  });

  it('keeps private answers per user: B never receives A’s portfolio', async () => {
    const alice = await createFundedPortfolio(next++, '1234.00');
    const bob = await createFundedPortfolio(next++, '4321.00');

    const aliceFirst = await overview(alice);
    const aliceAgain = await overview(alice);
    const bobFirst = await overview(bob);
    const bobAgain = await overview(bob);

    expect(aliceAgain.headers.get('x-cache')).toBe('hit');
    expect(bobFirst.headers.get('x-cache')).toBe('miss');
    expect(bobAgain.headers.get('x-cache')).toBe('hit');
    expect(bobFirst.body?.data?.me.portfolios.map((p) => p.id)).toEqual([bob.portfolioId]);
    expect(bobAgain.body?.data?.me.portfolios.map((p) => p.id)).toEqual([bob.portfolioId]);
    expect(figures(aliceFirst).cash).toBe('1234');
    expect(figures(bobAgain).cash).toBe('4321');
  });

  it('GET: Cache-Control and ETag, 304 on If-None-Match, private marked private', async () => {
    const first = await persisted('MarketSummary', {}, { method: 'GET' });
    const etag = first.headers.get('etag');
    expect(first.headers.get('cache-control')).toMatch(/^public, max-age=\d+$/);
    expect(etag).toMatch(/^W\/".+"$/);

    const revalidated = await persisted('MarketSummary', {}, { method: 'GET', etag: etag! });
    expect(revalidated.status).toBe(304);
    expect(revalidated.body).toBeNull();

    const account = await createFundedPortfolio(next++, '100.00');
    const mine = await persisted('PortfolioOverview', {}, { method: 'GET', token: account.token });
    expect(mine.headers.get('cache-control')).toBe('private, no-cache');

    // An error is no answer to keep: browsers and CDNs must not hold it for the query's TTL.
    const refused = await persisted(
      'SearchInstruments',
      { text: 'B', limit: 100_000 },
      {
        method: 'GET',
      },
    );
    expect(refused.body?.errors?.length).toBeGreaterThan(0);
    expect(refused.headers.get('cache-control')).toBe('no-store');
    expect(refused.headers.get('etag')).toBeNull();
  });

  it('answers GET hits early yet leaves bad tokens, CORS and other paths to Yoga', async () => {
    const account = await createFundedPortfolio(next++, '250.00');
    const viaPost = await overview(account);
    const viaGet = await persisted(
      'PortfolioOverview',
      {},
      { method: 'GET', token: account.token },
    );
    expect(viaGet.headers.get('x-cache')).toBe('hit');
    expect(viaGet.headers.get('content-type')).toMatch(/^application\/graphql-response\+json/);
    expect(viaGet.body).toEqual(viaPost.body);

    const forged = await persisted('PortfolioOverview', {}, { method: 'GET', token: 'x.y.z' });
    expect(forged.status).toBe(401);
    expect(forged.body?.data).toBeFalsy();
    expect(forged.body?.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const anonymous = await persisted('PortfolioOverview', {}, { method: 'GET' });
    expect(anonymous.body?.data?.me ?? null).toBeNull();

    const url = new URL(serviceUrl('router'));
    url.searchParams.set('documentId', idOf('MarketSummary'));
    await fetch(url);
    const browser = await fetch(url, { headers: { origin: 'https://app.moneta.test' } });
    expect(browser.headers.get('x-cache')).toBe('hit');
    expect(browser.headers.get('access-control-allow-origin')).toBe('https://app.moneta.test');

    const elsewhere = new URL('/metrics', url);
    elsewhere.search = url.search;
    const metrics = await fetch(elsewhere);
    expect(metrics.headers.get('x-cache')).toBeNull();
    expect(await metrics.text()).toContain('# HELP');
  });

  it('never shows the pre-trade portfolio after the user’s own trade', async () => {
    const account = await createFundedPortfolio(next++, '10000.00');
    const before = figures(await overview(account));
    expect((await overview(account)).headers.get('x-cache')).toBe('hit');

    await placeMarketBuy(account, 'RR.', '3');

    // Every answer from now on shows the order: first its hold, then its settlement, and the
    // settlement arrives as an event long before the 30-second TTL would have expired.
    const seen: { cash: string; buyingPower: string; cache: string | null }[] = [];
    const settled = await waitFor(
      'the settled trade to show',
      async () => {
        const answer = await overview(account);
        const now = figures(answer);
        seen.push({ ...now, cache: answer.headers.get('x-cache') });
        return now.cash !== before.cash ? now : undefined;
      },
      10_000,
    );
    expect(seen.filter((view) => view.buyingPower === before.buyingPower)).toEqual([]);
    expect(new Decimal(settled.cash).lessThan(before.cash)).toBe(true);
  });

  it('invalidates when a limit order fills out of band, on a price move', async () => {
    const account = await createFundedPortfolio(next++, '5000.00');
    const market = openTestSchema('market');
    try {
      const quote = await market('quotes')
        .where('instrument_id', instrumentId('LSEG'))
        .first<{ ask: string }>('ask');
      const limit = new Decimal(quote!.ask).times('0.8').toDecimalPlaces(2).toFixed();
      const placed = await persisted<{ placeOrder: { order: { status: string } | null } }>(
        'PlaceOrder',
        {
          input: {
            portfolioId: account.portfolioId,
            instrumentId: instrumentId('LSEG'),
            side: 'BUY',
            type: 'LIMIT',
            quantity: '1',
            limitPrice: limit,
            idempotencyKey: `cache-test-limit-${RUN}`,
          },
        },
        { token: account.token },
      );
      expect(placed.body?.data?.placeOrder.order?.status).toBe('ACCEPTED');

      const resting = figures(await overview(account));
      await waitFor('the overview to be cached', async () =>
        (await overview(account)).headers.get('x-cache') === 'hit' ? true : undefined,
      );

      const ask = new Decimal(limit).minus('0.01').toFixed();
      await market('quotes')
        .where('instrument_id', instrumentId('LSEG'))
        .update({ ask, bid: new Decimal(ask).minus('0.01').toFixed() });

      const filled = await waitFor(
        'the fill to reach the cached overview',
        async () => {
          const now = await overview(account);
          return figures(now).cash !== resting.cash ? now : undefined;
        },
        10_000,
      );
      expect(filled.headers.get('x-cache')).toBe('miss');
    } finally {
      await market.destroy();
    }
  });

  it('counts hits, misses and invalidations per operation at /metrics', async () => {
    const text = await (await fetch(new URL('/metrics', serviceUrl('router')))).text();
    expect(text).toMatch(
      /moneta_router_response_cache_lookups_total\{operation="SearchInstruments",outcome="hit"/,
    );
    expect(text).toMatch(/moneta_router_response_cache_invalidations_total\{operation="/);
  });
});

const withRedis = canRunRedis ? describe : describe.skip;

withRedis('response cache in Redis, shared by router instances', () => {
  let redis: RedisProcess;
  let routers: RouterProcess[] = [];

  beforeAll(async () => {
    redis = await startRedisProcess();
    routers = await Promise.all([
      startRouterProcess({ REDIS_URL: redis.url }),
      startRouterProcess({ REDIS_URL: redis.url }),
    ]);
  }, 90_000);

  afterAll(async () => {
    await Promise.all(routers.map((router) => router.stop()));
    await redis.kill();
  });

  it('shares answers and invalidations between two routers', async () => {
    const [one, two] = routers as [RouterProcess, RouterProcess];
    const account = await createFundedPortfolio(next++, '8000.00');

    const before = figures(await overview(account, one.url));
    expect((await overview(account, two.url)).headers.get('x-cache')).toBe('hit');

    await persisted(
      'PlaceOrder',
      {
        input: {
          portfolioId: account.portfolioId,
          instrumentId: instrumentId('TSCO'),
          side: 'BUY',
          type: 'LIMIT',
          quantity: '10',
          limitPrice: '0.50',
          idempotencyKey: `cache-test-shared-${RUN}`,
        },
      },
      { token: account.token, url: two.url },
    );

    const after = await overview(account, one.url);
    expect(after.headers.get('x-cache')).toBe('miss');
    expect(figures(after).buyingPower).not.toBe(before.buyingPower);
  });

  it('answers uncached while Redis is down and caches again when it returns', async () => {
    const [one] = routers as [RouterProcess];
    const variables = { text: 'S', limit: 3 + (RUN % 30) };
    const fresh = { text: 'A', limit: 3 + (RUN % 30) };
    const cached = await persisted('SearchInstruments', variables, { url: one.url });
    await persisted('SearchInstruments', variables, { url: one.url });
    const expected = await persisted('SearchInstruments', fresh, { url: one.url, adHoc: true });

    await redis.kill();
    // A shared answer this router already holds near may still be served: it is invalidated
    // by events, not through Redis. Anything else is computed each time, and correct.
    const held = await persisted('SearchInstruments', variables, { url: one.url });
    expect(held.status).toBe(200);
    expect(held.body).toEqual(cached.body);
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const during = await persisted('SearchInstruments', fresh, { url: one.url });
      expect(during.status).toBe(200);
      expect(during.body).toEqual(expected.body);
      expect(during.headers.get('x-cache')).toBe('miss');
    }

    await redis.start();
    await waitFor(
      'caching to resume',
      async () => {
        await persisted('SearchInstruments', fresh, { url: one.url });
        const again = await persisted('SearchInstruments', fresh, { url: one.url });
        return again.headers.get('x-cache') === 'hit' ? true : undefined;
      },
      20_000,
    );
  }, 60_000);
});

describe('planning ahead', () => {
  it('plans every persisted operation when the manifest loads', async () => {
    const router = await startRouterProcess({});
    try {
      const line = router
        .output()
        .split('\n')
        .find((entry) => entry.includes('persisted operations planned ahead'));
      expect(line).toBeDefined();
      expect(JSON.parse(line!)).toMatchObject({ operations: manifest.operations.length });
    } finally {
      await router.stop();
    }
  }, 90_000);
});
