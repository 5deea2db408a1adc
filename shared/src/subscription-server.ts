import type { Server } from 'node:http';
import type { GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { Logger } from 'pino';
import { IDENTITY_HEADER, REQUEST_ID_HEADER } from './identity.js';
import type { HeaderGetter } from './request-context.js';

/** What a subscription may carry in place of HTTP headers. */
const FORWARDED = new Set([IDENTITY_HEADER, REQUEST_ID_HEADER]);

export interface SubscriptionServerOptions<Context> {
  /** The HTTP server whose upgrade requests at `path` become graphql-ws connections. */
  server: Server;
  schema: GraphQLSchema;
  /** Builds an operation's context, as HTTP requests build theirs from headers. */
  context: (header: HeaderGetter) => Promise<Context>;
  logger: Logger;
  /** Default `/graphql`, the path HTTP operations use too. */
  path?: string;
  /** Ping interval that detects dead peers. Default 12 000 ms. */
  keepAliveMs?: number;
  /** How long sockets get to finish the close handshake on shutdown. Default 2 000 ms. */
  closeGraceMs?: number;
}

export interface SubscriptionServer {
  /** Open sockets, for tests and metrics. */
  readonly connections: number;
  /** Closes every socket (1001, going away) and stops accepting new ones. */
  close(): Promise<void>;
}

function stringValue(source: unknown, name: string): string | undefined {
  if (typeof source !== 'object' || source === null) return undefined;
  const value = (source as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * Serves GraphQL subscriptions over graphql-ws (the graphql-transport-ws protocol) on an
 * existing HTTP server. The router sends each subscription's signed identity in the subscribe
 * message's `extensions`, because one router connection carries many users' operations; the
 * connection_init payload is the fallback for a client that connects directly. Either way the
 * token is verified by the same context builder as HTTP, so an unsigned one is anonymous.
 */
export function attachSubscriptionServer<Context>(
  options: SubscriptionServerOptions<Context>,
): SubscriptionServer {
  const { closeGraceMs = 2_000 } = options;
  const log = options.logger.child({ component: 'subscriptions' });
  const wss = new WebSocketServer({ server: options.server, path: options.path ?? '/graphql' });
  wss.on('error', (error) => log.warn({ err: error }, 'websocket server error'));

  const disposable = useServer(
    {
      schema: options.schema,
      context: (ctx, _id, payload) => {
        const header: HeaderGetter = (name) => {
          const lower = name.toLowerCase();
          if (!FORWARDED.has(lower)) return undefined;
          return stringValue(payload.extensions, lower) ?? stringValue(ctx.connectionParams, lower);
        };
        return options.context(header) as Promise<Record<PropertyKey, unknown>>;
      },
      onClose: (_ctx, code, reason) => {
        log.debug({ code, reason }, 'subscription socket closed');
      },
    },
    wss,
    options.keepAliveMs ?? 12_000,
  );

  return {
    get connections() {
      return wss.clients.size;
    },
    async close() {
      // A peer that never answers the close handshake must not hold the shutdown open.
      const timer = setTimeout(() => {
        for (const socket of wss.clients) socket.terminate();
      }, closeGraceMs);
      timer.unref();
      await disposable.dispose();
      clearTimeout(timer);
    },
  };
}
