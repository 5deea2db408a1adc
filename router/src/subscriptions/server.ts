import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { GetEnvelopedFn } from '@envelop/core';
import { CloseCode } from 'graphql-ws';
import { useServer, type Extra } from 'graphql-ws/use/ws';
import { GraphQLError, type ExecutionArgs } from 'graphql';
import { decodeJwt } from 'jose';
import { WebSocketServer } from 'ws';
import type { Identity, Logger } from '#shared';
import type { RouterContext } from '../context.js';
import type { ManifestSource } from '../persisted/manifest.js';
import {
  PersistedErrorCode,
  sha256Hex,
  type PersistedOperationsMode,
} from '../persisted/plugin.js';
import type { SubscriberTransport } from './federated.js';

/** Close code for a client that let too many events go undelivered (private-use range). */
export const SLOW_CONSUMER_CLOSE = 4100;

export interface RouterSubscriptionsOptions {
  server: Server;
  /** The router's envelop pipeline (Yoga's `getEnveloped`). */
  getEnveloped: GetEnvelopedFn<unknown>;
  authenticate: (header: string | null) => Promise<Identity | undefined>;
  persisted?: { mode: PersistedOperationsMode; manifest: ManifestSource };
  logger: Logger;
  path?: string;
  /** Ping interval that detects dead peers. Default 12 000 ms. */
  keepAliveMs?: number;
}

type ConnectionState = Record<PropertyKey, unknown> & {
  identity?: Identity;
  /** When the connection's token expires, in epoch ms. */
  expiresAt?: number;
};

type RouterExtra = Extra & ConnectionState;

/** Longest delay a Node timer takes; later expiries are checked on each subscribe only. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * A signed-in connection lasts as long as its token: when the token expires the socket is
 * closed with 4403, which graphql-ws clients retry, with a fresh token from `connectionParams`.
 * Without it, a socket would keep a user's private streams open long after sign-out.
 */
function closeWhenExpired(extra: RouterExtra, header: string): void {
  const exp = decodeJwt(header.replace(/^Bearer\s+/i, '')).exp;
  if (typeof exp !== 'number') return;
  extra.expiresAt = exp * 1_000;
  const delayMs = extra.expiresAt - Date.now();
  // A socket that closed while its token was checked has nothing left to close.
  if (delayMs > MAX_TIMER_MS || extra.socket.readyState !== extra.socket.OPEN) return;
  const timer = setTimeout(() => {
    extra.socket.close(CloseCode.Forbidden, 'The token has expired');
  }, delayMs);
  timer.unref();
  extra.socket.once('close', () => clearTimeout(timer));
}

function coded(message: string, code: string) {
  return new GraphQLError(message, { extensions: { code } });
}

/**
 * Resolves what a subscribe message asks to run: its text, a manifest id (`documentId` or
 * Apollo's `persistedQuery` extension), and, in safelist mode, only what the manifest holds.
 */
function resolveQuery(
  payload: { query?: unknown; documentId?: unknown; extensions?: Record<string, unknown> },
  persisted: RouterSubscriptionsOptions['persisted'],
): string {
  const extension = payload.extensions?.persistedQuery as { sha256Hash?: unknown } | undefined;
  const rawId = payload.documentId ?? extension?.sha256Hash;
  const text = typeof payload.query === 'string' && payload.query !== '' ? payload.query : '';

  if (rawId !== undefined) {
    const id = String(rawId).replace(/^sha256:/, '');
    const known = persisted?.manifest.get(id);
    if (!known) {
      throw coded(
        `No operation with id ${id} is in the persisted query manifest.`,
        PersistedErrorCode.PERSISTED_QUERY_NOT_FOUND,
      );
    }
    return known.body;
  }
  if (!text) throw coded('The subscribe message has no query.', 'BAD_REQUEST');
  if (persisted?.mode === 'safelist' && !persisted.manifest.get(sha256Hex(text))) {
    throw coded(
      'Only operations from the persisted query manifest are accepted here; send its id.',
      PersistedErrorCode.OPERATION_NOT_IN_SAFELIST,
    );
  }
  return text;
}

/**
 * GraphQL subscriptions over graphql-ws (graphql-transport-ws) at the router's /graphql. The
 * connection is authenticated once, from `connection_init`'s `authorization`; a token that
 * does not verify closes it with 4403. Each subscription then runs through the same envelop
 * pipeline as HTTP operations, ending in the federated subscribe.
 */
export function attachRouterSubscriptions(options: RouterSubscriptionsOptions) {
  const log = options.logger.child({ component: 'subscriptions' });
  const wss = new WebSocketServer({ server: options.server, path: options.path ?? '/graphql' });
  wss.on('error', (error) => log.warn({ err: error }, 'websocket server error'));

  const disposable = useServer<Record<string, unknown> | undefined, ConnectionState>(
    {
      async onConnect(ctx) {
        const header = ctx.connectionParams?.authorization;
        const extra = ctx.extra as RouterExtra;
        try {
          extra.identity = await options.authenticate(typeof header === 'string' ? header : null);
        } catch {
          return false;
        }
        if (extra.identity) closeWhenExpired(extra, header as string);
        return true;
      },

      async onSubscribe(ctx, _id, payload) {
        const extra = ctx.extra as RouterExtra;
        let query: string;
        try {
          query = resolveQuery(payload as never, options.persisted);
        } catch (error) {
          return [error as GraphQLError];
        }

        const { parse, validate, schema, subscribe, execute } = options.getEnveloped({
          connectionParams: ctx.connectionParams,
        });
        let document;
        try {
          document = parse(query);
        } catch (error) {
          return [error as GraphQLError];
        }
        const errors = validate(schema, document);
        if (errors.length > 0) return [...errors];

        if (extra.expiresAt !== undefined && Date.now() >= extra.expiresAt) {
          return [coded('The token has expired; connect again with a new one.', 'UNAUTHENTICATED')];
        }
        const identity = extra.identity;
        const requestId = randomUUID();
        const transport: SubscriberTransport = {
          dropSlowConsumer: () =>
            extra.socket.close(SLOW_CONSUMER_CLOSE, 'Too many undelivered events'),
        };
        const contextValue: RouterContext & { transport: SubscriberTransport } = {
          requestId,
          identity,
          log: log.child({ requestId, userId: identity?.userId }),
          transport,
        };
        const args: ExecutionArgs = {
          schema,
          document,
          operationName: payload.operationName,
          variableValues: payload.variables,
          contextValue,
          rootValue: { subscribe, execute },
        };
        return args;
      },

      subscribe: (args) =>
        (args.rootValue as { subscribe: (a: ExecutionArgs) => never }).subscribe(args),
      execute: (args) => (args.rootValue as { execute: (a: ExecutionArgs) => never }).execute(args),
    },
    wss,
    options.keepAliveMs ?? 12_000,
  );

  return {
    get connections() {
      return wss.clients.size;
    },
    /** Closes every socket with 1001 (going away), so clients reconnect to another router. */
    async close(graceMs = 2_000) {
      const timer = setTimeout(() => {
        for (const socket of wss.clients) socket.terminate();
      }, graceMs);
      timer.unref();
      await disposable.dispose();
      clearTimeout(timer);
    },
  };
}

export { CloseCode };
