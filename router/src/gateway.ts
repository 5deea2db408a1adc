import { readFileSync } from 'node:fs';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { IDENTITY_HEADER, REQUEST_ID_HEADER, type IdentitySigner, type Logger } from '#shared';
import type { RouterContext } from './context.js';

export interface GatewayOptions {
  supergraphPath: string;
  /** Per-subgraph URL overrides; unset entries keep the supergraph's URL. */
  urlOverrides: Record<string, string | undefined>;
  signIdentity: IdentitySigner;
  logger: Logger;
  /** Longest a single subgraph fetch may take. Default 10 000 ms. */
  subgraphTimeoutMs?: number;
}

/**
 * Passes on to every subgraph what the router established: the request id, and the user's
 * identity signed with the internal secret. Nothing the client sent is forwarded, so a client
 * cannot hand a subgraph an identity of its own making.
 */
class IdentityForwardingDataSource extends RemoteGraphQLDataSource<RouterContext> {
  constructor(
    url: string,
    private readonly signIdentity: IdentitySigner,
    timeoutMs: number,
  ) {
    super({
      url,
      // Node's fetch keeps connections to each subgraph alive and pooled; the signal bounds
      // how long one subgraph may hold a client's request.
      fetcher: ((input: string, init?: RequestInit) =>
        fetch(input, { ...init, signal: AbortSignal.timeout(timeoutMs) })) as never,
    });
  }

  override async willSendRequest({
    request,
    context,
  }: Parameters<RemoteGraphQLDataSource<RouterContext>['willSendRequest'] & {}>[0]) {
    const headers = request.http?.headers;
    if (!headers || !context?.requestId) return;
    headers.set(REQUEST_ID_HEADER, context.requestId);
    if (context.identity) headers.set(IDENTITY_HEADER, await this.signIdentity(context.identity));
  }
}

/** An Apollo Gateway over the committed supergraph: no runtime composition, no polling. */
export function createGateway(options: GatewayOptions): ApolloGateway {
  const supergraphSdl = readFileSync(options.supergraphPath, 'utf8');
  const logger = options.logger.child({ component: 'gateway' });

  return new ApolloGateway({
    supergraphSdl,
    logger: {
      debug: (message: unknown) => logger.debug(String(message)),
      info: (message: unknown) => logger.info(String(message)),
      warn: (message: unknown) => logger.warn(String(message)),
      error: (message: unknown) => logger.error(String(message)),
    },
    buildService: ({ name, url }) =>
      new IdentityForwardingDataSource(
        options.urlOverrides[name] ?? (url as string),
        options.signIdentity,
        options.subgraphTimeoutMs ?? 10_000,
      ),
  });
}
