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

export type PutOutcome = 'stored' | 'current' | 'stale';

export interface ResponseStore extends Cache {
  readonly kind: 'redis' | 'memory';
  get(key: string): Promise<ExecutionResult | undefined>;
  /** The answer with its ETag, for the router's own hit path. */
  lookup(key: string): Promise<StoredAnswer | undefined>;
  /** Drops every cached answer. */
  purge(reason: string): Promise<void>;
  /** Marks the moment a computation for `key` started, for the stale-write guard. */
  computing(key: string): void;
  /** A computation marked with `computing` ended with nothing to store (errors). */
  abandon(key: string): void;
  /**
   * `set`, telling what became of the answer: `stored`; `current` (not stored, the store being
   * unavailable, but computed from current data); or `stale` (computed from data that changed
   * meanwhile: it must not be handed to anyone else).
   */
  put(
    key: string,
    data: ExecutionResult,
    entities: Iterable<CacheEntityRecord>,
    ttl: number,
  ): Promise<PutOutcome>;
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
  /** Starts every Redis key of the cache. Default `moneta:rc:`. */
  prefix?: string;
  /** Called for each entity invalidated; the plugin counts them per operation. */
  onInvalidate?: (entity: CacheEntityRecord) => void;
}

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
  // Starts of computations not stored yet, per key, oldest first. Each ends with `takeStart`
  // (stored or refused) or `abandon` (not storable); none counts beyond the guard window.
  private readonly starts = new LRUCache<string, number[]>({
    max: 100_000,
    ttl: GUARD_WINDOW_MS,
  });
  private everythingAt = 0;

  started(key: string): void {
    const now = Date.now();
    const starts = (this.starts.get(key) ?? []).filter((at) => now - at < GUARD_WINDOW_MS);
    starts.push(now);
    this.starts.set(key, starts);
  }

  /** A computation of `key` ended without an answer to store: the latest start is forgotten. */
  abandon(key: string): void {
    const starts = this.starts.get(key);
    starts?.pop();
    if (starts?.length === 0) this.starts.delete(key);
  }

  /**
   * The start an answer for `key` is judged by, forgetting one. With several computations of a
   * key in flight it is the oldest, and the latest is forgotten: no answer is then judged by a
   * start later than its own. Unknown (forgotten) starts count as a guard window ago.
   */
  takeStart(key: string): number {
    const oldest = this.starts.get(key)?.[0] ?? Date.now() - GUARD_WINDOW_MS;
    this.abandon(key);
    return oldest;
  }

  invalidated(entities: Iterable<string>): void {
    const now = Date.now();
    for (const entity of entities) this.invalidatedAt.set(entity, now);
    if (this.invalidatedAt.size > 50_000) this.prune(now);
  }

  purged(): void {
    this.everythingAt = Date.now();
  }

  /** Whether an answer computed since `started` and showing `entities` is still current. */
  currentSince(started: number, entities: Iterable<string>): boolean {
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
      await this.put(key, data, entities, ttl);
    },
    async put(key, data, entities, ttl) {
      const names = [...entities].map(entityKey);
      if (!clock.currentSince(clock.takeStart(key), names)) return 'stale';
      const text = JSON.stringify(data);
      answers.set(key, { result: data, text, etag: etagOf(text), size: text.length }, { ttl });
      entitiesOf.set(key, names);
      for (const name of names) {
        let keys = byEntity.get(name);
        if (!keys) byEntity.set(name, (keys = new Set()));
        keys.add(key);
      }
      return 'stored';
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
    abandon: (key) => clock.abandon(key),
    async close() {
      answers.clear();
    },
  };
}

/**
 * Deletes every answer indexed under the given entities, and their index sets, and notes in
 * Redis when each entity changed (Redis's clock, kept for the guard window), so that every
 * router's `STORE_SCRIPT` refuses answers computed from before the change.
 * KEYS: index sets, then change marks, of the same entities. ARGV: the guard window in ms.
 */
const INVALIDATE_SCRIPT = `
local count = #KEYS / 2
local now = redis.call('TIME')
local ms = now[1] * 1000 + math.floor(now[2] / 1000)
for n = 1, count do
  local keys = redis.call('SMEMBERS', KEYS[n])
  for i = 1, #keys, 500 do
    redis.call('UNLINK', unpack(keys, i, math.min(i + 499, #keys)))
  end
  redis.call('UNLINK', KEYS[n])
  redis.call('SET', KEYS[count + n], ms, 'PX', ARGV[1])
end
return count`;

/**
 * Stores an answer unless one of its entities changed since the computation began, checked
 * and written in one step so no invalidation from any router can fall between the two.
 * KEYS: the answer, then the entities' change marks, then their index sets.
 * ARGV: the start in ms (already lowered by the clock margin), the value, the TTL in ms.
 */
const STORE_SCRIPT = `
local count = (#KEYS - 1) / 2
local started = tonumber(ARGV[1])
for n = 1, count do
  local changed = redis.call('GET', KEYS[1 + n])
  if changed and tonumber(changed) >= started then return 0 end
end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
for n = 1, count do
  local set = KEYS[1 + count + n]
  redis.call('SADD', set, KEYS[1])
  redis.call('PEXPIRE', set, ARGV[3], 'GT')
  redis.call('PEXPIRE', set, ARGV[3], 'NX')
end
return 1`;

/**
 * How far a router's clock may be ahead of Redis's before the guard could pass a stale answer:
 * starts are moved back by this much, which only ever refuses more.
 */
const CLOCK_MARGIN_MS = 250;

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
  // Answers are read and stored only while healthy: connected, and purged since the last
  // failed invalidation or purge (a purge covers the failures counted before it began).
  let healthy = false;
  let failures = 0;
  let purgedThrough = 0;
  const missedSomething = () => failures > purgedThrough;
  let recovering: Promise<void> | undefined;
  let closing = false;

  function unhealthy(reason: string, error?: unknown): void {
    if (healthy && !closing) {
      log.warn({ err: error, reason }, 'response cache unavailable; answering uncached');
    }
    healthy = false;
  }

  /** What Redis holds may be stale: nothing is read from it until a purge has succeeded. */
  function missed(reason: string, error: unknown): void {
    failures += 1;
    unhealthy(reason, error);
    recover();
  }

  /** Back to healthy once connected and, if anything was missed, purged; retried each second. */
  function recover(): void {
    recovering ??= (async () => {
      while (redis.status === 'ready') {
        if (missedSomething()) await store.purge('invalidations were missed');
        if (!missedSomething()) {
          healthy = true;
          log.info('response cache available');
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 1_000).unref());
      }
    })().finally(() => (recovering = undefined));
  }

  redis.on('error', (error) => unhealthy('error', error));
  redis.on('close', () => unhealthy('connection closed'));
  redis.on('ready', () => recover());

  const keyPrefix = options.prefix ?? 'moneta:rc:';
  const markPrefix = `${keyPrefix}i:`;
  const answerKey = (key: string) => `${keyPrefix}r:${key}`;
  const setKey = (entity: string) => `${keyPrefix}e:${entity}`;
  const markKey = (entity: string) => `${markPrefix}${entity}`;
  redis.defineCommand('storeAnswer', { lua: STORE_SCRIPT });
  redis.defineCommand('invalidateAnswers', { lua: INVALIDATE_SCRIPT });
  // Both take the number of keys first, then the keys, then their arguments.
  const scripts = redis as unknown as Record<
    'storeAnswer' | 'invalidateAnswers',
    (...args: (string | number)[]) => Promise<unknown>
  >;

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
      await store.put(key, data, entities, ttl);
    },
    async put(key, data, entities, ttl) {
      const names = [...entities].map(entityKey);
      const started = clock.takeStart(key);
      if (!clock.currentSince(started, names)) return 'stale';
      if (!healthy) return 'current';

      const ttlMs = Math.max(1, Math.round(ttl));
      const setAt = generation;
      const text = JSON.stringify(data);
      const etag = etagOf(text);
      let stored: unknown;
      try {
        stored = await scripts.storeAnswer(
          1 + 2 * names.length,
          answerKey(key),
          ...names.map(markKey),
          ...names.map(setKey),
          started - CLOCK_MARGIN_MS,
          `${Date.now() + ttlMs} ${etag}\n${text}`,
          ttlMs,
        );
      } catch (error) {
        log.debug({ err: error }, 'answer not cached: Redis unavailable');
        return 'current';
      }
      if (stored !== 1) return 'stale';

      if (key.startsWith(SHARED_KEY_PREFIX) && setAt === generation) {
        near.set(key, { result: data, text, etag }, { ttl: ttlMs });
      }
      return 'stored';
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
        if (redis.status !== 'ready') throw new Error('Redis unavailable');
        await scripts.invalidateAnswers(
          2 * names.length,
          ...names.map(setKey),
          ...names.map(markKey),
          GUARD_WINDOW_MS,
        );
      } catch (error) {
        log.warn({ err: error, entities: names }, 'invalidation missed; purging before reuse');
        missed('an invalidation failed', error);
      }
    },
    async purge(reason) {
      clock.purged();
      dropNearCopies();
      const failuresBefore = failures;
      try {
        if (redis.status !== 'ready') throw new Error('Redis unavailable');
        let cursor = '0';
        do {
          const [next, keys] = await redis.scan(cursor, 'MATCH', `${keyPrefix}*`, 'COUNT', 1000);
          // Change marks stay: answers computed before those changes must still be refused.
          const doomed = keys.filter((key) => !key.startsWith(markPrefix));
          if (doomed.length > 0) await redis.unlink(...doomed);
          cursor = next;
        } while (cursor !== '0');
        purgedThrough = Math.max(purgedThrough, failuresBefore);
        log.info({ reason }, 'response cache purged');
      } catch (error) {
        log.warn({ err: error, reason }, 'purge failed; retried before reuse');
        missed('a purge failed', error);
      }
    },
    computing: (key) => clock.started(key),
    abandon: (key) => clock.abandon(key),
    async close() {
      closing = true;
      near.clear();
      if (redis.status === 'end') return;
      const ended = new Promise<void>((resolve) => redis.once('end', () => resolve()));
      redis.disconnect();
      await Promise.race([ended, new Promise((resolve) => setTimeout(resolve, 1_000).unref())]);
    },
  };
  return store;
}
