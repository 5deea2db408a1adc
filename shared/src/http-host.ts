import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, HeaderMap, type BaseContext as ApolloContext } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import type { GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import { ENTITY_EVENTS_PATH, type EntityEventStream } from './event-stream.js';
import type { Health } from './health.js';
import type { ServiceMetrics } from './metrics.js';
import { attachSubscriptionServer } from './subscription-server.js';

export interface ApolloHostOptions<Context extends ApolloContext> {
  apollo: ApolloServer<Context>;
  /** Builds a request's context from its headers. */
  context: (header: (name: string) => string | undefined) => Promise<Context>;
  health: Health;
  /** Served at /metrics in Prometheus text format when given. */
  metrics?: ServiceMetrics;
  /** Streams entity-changed events to routers at /_events when given. */
  entityEvents?: EntityEventStream;
  logger: Logger;
  port: number;
  host?: string;
  /** Largest request body accepted. Default 1 MiB. */
  maxBodyBytes?: number;
  /**
   * Serves subscriptions of this schema over graphql-ws at /graphql, each operation with a
   * context built by `context` as for HTTP. Pass the schema Apollo was created with.
   */
  subscriptions?: { schema: GraphQLSchema };
}

export interface RunningHost {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

class BodyTooLarge extends Error {}

/**
 * Apollo Server for a subgraph. Inline tracing is off: nothing here reports to Apollo's cloud,
 * and the traces would only add bytes to every response.
 */
export function createSubgraphApollo<Context extends ApolloContext>(
  schema: GraphQLSchema,
): ApolloServer<Context> {
  return new ApolloServer<Context>({
    schema,
    includeStacktraceInErrorResponses: false,
    // Signals belong to the service's own shutdown, which stops Apollo in its turn.
    stopOnTerminationSignals: false,
    plugins: [ApolloServerPluginInlineTraceDisabled()],
  });
}

function readBody(request: IncomingMessage, maxBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        reject(new BodyTooLarge());
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function sendJson(response: ServerResponse, status: number, payload: unknown): void {
  const body = JSON.stringify(payload);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  response.end(body);
}

function sendError(response: ServerResponse, status: number, code: string, message: string) {
  sendJson(response, status, { errors: [{ message, extensions: { code } }] });
}

/**
 * Serves an Apollo subgraph on plain node:http with the probes every service has. Apollo Server
 * needs no web framework for this, and one fewer layer is one fewer thing in each request's path.
 */
export async function hostApollo<Context extends ApolloContext>(
  options: ApolloHostOptions<Context>,
): Promise<RunningHost> {
  const {
    apollo,
    context,
    health,
    logger,
    port,
    host = '0.0.0.0',
    maxBodyBytes = 1 << 20,
  } = options;
  await apollo.start();

  async function handleGraphQL(request: IncomingMessage, response: ServerResponse, url: URL) {
    const headers = new HeaderMap();
    for (const [name, value] of Object.entries(request.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }

    let body: unknown;
    if (request.method === 'POST') {
      const text = await readBody(request, maxBodyBytes);
      try {
        body = text.length ? JSON.parse(text) : undefined;
      } catch {
        sendError(response, 400, 'BAD_REQUEST', 'The request body is not valid JSON.');
        return;
      }
    }

    const result = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: request.method ?? 'GET', headers, search: url.search, body },
      context: () => context((name) => headers.get(name)),
    });

    for (const [name, value] of result.headers) response.setHeader(name, value);
    response.statusCode = result.status ?? 200;
    if (result.body.kind === 'complete') {
      response.end(result.body.string);
      return;
    }
    for await (const chunk of result.body.asyncIterator) response.write(chunk);
    response.end();
  }

  async function route(request: IncomingMessage, response: ServerResponse) {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname === '/healthz') return sendJson(response, 200, { status: 'ok' });
    if (url.pathname === '/readyz') {
      const report = await health.readiness();
      return sendJson(response, report.ready ? 200 : 503, report);
    }
    if (url.pathname === '/graphql') return handleGraphQL(request, response, url);
    if (url.pathname === ENTITY_EVENTS_PATH && options.entityEvents) {
      return options.entityEvents.handle(request, response);
    }
    if (url.pathname === '/metrics' && options.metrics) {
      const { registry } = options.metrics;
      response.writeHead(200, { 'content-type': registry.contentType });
      response.end(await registry.metrics());
      return;
    }
    sendError(response, 404, 'NOT_FOUND', `Nothing is served at ${url.pathname}; try /graphql.`);
  }

  const server: Server = createServer((request, response) => {
    route(request, response).catch((error: unknown) => {
      if (error instanceof BodyTooLarge) {
        sendError(
          response,
          413,
          'PAYLOAD_TOO_LARGE',
          `Request bodies are limited to ${maxBodyBytes} bytes.`,
        );
        return;
      }
      logger.error({ err: error }, 'unhandled error while serving a request');
      if (!response.headersSent)
        sendError(response, 500, 'INTERNAL_SERVER_ERROR', 'Internal error.');
      else response.end();
    });
  });
  const subscriptions =
    options.subscriptions &&
    attachSubscriptionServer({
      server,
      schema: options.subscriptions.schema,
      context,
      logger,
    });

  const bound = await listen(server, port, host);
  return {
    port: bound,
    url: `http://127.0.0.1:${bound}/graphql`,
    async close() {
      health.drain();
      // Sockets first: an upgraded connection is no longer the HTTP server's to wait for.
      await subscriptions?.close();
      options.entityEvents?.close();
      await closeServer(server);
      await apollo.stop();
    },
  };
}

/**
 * Listens and resolves with the bound port (useful with port 0), or rejects when the port is
 * taken. Keep-alive outlasts typical load balancer idle timeouts (60 s), so they close first.
 */
export async function listen(server: Server, port: number, host: string): Promise<number> {
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // A deep accept queue: a crowd reconnecting at once (a router restart, market open) should
    // wait to be accepted, not be refused.
    server.listen({ port, host, backlog: 4_096 }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

/**
 * Stops accepting, drops idle keep-alive connections, and gives requests in flight `graceMs`
 * to finish before their connections are closed too: a peer's pooled keep-alive connection
 * must not hold a shutdown open.
 */
export function closeServer(server: Server, graceMs = 3_000): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(() => server.closeAllConnections(), graceMs);
    timer.unref();
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    server.closeIdleConnections();
  });
}
