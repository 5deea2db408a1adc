import { createHash } from 'node:crypto';
import type { Cache, CacheEntityRecord } from '@envelop/response-cache';
import type { ExecutionResult } from 'graphql';
import { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';
import type { Logger } from '#shared';

/**
 * Where cached answers live, with an index from each entity (`Portfolio:42`) to the answers
 * that show it. Implements `@envelop/response-cache`'s `Cache`, plus what the router needs
 * around it: a purge for when invalidations may have been missed, and a guard so that an
 * answer computed before an invalidation is not stored after it.
 */
export interface StoredAnswer {
  readonly result: ExecutionResult;
  /** The answer as JSON, ready to send. */
  readonly text: string;
  /** A content hash of the answer, made once when it was stored. */
  readonly etag: string;
}

export interface ResponseStore extends Cache {
  readonly kind: 'redis' | 'memory';
  get(key: string): Promise<ExecutionResult | undefined>;
  /** The answer with its ETag, for the router's own hit path. */
  lookup(key: string): Promise<StoredAnswer | undefined>;
  /** Drops every cached answer. */
  purge(reason: string): Promise<void>;
  /** Marks the moment a computation for `key` started, for the stale-write guard. */
  computing(key: string): void;
  close(): Promise<void>;
}

export interface ResponseStoreOptions {
  redisUrl?: string | undefined;
  logger: Logger;
  /**
   * In-process bound on cached bytes: the whole cache without Redis, the near copies of shared
   * answers with it. Default 64 MiB.
   */
  maxBytes?: number;
  /**
   * Types that shared answers may show. An invalidation naming one drops the near copies;
   * unset, every invalidation does.
   */
  sharedTypes?: readonly string[];
  /** Called for each entity invalidated; the plugin counts them per operation. */
  onInvalidate?: (entity: CacheEntityRecord) => void;
}

const PREFIX = 'moneta:rc:';
/** Keys of answers that are the same for every user start with this; the plugin makes them. */
export const SHARED_KEY_PREFIX = 'shared:';
/** Longest a computation may take and still be guarded; beyond it the guard forgets. */
const GUARD_WINDOW_MS = 60_000;

/** A weak validator from the answer's bytes: equal answers, equal tags, across routers. */
export function etagOf(text: string): string {
  return `W/"${createHash('sha1').update(text).digest('base64url')}"`;
}

/** An answer read back as text; parsed once, on first use (the fast path never needs it). */
function storedAnswer(etag: string, text: string): StoredAnswer {
  let result: ExecutionResult | undefined;
  return {
    etag,
    text,
    get result() {
      result ??= JSON.parse(text) as ExecutionResult;
      return result;
    },
  };
}

function entityKey(entity: CacheEntityRecord): string {
  return entity.id === undefined || entity.id === null
    ? entity.typename
    : `${entity.typename}:${entity.id}`;
}

/**
 * Remembers when entities were last invalidated, so `set` can refuse an answer whose
 * computation began before one of its entities changed: without it, a read that started just
 * before a trade settled could put the pre-trade portfolio back into the cache.
 */
class InvalidationClock {
  private readonly invalidatedAt = new Map<string, number>();
  private readonly startedAt = new Map<string, number>();
  private everythingAt = 0;

  started(key: string): void {
    this.startedAt.set(key, Date.now());
  }

  invalidated(entities: Iterable<string>): void {
    const now = Date.now();
    for (const entity of entities) this.invalidatedAt.set(entity, now);
    if (this.invalidatedAt.size > 50_000) this.prune(now);
  }

  purged(): void {
    this.everythingAt = Date.now();
  }

  /** Whether an answer for `key` showing `entities` is still current; forgets the start. */
  stillCurrent(key: string, entities: Iterable<string>): boolean {
    const started = this.startedAt.get(key);
    this.startedAt.delete(key);
    if (started === undefined) return true;
    if (this.everythingAt >= started) return false;
    for (const entity of entities) {
      const at = this.invalidatedAt.get(entity);
      if (at !== undefined && at >= started) return false;
    }
    return true;
  }

  private prune(now: number): void {
    for (const [entity, at] of this.invalidatedAt) {
      if (now - at > GUARD_WINDOW_MS) this.invalidatedAt.delete(entity);
    }
    for (const [key, at] of this.startedAt) {
      if (now - at > GUARD_WINDOW_MS) this.startedAt.delete(key);
    }
  }
}

export function createResponseStore(options: ResponseStoreOptions): ResponseStore {
  return options.redisUrl ? redisStore(options.redisUrl, options) : memoryStore(options);
}

function memoryStore(options: ResponseStoreOptions): ResponseStore {
  const clock = new InvalidationClock();
  const byEntity = new Map<string, Set<string>>();
  const entitiesOf = new Map<string, string[]>();
  // Answers are kept parsed: a hit hands the same object to the serialiser, never to a writer.
  const answers = new LRUCache<string, StoredAnswer & { size: number }>({
    maxSize: options.maxBytes ?? 64 * 1024 * 1024,
    sizeCalculation: (value, key) => value.size + key.length,
    dispose: (_value, key) => forget(key),
  });

  function forget(key: string): void {
    for (const entity of entitiesOf.get(key) ?? []) {
      const keys = byEntity.get(entity);
      keys?.delete(key);
      if (keys?.size === 0) byEntity.delete(entity);
    }
    entitiesOf.delete(key);
  }

  return {
    kind: 'memory',
    async get(key) {
      return answers.get(key)?.result;
    },
    async lookup(key) {
      return answers.get(key);
    },
    async set(key, data, entities, ttl) {
      const names = [...entities].map(entityKey);
      if (!clock.stillCurrent(key, names)) return;
      const text = JSON.stringify(data);
      answers.set(key, { result: data, text, etag: etagOf(text), size: text.length }, { ttl });
      entitiesOf.set(key, names);
      for (const name of names) {
        let keys = byEntity.get(name);
        if (!keys) byEntity.set(name, (keys = new Set()));
        keys.add(key);
      }
    },
    async invalidate(entities) {
      const names = [...entities].map((entity) => {
        options.onInvalidate?.(entity);
        return entityKey(entity);
      });
      clock.invalidated(names);
      for (const name of names) {
        for (const key of [...(byEntity.get(name) ?? [])]) answers.delete(key);
      }
    },
    async purge() {
      clock.purged();
      answers.clear();
    },
    computing: (key) => clock.started(key),
    async close() {
      answers.clear();
    },
  };
}

/** Deletes every answer indexed under the given entity sets, and the sets themselves. */
const INVALIDATE_SCRIPT = `
for _, set in ipairs(KEYS) do
  local keys = redis.call('SMEMBERS', set)
  for i = 1, #keys, 500 do
    redis.call('UNLINK', unpack(keys, i, math.min(i + 499, #keys)))
  end
  redis.call('UNLINK', set)
end
return #KEYS`;

function redisStore(url: string, options: ResponseStoreOptions): ResponseStore {
  const log = options.logger.child({ component: 'response-cache' });
  const clock = new InvalidationClock();
  // A cache must cost a request little when Redis is slow or gone: commands give up after
  // 500 ms (a hung server; a refused connection fails at once) and nothing queues while
  // disconnected.
  const redis = new Redis(url, {
    maxRetriesPerRequest: 0,
    commandTimeout: 500,
    enableOfflineQueue: false,
  });
  let healthy = true;
  let missedInvalidation = false;

  redis.on('error', (error) => {
    if (healthy) log.warn({ err: error }, 'response cache unavailable; answering uncached');
    healthy = false;
  });
  redis.on('ready', () => {
    if (healthy) return;
    healthy = true;
    log.info('response cache available again');
    // Invalidations sent while Redis was away never arrived: what it holds may be stale.
    if (missedInvalidation) void store.purge('invalidations missed while Redis was away');
  });

  const answerKey = (key: string) => `${PREFIX}r:${key}`;
  const setKey = (entity: string) => `${PREFIX}e:${entity}`;

  // Near copies of shared answers (market screens, read by everyone at once) spare a Redis
  // round trip per hit. Private answers always come from Redis: another router may have just
  // invalidated them for the user's own trade. Shared answers are invalidated only by subgraph
  // events, which every router follows itself, and by purges, so a near copy is dropped on
  // this router at the same moment as in Redis; it never outlives the answer's own TTL.
  const near = new LRUCache<string, StoredAnswer>({
    maxSize: options.maxBytes ?? 64 * 1024 * 1024,
    sizeCalculation: (value, key) => value.text.length + key.length,
  });
  const sharedTypes = options.sharedTypes && new Set(options.sharedTypes);
  const mayBeShared = (entity: string) =>
    !sharedTypes || sharedTypes.has(entity.split(':', 1)[0] as string);
  // Counts drops, so that a read from Redis that began before one does not put back what it read.
  let generation = 0;
  function dropNearCopies(): void {
    generation += 1;
    near.clear();
  }

  const store: ResponseStore = {
    kind: 'redis',
    async get(key) {
      return (await store.lookup(key))?.result;
    },
    async lookup(key) {
      if (!healthy) return undefined;
      const shared = key.startsWith(SHARED_KEY_PREFIX);
      if (shared) {
        const copy = near.get(key);
        if (copy) return copy;
      }

      const readAt = generation;
      let text: string | null;
      try {
        text = await redis.get(answerKey(key));
      } catch {
        return undefined;
      }
      if (text === null) return undefined;

      // Stored as `<expiry ms> <etag>\n<answer JSON>`, so a hit needs no hashing.
      const space = text.indexOf(' ');
      const newline = text.indexOf('\n');
      // A value in another layout (an older router's) is a miss, and is overwritten.
      if (space < 0 || newline < space) return undefined;
      const answer = storedAnswer(text.slice(space + 1, newline), text.slice(newline + 1));
      const remainingMs = Number(text.slice(0, space)) - Date.now();
      // A near copy lives no longer than the answer in Redis, and never across a purge.
      if (shared && remainingMs > 0 && readAt === generation) {
        near.set(key, answer, { ttl: remainingMs });
      }
      return answer;
    },
    async set(key, data, entities, ttl) {
      const names = [...entities].map(entityKey);
      if (!healthy || !clock.stillCurrent(key, names)) return;
      const ttlMs = Math.max(1, Math.round(ttl));
      const setAt = generation;
      const pipeline = redis.multi();
      const text = JSON.stringify(data);
      const etag = etagOf(text);
      const stored = `${Date.now() + ttlMs} ${etag}\n${text}`;
      pipeline.set(answerKey(key), stored, 'PX', ttlMs);
      for (const name of names) {
        pipeline.sadd(setKey(name), answerKey(key));
        // An index set lives as long as its longest-lived answer.
        pipeline.pexpire(setKey(name), ttlMs, 'GT');
        pipeline.pexpire(setKey(name), ttlMs, 'NX');
      }
      try {
        await pipeline.exec();
      } catch (error) {
        log.debug({ err: error }, 'answer not cached: Redis unavailable');
        return;
      }
      if (key.startsWith(SHARED_KEY_PREFIX) && setAt === generation) {
        near.set(key, { result: data, text, etag }, { ttl: ttlMs });
      }
    },
    async invalidate(entities) {
      const names = [...entities].map((entity) => {
        options.onInvalidate?.(entity);
        return entityKey(entity);
      });
      clock.invalidated(names);
      if (names.length === 0) return;
      if (names.some(mayBeShared)) dropNearCopies();
      try {
        if (!healthy) throw new Error('Redis unavailable');
        await redis.eval(INVALIDATE_SCRIPT, names.length, ...names.map(setKey));
      } catch (error) {
        missedInvalidation = true;
        log.warn(
          { err: error, entities: names },
          'invalidation missed; purging when Redis is back',
        );
      }
    },
    async purge(reason) {
      clock.purged();
      dropNearCopies();
      try {
        if (!healthy) throw new Error('Redis unavailable');
        let cursor = '0';
        do {
          const [next, keys] = await redis.scan(cursor, 'MATCH', `${PREFIX}*`, 'COUNT', 1000);
          if (keys.length > 0) await redis.unlink(...keys);
          cursor = next;
        } while (cursor !== '0');
        missedInvalidation = false;
        log.info({ reason }, 'response cache purged');
      } catch (error) {
        missedInvalidation = true;
        log.warn({ err: error, reason }, 'purge failed; retried when Redis is back');
      }
    },
    computing: (key) => clock.started(key),
    async close() {
      near.clear();
      if (redis.status === 'end') return;
      const ended = new Promise<void>((resolve) => redis.once('end', () => resolve()));
      redis.disconnect();
      await Promise.race([ended, new Promise((resolve) => setTimeout(resolve, 1_000).unref())]);
    },
  };
  return store;
}
