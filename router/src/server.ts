import { createServer, type Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import { useApolloFederation } from '@envelop/apollo-federation';
import type { ApolloGateway } from '@apollo/gateway';
import { createYoga, type Plugin } from 'graphql-yoga';
import { closeServer, listen, REQUEST_ID_HEADER, type Logger, type RunningHost } from '#shared';
import type { Authenticator } from './auth.js';
import type { RouterContext } from './context.js';
import { usePersistedOperations, type PersistedOperationsOptions } from './persisted/plugin.js';
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
}

const SAFE_REQUEST_ID = /^[\w.:-]{1,128}$/;

/** `/healthz` and `/readyz`, answered before GraphQL handling starts. */
function useProbes(isReady: () => boolean): Plugin {
  return {
    onRequest({ url, endResponse, fetchAPI }) {
      if (url.pathname === '/healthz') {
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
 * The router's request pipeline: GraphQL-over-HTTP by Yoga, execution by Apollo's gateway
 * through the envelop federation plugin. Later stages (persisted operations, response cache,
 * subscriptions) plug into the same envelop pipeline.
 */
export async function startRouterServer(options: RouterServerOptions): Promise<RunningHost> {
  const { gateway, authenticate, logger, port, host = '0.0.0.0', maskErrors = true } = options;
  await gateway.load();
  let draining = false;

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
    plugins: [
      useProbes(() => !draining),
      options.persisted ? usePersistedOperations(options.persisted) : {},
      useVariableCoercion(),
      useApolloFederation({ gateway, logger }),
    ],
    async context({ request }) {
      const incoming = request.headers.get(REQUEST_ID_HEADER);
      const requestId = incoming && SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
      const identity = await authenticate(request.headers.get('authorization'));
      return { requestId, identity, log: logger.child({ requestId, userId: identity?.userId }) };
    },
  });

  const server: Server = createServer(yoga);
  const bound = await listen(server, port, host);

  return {
    port: bound,
    url: `http://127.0.0.1:${bound}/graphql`,
    async close() {
      draining = true;
      await closeServer(server);
      await gateway.stop();
    },
  };
}
