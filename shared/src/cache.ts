import { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';
import type { Logger } from 'pino';

/** A string cache with per-entry TTL: Redis when configured, else bounded process memory. */
export interface TtlCache {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  delete(key: string): Promise<void>;
  close(): Promise<void>;
}

export interface CacheOptions {
  /** `redis://` URL; without it the cache lives in this process. */
  redisUrl?: string | undefined;
  /** Prefix of every key, e.g. `moneta:portfolio:`. */
  prefix: string;
  logger: Logger;
  /** In-process bound. Default 50 MiB of values. */
  maxBytes?: number;
}

/**
 * A cache is an optimisation, never a dependency: when Redis is unreachable, reads miss and
 * writes are skipped, and the caller computes as if there were no cache.
 */
export function createCache(options: CacheOptions): TtlCache {
  const { redisUrl, prefix, logger } = options;
  if (!redisUrl) return memoryCache(prefix, options.maxBytes ?? 50 * 1024 * 1024);

  const log = logger.child({ component: 'cache' });
  // A slow or absent cache must cost a request little: commands give up after 250 ms.
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1, commandTimeout: 250 });
  let healthy = true;
  redis.on('error', (error) => {
    if (healthy) log.warn({ err: error }, 'cache unavailable; serving uncached');
    healthy = false;
  });
  redis.on('ready', () => {
    if (!healthy) log.info('cache available again');
    healthy = true;
  });

  const quietly = async <T>(work: () => Promise<T>, fallback: T): Promise<T> => {
    try {
      return await work();
    } catch {
      return fallback;
    }
  };

  return {
    get: (key) => quietly(async () => (await redis.get(prefix + key)) ?? undefined, undefined),
    set: (key, value, ttlSeconds) =>
      quietly(async () => {
        await redis.set(prefix + key, value, 'EX', ttlSeconds);
      }, undefined),
    delete: (key) =>
      quietly(async () => {
        await redis.del(prefix + key);
      }, undefined),
    async close() {
      if (redis.status === 'end') return;
      // Wait for the socket to close, but not for a server that never answered.
      const ended = new Promise<void>((resolve) => redis.once('end', () => resolve()));
      redis.disconnect();
      await Promise.race([ended, new Promise((resolve) => setTimeout(resolve, 1_000).unref())]);
    },
  };
}

function memoryCache(prefix: string, maxBytes: number): TtlCache {
  const lru = new LRUCache<string, string>({
    maxSize: maxBytes,
    sizeCalculation: (value, key) => value.length + key.length,
    ttlAutopurge: false,
  });
  return {
    async get(key) {
      return lru.get(prefix + key);
    },
    async set(key, value, ttlSeconds) {
      lru.set(prefix + key, value, { ttl: ttlSeconds * 1000 });
    },
    async delete(key) {
      lru.delete(prefix + key);
    },
    async close() {
      lru.clear();
    },
  };
}
