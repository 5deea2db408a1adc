import { Redis } from 'ioredis';
import { createLogger } from '#shared';
import {
  createResponseStore,
  SHARED_KEY_PREFIX,
  type ResponseStore,
} from '../router/src/cache/store.js';
import { waitFor } from './fixtures.js';
import { canRunRedis, startRedisProcess, type RedisProcess } from './redis-process.js';

const logger = createLogger({ service: 'response-store-test', level: 'silent' });
const portfolio = (id: string) => ({ typename: 'Portfolio', id });
const answer = (cash: string) => ({ data: { portfolio: { cash } } });
let next = 0;
const freshKey = (prefix = '') => `${prefix}key-${process.pid}-${next++}`;

/** Computes `key` as the router does: marks the start, then offers the answer. */
async function compute(store: ResponseStore, key: string, cash: string, id = 'p1') {
  store.computing(key);
  return store.put(key, answer(cash), [portfolio(id)], 30_000);
}

describe('the stale-write guard, in process', () => {
  it('refuses every answer of a key whose oldest computation began before a change', async () => {
    const store = createResponseStore({ logger });
    const key = freshKey();

    store.computing(key);
    await store.invalidate([portfolio('p1')]);
    await new Promise((resolve) => setTimeout(resolve, 5));
    store.computing(key);

    // The later computation stores first; neither may put the pre-change answer back.
    expect(await store.put(key, answer('100.00'), [portfolio('p1')], 30_000)).toBe('stale');
    expect(await store.put(key, answer('100.00'), [portfolio('p1')], 30_000)).toBe('stale');
    expect(await store.lookup(key)).toBeUndefined();

    expect(await compute(store, key, '90.00')).toBe('stored');
    expect((await store.lookup(key))?.result).toEqual(answer('90.00'));
    await store.close();
  });

  it('forgets a computation that ended in errors, so the key is cached again', async () => {
    const store = createResponseStore({ logger });
    const key = freshKey();

    store.computing(key);
    store.abandon(key);
    await store.purge('a stream reconnected');
    await new Promise((resolve) => setTimeout(resolve, 5));

    expect(await compute(store, key, '80.00')).toBe('stored');
    await store.close();
  });
});

const withRedis = canRunRedis ? describe : describe.skip;

withRedis('the Redis store shared by two routers', () => {
  let redis: RedisProcess;
  let one: ResponseStore;
  let two: ResponseStore;
  let admin: Redis;

  const ready = async (store: ResponseStore) =>
    waitFor(
      'the store to connect',
      async () => ((await compute(store, freshKey(), '1')) === 'stored' ? true : undefined),
      10_000,
    );

  beforeAll(async () => {
    redis = await startRedisProcess();
    admin = new Redis(redis.url);
    const options = { redisUrl: redis.url, logger, sharedTypes: ['Instrument'] };
    one = createResponseStore(options);
    two = createResponseStore(options);
    await Promise.all([ready(one), ready(two)]);
  }, 30_000);

  afterAll(async () => {
    await Promise.all([one.close(), two.close()]);
    admin.disconnect();
    await redis.kill();
  });

  it("refuses an answer computed before another router's invalidation", async () => {
    const key = freshKey();

    one.computing(key);
    await two.invalidate([portfolio('p2')]);
    expect(await one.put(key, answer('100.00'), [portfolio('p2')], 30_000)).toBe('stale');
    expect(await two.lookup(key)).toBeUndefined();

    // Starts count as a little earlier than they are (routers' clocks differ), so an answer
    // begun right after a change is refused too; one begun a moment later is stored.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await compute(one, key, '90.00', 'p2')).toBe('stored');
    expect((await two.lookup(key))?.result).toEqual(answer('90.00'));
  });

  it('keeps a near copy of a shared answer no longer than the answer itself', async () => {
    const key = freshKey(SHARED_KEY_PREFIX);
    one.computing(key);
    const instrument = { typename: 'Instrument', id: 'i1' };
    expect(await one.put(key, answer('1'), [instrument], 300)).toBe('stored');
    expect(await one.lookup(key)).toBeDefined();

    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await one.lookup(key)).toBeUndefined();
  });

  it('drops near copies when another router invalidates a shared entity', async () => {
    const key = freshKey(SHARED_KEY_PREFIX);
    const instrument = { typename: 'Instrument', id: 'i2' };
    one.computing(key);
    expect(await one.put(key, answer('1'), [instrument], 30_000)).toBe('stored');
    expect(await two.lookup(key)).toBeDefined();

    // Routers hear of shared entities' changes from subgraph events, each for itself.
    await Promise.all([one.invalidate([instrument]), two.invalidate([instrument])]);
    expect(await one.lookup(key)).toBeUndefined();
    expect(await two.lookup(key)).toBeUndefined();
  });

  it('reads nothing from Redis after a failed invalidation until it has purged', async () => {
    const key = freshKey();
    expect(await compute(one, key, '100.00', 'p3')).toBe('stored');

    // Writes stall past the command timeout while reads still work: the invalidation fails
    // with the pre-change answer still in Redis.
    await admin.call('CLIENT', 'PAUSE', '1500', 'WRITE');
    await one.invalidate([portfolio('p3')]);
    expect(await admin.exists(`moneta:rc:r:${key}`)).toBe(1);
    expect(await one.lookup(key)).toBeUndefined();

    await waitFor(
      'the store to purge and recover',
      async () => ((await compute(one, freshKey(), '1')) === 'stored' ? true : undefined),
      15_000,
    );
    expect(await admin.exists(`moneta:rc:r:${key}`)).toBe(0);
    expect(await one.lookup(key)).toBeUndefined();
  }, 30_000);
});
