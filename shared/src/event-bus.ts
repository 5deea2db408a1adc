import { EventEmitter } from 'node:events';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';

export type EventHandler = (message: unknown) => void;

/**
 * Fire-and-forget messages between processes: Redis pub/sub when configured, so every instance
 * of every service hears every message; an in-process emitter otherwise (one instance per
 * service, as `npm start` runs them). Messages are JSON values.
 *
 * Delivery is at most once. Consumers whose correctness depends on every message (a cache that
 * must not serve stale data) listen for `onResync`: it fires whenever messages may have been
 * missed, after the subscriber connection comes back.
 */
export interface EventBus {
  readonly kind: 'redis' | 'memory';
  publish(channel: string, message: unknown): Promise<void>;
  /** Returns a function that removes this handler. */
  subscribe(channel: string, handler: EventHandler): () => void;
  onResync(handler: () => void): () => void;
  close(): Promise<void>;
}

export interface EventBusOptions {
  redisUrl?: string | undefined;
  logger: Logger;
  /** Prefix of every channel name. Default `moneta:`. */
  prefix?: string;
}

export function createEventBus(options: EventBusOptions): EventBus {
  const prefix = options.prefix ?? 'moneta:';
  return options.redisUrl ? redisBus(options.redisUrl, prefix, options.logger) : memoryBus(prefix);
}

function memoryBus(prefix: string): EventBus {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);

  return {
    kind: 'memory',
    async publish(channel, message) {
      // Deliver after the publisher's own work, as a network bus would, and as a copy.
      const copy = JSON.parse(JSON.stringify(message)) as unknown;
      queueMicrotask(() => emitter.emit(prefix + channel, copy));
    },
    subscribe(channel, handler) {
      emitter.on(prefix + channel, handler);
      return () => emitter.off(prefix + channel, handler);
    },
    onResync() {
      return () => undefined;
    },
    async close() {
      emitter.removeAllListeners();
    },
  };
}

function redisBus(url: string, prefix: string, logger: Logger): EventBus {
  const log = logger.child({ component: 'event-bus' });
  // Publishing must not queue behind an outage: a message that cannot go now is dropped and
  // the subscribers' resync covers it.
  const publisher = new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
  const subscriber = new Redis(url, { maxRetriesPerRequest: null });
  const handlers = new Map<string, Set<EventHandler>>();
  const resyncHandlers = new Set<() => void>();
  let lost = false;

  publisher.on('error', () => undefined);
  subscriber.on('error', (error) => {
    if (!lost) log.warn({ err: error }, 'event bus unavailable; messages may be missed');
    lost = true;
  });
  subscriber.on('ready', () => {
    if (!lost) return;
    lost = false;
    log.info('event bus available again; consumers resync');
    for (const handler of resyncHandlers) handler();
  });
  subscriber.on('message', (channel: string, raw: string) => {
    const set = handlers.get(channel);
    if (!set) return;
    let message: unknown;
    try {
      message = JSON.parse(raw);
    } catch {
      log.warn({ channel }, 'ignored a message that is not JSON');
      return;
    }
    for (const handler of set) handler(message);
  });

  return {
    kind: 'redis',
    async publish(channel, message) {
      try {
        await publisher.publish(prefix + channel, JSON.stringify(message));
      } catch (error) {
        log.debug({ err: error, channel }, 'message dropped: event bus unavailable');
      }
    },
    subscribe(channel, handler) {
      const name = prefix + channel;
      let set = handlers.get(name);
      if (!set) {
        set = new Set();
        handlers.set(name, set);
        subscriber.subscribe(name).catch((error: unknown) => {
          log.warn({ err: error, channel }, 'subscribe failed; retried on reconnect');
        });
      }
      set.add(handler);
      return () => {
        set.delete(handler);
        if (set.size > 0 || handlers.get(name) !== set) return;
        handlers.delete(name);
        subscriber.unsubscribe(name).catch(() => undefined);
      };
    },
    onResync(handler) {
      resyncHandlers.add(handler);
      return () => resyncHandlers.delete(handler);
    },
    async close() {
      handlers.clear();
      resyncHandlers.clear();
      await Promise.all([disconnect(publisher), disconnect(subscriber)]);
    },
  };
}

async function disconnect(redis: Redis): Promise<void> {
  if (redis.status === 'end') return;
  const ended = new Promise<void>((resolve) => redis.once('end', () => resolve()));
  redis.disconnect();
  await Promise.race([ended, new Promise((resolve) => setTimeout(resolve, 1_000).unref())]);
}
