import { readFileSync } from 'node:fs';

/** The four subgraphs, the port each listens on by default, and where its schema lives. */
export const SUBGRAPHS = [
  { name: 'portfolio', port: 4001 },
  { name: 'trading', port: 4002 },
  { name: 'market', port: 4003 },
  { name: 'advice', port: 4004 },
] as const;

export type SubgraphName = (typeof SUBGRAPHS)[number]['name'];

export function schemaPath(name: string): URL {
  return new URL(`../subgraphs/${name}/schema.graphql`, import.meta.url);
}

export function readSubgraphSchema(name: string): string {
  return readFileSync(schemaPath(name), 'utf8');
}

export const SUPERGRAPH_PATH = new URL('../supergraph.graphql', import.meta.url);
