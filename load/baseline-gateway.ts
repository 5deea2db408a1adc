/**
 * The benchmark's baseline: a plain Apollo Gateway on Apollo Server's standalone HTTP server,
 * over the same supergraph.graphql and subgraphs as the router, with default settings. It does
 * what any deployment over these subgraphs must do and nothing more: verify the user's JWT and
 * forward a signed identity on every subgraph fetch, else private operations fail.
 *
 * Run by load/bench.ts as its own process: BASELINE_PORT, <NAME>_URL for each subgraph.
 */
import { readFileSync } from 'node:fs';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { jwtVerify } from 'jose';
import { createIdentitySigner, DEV_IDENTITY_SECRET, IDENTITY_HEADER, type Identity } from '#shared';
import { DEV_JWT_SECRET } from '../router/src/config.js';

interface BaselineContext {
  identity?: Identity;
}

const signIdentity = createIdentitySigner({
  secret: process.env.INTERNAL_IDENTITY_SECRET ?? DEV_IDENTITY_SECRET,
});
const jwtKey = new TextEncoder().encode(process.env.JWT_SECRET ?? DEV_JWT_SECRET);

class IdentityDataSource extends RemoteGraphQLDataSource<BaselineContext> {
  override async willSendRequest({
    request,
    context,
  }: Parameters<RemoteGraphQLDataSource<BaselineContext>['willSendRequest'] & {}>[0]) {
    if (context?.identity) {
      request.http?.headers.set(IDENTITY_HEADER, await signIdentity(context.identity));
    }
  }
}

async function identityOf(authorization: string | undefined): Promise<Identity | undefined> {
  if (!authorization?.startsWith('Bearer ')) return undefined;
  const { payload } = await jwtVerify(authorization.slice(7), jwtKey, { algorithms: ['HS256'] });
  if (typeof payload.sub !== 'string') return undefined;
  const username =
    typeof payload.preferred_username === 'string' ? payload.preferred_username : undefined;
  return { userId: payload.sub, username };
}

const gateway = new ApolloGateway({
  supergraphSdl: readFileSync(new URL('../supergraph.graphql', import.meta.url), 'utf8'),
  buildService: ({ name, url }) =>
    new IdentityDataSource({ url: process.env[`${name.toUpperCase()}_URL`] ?? url }),
});
const server = new ApolloServer<BaselineContext>({ gateway });
const { url } = await startStandaloneServer(server, {
  listen: { port: Number(process.env.BASELINE_PORT ?? 4100), host: '127.0.0.1' },
  context: async ({ req }) => ({ identity: await identityOf(req.headers.authorization) }),
});
process.send?.({ url });

// Started by the benchmark: when it goes away, so does the baseline.
process.on('disconnect', () => void server.stop().finally(() => process.exit(0)));
process.on('SIGTERM', () => void server.stop().finally(() => process.exit(0)));
