import { readFileSync } from 'node:fs';
import { ApolloGateway } from '@apollo/gateway';
import type { IdentitySigner, Logger } from '#shared';
import type { RouterMetrics } from './metrics.js';
import type { Agent } from 'undici';
import { createSubgraphAgent, SubgraphSource } from './subgraph-source.js';

export interface GatewayOptions {
  supergraphPath: string;
  /** Per-subgraph URL overrides; unset entries keep the supergraph's URL. */
  urlOverrides: Record<string, string | undefined>;
  signIdentity: IdentitySigner;
  logger: Logger;
  /** Longest a single subgraph fetch may take. Default 10 000 ms. */
  subgraphTimeoutMs?: number;
  metrics?: RouterMetrics;
  /** The connection pool to subgraphs; its owner closes it. */
  agent?: Agent;
  /** Filled with each subgraph's data source as the gateway builds it. */
  sources?: Map<string, SubgraphSource>;
}

/**
 * An Apollo Gateway over the committed supergraph: no runtime composition, no polling. Its
 * subgraph fetches go through `SubgraphSource`, which passes on only what the router
 * established (the request id, and the user's identity signed with the internal secret), so a
 * client cannot hand a subgraph an identity of its own making.
 */
export function createGateway(options: GatewayOptions): ApolloGateway {
  const supergraphSdl = readFileSync(options.supergraphPath, 'utf8');
  const logger = options.logger.child({ component: 'gateway' });
  const agent = options.agent ?? createSubgraphAgent();
  const { metrics } = options;

  return new ApolloGateway({
    supergraphSdl,
    logger: {
      debug: (message: unknown) => logger.debug(String(message)),
      info: (message: unknown) => logger.info(String(message)),
      warn: (message: unknown) => logger.warn(String(message)),
      error: (message: unknown) => logger.error(String(message)),
    },
    buildService: ({ name, url }) => {
      const source = new SubgraphSource({
        name,
        url: options.urlOverrides[name] ?? (url as string),
        agent,
        signIdentity: options.signIdentity,
        timeoutMs: options.subgraphTimeoutMs ?? 10_000,
        onFetch: metrics
          ? (subgraph, shared) => metrics.subgraphFetches.inc({ subgraph, shared: String(shared) })
          : undefined,
      });
      options.sources?.set(name, source);
      return source;
    },
  });
}
