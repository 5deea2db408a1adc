import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { GraphQLError } from 'graphql';
import { Agent } from 'undici';
import { IDENTITY_HEADER, REQUEST_ID_HEADER, type IdentitySigner } from '#shared';
import type { RouterContext } from './context.js';

type GatewayResponse = Awaited<ReturnType<GraphQLDataSource['process']>>;

export interface SubgraphSourceOptions {
  name: string;
  url: string;
  agent: Agent;
  signIdentity: IdentitySigner;
  timeoutMs: number;
  /** Counts fetches sent and fetches answered by one already in flight. */
  onFetch?: (subgraph: string, shared: boolean) => void;
}

/** Connections to every subgraph: kept alive, pooled, bounded per origin. */
export function createSubgraphAgent(connectionsPerOrigin = 128): Agent {
  return new Agent({
    connections: connectionsPerOrigin,
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 60_000,
  });
}

const MUTATION = /^\s*mutation\b/;

/** Distinct subgraph queries whose JSON encoding is kept; past it, the memo starts afresh. */
const MAX_ENCODED_QUERIES = 2_000;

/**
 * Sends the gateway's subgraph fetches over a pooled keep-alive connection, and sends each
 * distinct read only once while it is in flight: identical fetches (same subgraph, same user,
 * same query and variables) wait for the first one's answer, so a burst on one screen costs the
 * subgraph one request. Mutations are never shared. Every waiter parses its own copy, because
 * the gateway merges later fetches into the objects it is given.
 */
export class SubgraphSource implements GraphQLDataSource<RouterContext> {
  private readonly inFlight = new Map<string, Promise<SubgraphAnswer>>();
  /**
   * Each fetch's query comes from a cached plan, so the same few texts (often kilobytes) are
   * sent again and again: they are JSON-escaped once, not once per fetch.
   */
  private readonly encodedQueries = new Map<string, string>();
  private readonly origin: string;
  private readonly path: string;

  constructor(private readonly options: SubgraphSourceOptions) {
    const url = new URL(options.url);
    this.origin = url.origin;
    this.path = url.pathname + url.search;
  }

  get url(): string {
    return this.options.url;
  }

  async process(options: GraphQLDataSourceProcessOptions<RouterContext>): Promise<GatewayResponse> {
    const { request, context } = options;
    if (!request.query) throw new Error('Missing query');

    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (context?.requestId) headers[REQUEST_ID_HEADER] = context.requestId;
    if (context?.identity) {
      headers[IDENTITY_HEADER] = await this.options.signIdentity(context.identity);
    }
    const body = this.bodyOf(request);

    const answer = MUTATION.test(request.query)
      ? await this.send(body, headers)
      : await this.sendOnce(body, headers);
    return this.parse(answer);
  }

  /** The JSON body `JSON.stringify` would give, with the query's encoding reused. */
  private bodyOf(request: GraphQLDataSourceProcessOptions['request']): string {
    const query = request.query as string;
    let encoded = this.encodedQueries.get(query);
    if (encoded === undefined) {
      if (this.encodedQueries.size >= MAX_ENCODED_QUERIES) this.encodedQueries.clear();
      encoded = JSON.stringify(query);
      this.encodedQueries.set(query, encoded);
    }

    const rest = JSON.stringify({
      variables: request.variables,
      operationName: request.operationName,
      extensions: request.extensions,
    });
    return rest === '{}' ? `{"query":${encoded}}` : `{"query":${encoded},${rest.slice(1)}`;
  }

  private sendOnce(body: string, headers: Record<string, string>): Promise<SubgraphAnswer> {
    const key = `${headers[IDENTITY_HEADER] ?? ''}\n${body}`;
    const pending = this.inFlight.get(key);
    if (pending) {
      this.options.onFetch?.(this.options.name, true);
      return pending;
    }

    const sent = this.send(body, headers).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, sent);
    return sent;
  }

  private async send(body: string, headers: Record<string, string>): Promise<SubgraphAnswer> {
    this.options.onFetch?.(this.options.name, false);
    const { timeoutMs } = this.options;
    const response = await this.options.agent.request({
      origin: this.origin,
      path: this.path,
      method: 'POST',
      headers,
      body,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    const text = await response.body.text();
    return { status: response.statusCode, text };
  }

  private parse({ status, text }: SubgraphAnswer): GatewayResponse {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    const isResponse =
      typeof parsed === 'object' && parsed !== null && ('data' in parsed || 'errors' in parsed);
    // A GraphQL answer is used whatever the status: subgraphs send 400 with errors for input
    // they refuse, and the gateway reports those errors with the subgraph's name.
    if (isResponse) return parsed as GatewayResponse;
    throw new GraphQLError(`${this.options.name} answered ${status} without a GraphQL response`, {
      extensions: { code: 'SUBGRAPH_UNAVAILABLE', serviceName: this.options.name },
    });
  }
}

interface SubgraphAnswer {
  status: number;
  text: string;
}
