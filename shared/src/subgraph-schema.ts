import { readFileSync } from 'node:fs';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse, type GraphQLSchema } from 'graphql';

/** Reads a subgraph's SDL, e.g. `readSchemaFile(new URL('../schema.graphql', import.meta.url))`. */
export function readSchemaFile(url: URL): string {
  return readFileSync(url, 'utf8');
}

/**
 * A Federation 2 subgraph schema from SDL and resolvers, whichever server hosts it. Resolvers
 * are typed where they are written, by the subgraph's generated `Resolvers` type.
 */
export function createSubgraphSchema(sdl: string, resolvers: object): GraphQLSchema {
  return buildSubgraphSchema({
    typeDefs: parse(sdl),
    resolvers: resolvers as Parameters<typeof buildSubgraphSchema>[0] extends {
      resolvers?: infer R;
    }
      ? R
      : never,
  });
}
