import { randomUUID } from 'node:crypto';
import { createCache, type TtlCache } from '../src/cache.js';
import { createLogger } from '../src/logger.js';

const logger = createLogger({ service: 'test', level: 'silent' });

const stores: [string, string | undefined][] = [['in-process', undefined]];
if (process.env.REDIS_URL) stores.push(['redis', process.env.REDIS_URL]);

describe.each(stores)('the %s cache', (_name, redisUrl) => {
  let cache: TtlCache;

  beforeAll(() => {
    cache = createCache({ redisUrl, prefix: `test:${randomUUID()}:`, logger });
  });

  afterAll(async () => {
    await cache.close();
  });

  it('returns what was set, until it is deleted', async () => {
    await cache.set('k', 'v', 30);
    expect(await cache.get('k')).toBe('v');
    await cache.delete('k');
    expect(await cache.get('k')).toBeUndefined();
  });

  it('forgets an entry after its TTL', async () => {
    await cache.set('short', 'v', 1);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(await cache.get('short')).toBeUndefined();
  });
});

describe('a cache whose Redis is unreachable', () => {
  it('misses and skips writes instead of failing', async () => {
    const cache = createCache({ redisUrl: 'redis://127.0.0.1:1', prefix: 'x:', logger });
    await expect(cache.set('k', 'v', 10)).resolves.toBeUndefined();
    await expect(cache.get('k')).resolves.toBeUndefined();
    await cache.close();
  });
});
