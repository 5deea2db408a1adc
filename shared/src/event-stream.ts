import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EventBus } from './event-bus.js';
import { ENTITY_CHANGED_CHANNEL } from './entity-events.js';
import { IDENTITY_HEADER, type Identity } from './identity.js';

/** Where every subgraph streams its entity-changed events to routers. */
export const ENTITY_EVENTS_PATH = '/_events';

export interface EntityEventStreamOptions {
  events: EventBus;
  verifyIdentity: (token: string | undefined) => Promise<Identity | undefined>;
  /** Comment lines keep idle connections open through proxies. Default 15 s. */
  heartbeatMs?: number;
}

/**
 * Relays the bus's entity-changed messages to a router as Server-Sent Events. With Redis, any
 * instance relays every instance's changes; without it, each (single) instance its own. When
 * the bus may have lost messages it sends `resync`, and the router drops what it cached.
 * Only a router-signed service identity may listen.
 */
export function createEntityEventStream(options: EntityEventStreamOptions) {
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const open = new Set<ServerResponse>();

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const header = request.headers[IDENTITY_HEADER];
    const identity = await options.verifyIdentity(Array.isArray(header) ? header[0] : header);
    if (identity?.service !== 'router') {
      response.writeHead(403, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ errors: [{ message: 'routers only', code: 'FORBIDDEN' }] }));
      return;
    }

    response.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    response.write(': connected\n\n');
    open.add(response);

    const send = (event: string, data: unknown) =>
      response.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    const stopChanges = options.events.subscribe(ENTITY_CHANGED_CHANNEL, (message) =>
      send('entity-changed', message),
    );
    const stopResync = options.events.onResync(() => send('resync', {}));
    const heartbeat = setInterval(() => response.write(': ping\n\n'), heartbeatMs);
    heartbeat.unref();

    response.once('close', () => {
      clearInterval(heartbeat);
      stopChanges();
      stopResync();
      open.delete(response);
    });
  }

  return {
    handle,
    /** Ends every open stream, so a server can close without waiting for them. */
    close(): void {
      for (const response of open) response.end();
      open.clear();
    },
  };
}

export type EntityEventStream = ReturnType<typeof createEntityEventStream>;
