import { createServer, type Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { ApolloGateway } from '@apollo/gateway';
import { createYoga, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import {
  closeServer,
  listen,
  REQUEST_ID_HEADER,
  type Identity,
  type Logger,
  type RunningHost,
} from '#shared';
import type { Authenticator } from './auth.js';
import { createResponseCaching } from './cache/plugin.js';
import { cachePolicy } from './cache/policy.js';
import type { ResponseStore } from './cache/store.js';
import type { RouterContext } from './context.js';
import { PLAN_ONLY, useFederatedExecution } from './execution.js';
import type { RouterMetrics } from './metrics.js';
import type { FederatedSubscriptions } from './subscriptions/federated.js';
import { useFederatedSubscriptions } from './subscriptions/plugin.js';
import { attachRouterSubscriptions } from './subscriptions/server.js';
import type { ManifestOperation } from './persisted/manifest.js';
import { usePersistedOperations, type PersistedOperationsOptions } from './persisted/plugin.js';
import { useBodyLimit } from './plugins/body-limit.js';
import { useVariableCoercion } from './plugins/variables.js';

export interface RouterServerOptions {
  gateway: ApolloGateway;
  /** Persisted operations and the safelist; absent, any operation runs as sent. */
  persisted?: PersistedOperationsOptions;
  authenticate: Authenticator;
  logger: Logger;
  port: number;
  host?: string;
  /** Hide unexpected error messages from clients. Default true. */
  maskErrors?: boolean;
  /** Caches answers of persisted queries when given. */
  responseCache?: ResponseStore;
  /** Served at /metrics in Prometheus text format when given. */
  metrics?: RouterMetrics;
  /** Serves graphql-ws subscriptions at /graphql when given. */
  subscriptions?: FederatedSubscriptions;
}

/**
 * Runs every persisted operation through the pipeline once, planning but not executing it, so
 * that no client pays for planning: plans are cached under the key execution looks up.
 */
async function planAhead(
  yoga: YogaServerInstance<Record<string, unknown>, RouterContext>,
  operations: readonly ManifestOperation[],
  logger: Logger,
): Promise<void> {
  const started = performance.now();
  for (const operation of operations) {
    await yoga.fetch(
      'http://router.internal/graphql',
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ documentId: operation.id }),
      },
      { [PLAN_ONLY]: true },
    );
  }
  const ms = Math.round(performance.now() - started);
  logger.info({ operations: operations.length, ms }, 'persisted operations planned ahead');
}

const SAFE_REQUEST_ID = /^[\w.:-]{1,128}$/;

/** `/healthz`, `/readyz` and `/metrics`, answered before GraphQL handling starts. */
function useProbes(isReady: () => boolean, metrics: RouterMetrics | undefined): Plugin {
  return {
    async onRequest({ url, endResponse, fetchAPI }) {
      if (url.pathname === '/metrics' && metrics) {
        endResponse(
          new fetchAPI.Response(await metrics.registry.metrics(), {
            headers: { 'content-type': metrics.registry.contentType },
          }),
        );
      } else if (url.pathname === '/healthz') {
        endResponse(Response.json({ status: 'ok' }));
      } else if (url.pathname === '/readyz') {
        const ready = isReady();
        endResponse(
          new fetchAPI.Response(
            JSON.stringify({ ready, checks: { supergraph: ready ? 'ok' : 'loading' } }),
            {
              status: ready ? 200 : 503,
              headers: { 'content-type': 'application/json' },
            },
          ),
        );
      }
    },
  };
}

/**
 * The router's request pipeline: GraphQL-over-HTTP by Yoga; persisted operations, then the
 * response cache (which answers hits before parsing), variable coercion, and execution by
 * Apollo's gateway, all in one envelop pipeline.
 */
export async function startRouterServer(options: RouterServerOptions): Promise<RunningHost> {
  const { gateway, authenticate, logger, port, host = '0.0.0.0', maskErrors = true } = options;
  await gateway.load();
  let draining = false;

  // The response cache needs the user before the context exists; both share one verification.
  const identities = new WeakMap<Request, Promise<Identity | undefined>>();
  const identify = (request: Request) => {
    let identity = identities.get(request);
    if (!identity) {
      identity = authenticate(request.headers.get('authorization'));
      identities.set(request, identity);
    }
    return identity;
  };

  const caching =
    options.persisted && options.responseCache
      ? createResponseCaching({
          store: options.responseCache,
          policy: cachePolicy,
          manifest: options.persisted.manifest,
          identify,
          authenticate,
          schema: () => gateway.schema,
          metrics: options.metrics,
          logger,
        })
      : undefined;

  const yoga = createYoga<Record<string, unknown>, RouterContext>({
    graphqlEndpoint: '/graphql',
    landingPage: false,
    graphiql: false,
    healthCheckEndpoint: '/healthz',
    maskedErrors: maskErrors,
    logging: {
      debug: (...args) => logger.debug({ detail: args.slice(1) }, String(args[0])),
      info: (...args) => logger.info({ detail: args.slice(1) }, String(args[0])),
      warn: (...args) => logger.warn({ detail: args.slice(1) }, String(args[0])),
      error: (...args) => logger.error({ detail: args.slice(1) }, String(args[0])),
    },
    extraParamNames: ['documentId'],
    // Bodies are bounded by their declared length instead (useBodyLimit): Yoga's own limit
    // streams every body through a counter, most of its cost for a small query.
    maxRequestBodySize: false,
    plugins: [
      useBodyLimit(),
      useProbes(() => !draining, options.metrics),
      options.persisted ? usePersistedOperations(options.persisted) : {},
      // Before the cache: its execute hook wraps this one to run the document it annotated.
      useFederatedExecution(gateway),
      caching?.plugin ?? {},
      useVariableCoercion(),
      options.subscriptions ? useFederatedSubscriptions(options.subscriptions) : {},
    ],
    async context({ request }) {
      const incoming = request.headers.get(REQUEST_ID_HEADER);
      const requestId = incoming && SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
      const identity = await identify(request);
      return { requestId, identity, log: logger.child({ requestId, userId: identity?.userId }) };
    },
  });

  if (options.persisted) {
    const { manifest } = options.persisted;
    manifest.onLoad((operations) => void planAhead(yoga, operations, logger));
  }

  // Cache hits of persisted GETs are answered before Yoga: the cheapest request there is.
  const fastPath = caching?.fastPath;
  const server: Server = createServer((request, response) => {
    if (!fastPath || request.method !== 'GET') {
      void yoga(request, response);
      return;
    }
    fastPath(request, response).then(
      (served) => {
        if (!served) void yoga(request, response);
      },
      () => void yoga(request, response),
    );
  });
  const sockets =
    options.subscriptions &&
    attachRouterSubscriptions({
      server,
      getEnveloped: yoga.getEnveloped as never,
      authenticate,
      persisted: options.persisted,
      logger,
    });
  const bound = await listen(server, port, host);

  return {
    port: bound,
    url: `http://127.0.0.1:${bound}/graphql`,
    async close() {
      draining = true;
      // Sockets first: an upgraded connection is no longer the HTTP server's to wait for.
      await sockets?.close();
      await closeServer(server);
      await gateway.stop();
    },
  };
}
