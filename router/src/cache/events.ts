import {
  ENTITY_EVENTS_PATH,
  isEntityChangedMessage,
  type IdentitySigner,
  type Logger,
} from '#shared';
import type { RouterMetrics } from '../metrics.js';
import type { ResponseStore } from './store.js';

export interface EntityEventsOptions {
  /** Subgraph name → its GraphQL URL; the stream is served beside it. */
  subgraphs: Record<string, string>;
  signIdentity: IdentitySigner;
  store: ResponseStore;
  metrics?: RouterMetrics;
  logger: Logger;
  /** A stream silent this long is dropped and reconnected (with a purge). Default 45 s. */
  idleTimeoutMs?: number;
}

const ROUTER_IDENTITY = { userId: 'router', service: 'router' } as const;

/**
 * Follows every subgraph's stream of entity changes and invalidates the cached answers that
 * show them. Whenever a stream has been down, changes may have been missed, so on reconnecting
 * everything cached is dropped: a slower minute beats a stale portfolio.
 */
export function followEntityEvents(options: EntityEventsOptions): { close(): void } {
  const { store, metrics, logger } = options;
  const idleMs = options.idleTimeoutMs ?? 45_000;
  const log = logger.child({ component: 'entity-events' });
  const controller = new AbortController();

  async function consume(name: string, url: string): Promise<void> {
    const streamUrl = new URL(ENTITY_EVENTS_PATH, url).toString();
    let everConnected = false;
    let delayMs = 250;

    while (!controller.signal.aborted) {
      try {
        const response = await fetch(streamUrl, {
          headers: {
            accept: 'text/event-stream',
            'x-moneta-identity': await options.signIdentity(ROUTER_IDENTITY),
          },
          signal: controller.signal,
        });
        if (!response.ok || !response.body) throw new Error(`status ${response.status}`);
        if (everConnected) await resync(`${name} event stream reconnected`);
        everConnected = true;
        delayMs = 250;
        log.debug({ subgraph: name }, 'following entity events');
        await read(name, response.body);
      } catch (error) {
        if (controller.signal.aborted) return;
        log.debug({ err: error, subgraph: name }, 'entity event stream down; retrying');
      }
      await new Promise((resolve) => setTimeout(resolve, delayMs).unref());
      delayMs = Math.min(delayMs * 2, 5_000);
    }
  }

  async function read(name: string, body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffered = '';
    const reader = body.getReader();
    for (;;) {
      // Subgraphs send a heartbeat every 15 s: a stream silent for longer is half-open (a
      // peer gone without a FIN), and waiting on it would miss invalidations unnoticed.
      let timer: NodeJS.Timeout | undefined;
      const silent = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('event stream went silent')), idleMs);
      });
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await Promise.race([reader.read(), silent]);
      } catch (error) {
        void reader.cancel().catch(() => undefined);
        throw error;
      } finally {
        clearTimeout(timer);
      }
      const { done, value } = chunk;
      if (done) return;
      buffered += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffered.indexOf('\n\n')) >= 0) {
        const frame = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        await handle(name, frame);
      }
    }
  }

  async function handle(name: string, frame: string): Promise<void> {
    let event = 'message';
    let data = '';
    for (const line of frame.split('\n')) {
      if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data += line.slice(5).trim();
    }

    if (event === 'resync') {
      await resync(`${name} event bus reconnected`);
      return;
    }
    if (event !== 'entity-changed') return;
    let message: unknown;
    try {
      message = JSON.parse(data);
    } catch {
      return;
    }
    if (!isEntityChangedMessage(message)) return;
    for (const _change of message.changes) {
      metrics?.cacheInvalidations.inc({ operation: `event:${message.source}`, reason: 'event' });
    }
    await store.invalidate(message.changes);
  }

  async function resync(reason: string): Promise<void> {
    metrics?.cacheInvalidations.inc({ operation: 'all', reason: 'resync' });
    await store.purge(reason);
  }

  for (const [name, url] of Object.entries(options.subgraphs)) void consume(name, url);

  return {
    close: () => controller.abort(),
  };
}
