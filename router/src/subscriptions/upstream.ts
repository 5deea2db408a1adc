import { createClient, type Client, type ExecutionResult } from 'graphql-ws';
import WebSocket from 'ws';
import type { Logger } from '#shared';

export interface UpstreamRequest {
  query: string;
  variables: Record<string, unknown>;
  operationName?: string | undefined;
  /**
   * Read each time the subscribe message is sent, also when it is sent again after a
   * reconnect: signed identities expire, so a re-subscription must carry a fresh one.
   */
  extensions: () => Record<string, unknown>;
}

export interface UpstreamSink {
  next(result: ExecutionResult): void;
  error(error: unknown): void;
  complete(): void;
}

/**
 * One graphql-ws connection per subgraph, carrying every subscription this router forwards to
 * it. When a subgraph restarts, the connection is re-established and every active subscription
 * is sent again, so clients of the router keep receiving without noticing.
 */
export class UpstreamSubscriptions {
  private readonly clients = new Map<string, Client>();

  constructor(
    private readonly urls: Record<string, string>,
    private readonly logger: Logger,
  ) {}

  subscribe(subgraph: string, request: UpstreamRequest, sink: UpstreamSink): () => void {
    const payload = {
      query: request.query,
      variables: request.variables,
      operationName: request.operationName,
    };
    // graphql-ws serialises the payload for every (re)send; the getter gives each a fresh value.
    Object.defineProperty(payload, 'extensions', { enumerable: true, get: request.extensions });
    return this.client(subgraph).subscribe(payload, sink);
  }

  async close(): Promise<void> {
    await Promise.all([...this.clients.values()].map((client) => client.dispose()));
    this.clients.clear();
  }

  private client(subgraph: string): Client {
    let client = this.clients.get(subgraph);
    if (client) return client;

    const url = this.urls[subgraph];
    if (!url) throw new Error(`No URL is known for subgraph ${subgraph}.`);
    const log = this.logger.child({ component: 'upstream-subscriptions', subgraph });
    client = createClient({
      url: url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      lazy: true,
      // Keep the socket a little after the last subscription ends: subscribers come and go.
      lazyCloseTimeout: 5_000,
      keepAlive: 10_000,
      retryAttempts: Number.POSITIVE_INFINITY,
      shouldRetry: () => true,
      retryWait: async (retries) => {
        const ms = Math.min(200 * 2 ** retries, 3_000);
        await new Promise((resolve) => setTimeout(resolve, ms));
      },
      on: {
        connected: () => log.debug('connected'),
        closed: (event) => log.debug({ code: (event as { code?: number }).code }, 'closed'),
      },
    });
    this.clients.set(subgraph, client);
    return client;
  }
}
