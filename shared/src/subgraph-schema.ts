import { readFileSync } from 'node:fs';
import { buildSubgraphSchema } from '@apollo/subgraph';
import {
  parse,
  type GraphQLResolveInfo,
  type GraphQLScalarType,
  type GraphQLSchema,
} from 'graphql';

/**
 * A resolver of any field. Parent and arguments are typed `never` here so that each resolver can
 * declare the precise types it receives; generated types replace these once codegen lands.
 */
export type FieldResolver<Context> = (
  parent: never,
  args: never,
  context: Context,
  info: GraphQLResolveInfo,
) => unknown;

export type ResolverMap<Context> = Record<
  string,
  GraphQLScalarType | Record<string, FieldResolver<Context> | { subscribe: FieldResolver<Context> }>
>;

/** Reads a subgraph's SDL file, e.g. `readSchemaFile(new URL('../schema.graphql', import.meta.url))`. */
export function readSchemaFile(url: URL): string {
  return readFileSync(url, 'utf8');
}

/** A Federation 2 subgraph schema from SDL and resolvers, whichever server hosts it. */
export function createSubgraphSchema<Context>(
  sdl: string,
  resolvers: ResolverMap<Context>,
): GraphQLSchema {
  return buildSubgraphSchema({
    typeDefs: parse(sdl),
    resolvers: resolvers as Parameters<typeof buildSubgraphSchema>[0] extends {
      resolvers?: infer R;
    }
      ? R
      : never,
  });
}
