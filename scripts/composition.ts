import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { SUBGRAPHS, readSubgraphSchema } from './subgraphs.js';

export type CompositionResult =
  { ok: true; supergraphSdl: string } | { ok: false; errors: string[] };

/**
 * Composes the subgraphs' schemas as they are in the working tree. Default URLs go into the
 * supergraph; deployments override them per subgraph from the environment.
 */
export function composeSupergraph(
  overrides: Partial<Record<string, string>> = {},
): CompositionResult {
  const services = SUBGRAPHS.map(({ name, port }) => ({
    name,
    url: `http://127.0.0.1:${port}/graphql`,
    typeDefs: parse(overrides[name] ?? readSubgraphSchema(name)),
  }));

  const result = composeServices(services);
  if (result.errors) {
    return { ok: false, errors: result.errors.map((error) => error.message) };
  }
  return { ok: true, supergraphSdl: `${result.supergraphSdl.trimEnd()}\n` };
}
