import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Supergraph } from '@apollo/federation-internals';
import {
  Kind,
  parse,
  print,
  validate,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';

export const PERSISTED_DIR = fileURLToPath(new URL('../persisted-queries/', import.meta.url));
export const MANIFEST_PATH = path.join(PERSISTED_DIR, 'manifest.json');

/** Which client ships an operation: the folder it lives in. */
export const CLIENTS = ['web', 'mobile'] as const;
export type Client = (typeof CLIENTS)[number];

export interface PersistedOperation {
  client: Client;
  file: string;
  name: string;
  type: 'query' | 'mutation' | 'subscription';
  /** The operation as printed by graphql-js: the exact text that is hashed and executed. */
  body: string;
  /** sha256 of `body`, hex: the id clients send. */
  id: string;
}

/** Apollo's persisted query manifest format, as Apollo Client, iOS and Kotlin understand it. */
export interface PersistedQueryManifest {
  format: 'apollo-persisted-query-manifest';
  version: 1;
  operations: { id: string; name: string; type: string; body: string }[];
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Every operation under persisted-queries/<client>/, one named operation per file. */
export function readPersistedOperations(): PersistedOperation[] {
  const operations: PersistedOperation[] = [];
  for (const client of CLIENTS) {
    const folder = path.join(PERSISTED_DIR, client);
    for (const file of readdirSync(folder)
      .filter((name) => name.endsWith('.graphql'))
      .sort()) {
      const document = parse(readFileSync(path.join(folder, file), 'utf8'));
      const definitions = document.definitions.filter(
        (definition): definition is OperationDefinitionNode =>
          definition.kind === Kind.OPERATION_DEFINITION,
      );
      const [operation] = definitions;
      if (definitions.length !== 1 || !operation?.name) {
        throw new Error(`${client}/${file} must hold exactly one named operation.`);
      }
      const body = print(document);
      operations.push({
        client,
        file: `${client}/${file}`,
        name: operation.name.value,
        type: operation.operation,
        body,
        id: sha256(body),
      });
    }
  }

  const names = new Set<string>();
  for (const operation of operations) {
    if (names.has(operation.name))
      throw new Error(`Operation name ${operation.name} is used twice.`);
    names.add(operation.name);
  }
  return operations;
}

export function buildManifest(operations: readonly PersistedOperation[]): PersistedQueryManifest {
  return {
    format: 'apollo-persisted-query-manifest',
    version: 1,
    operations: [...operations]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map(({ id, name, type, body }) => ({ id, name, type, body })),
  };
}

export function manifestText(manifest: PersistedQueryManifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/** The schema clients see: the supergraph without federation's and @inaccessible elements. */
export function apiSchemaOf(supergraphSdl: string): GraphQLSchema {
  return Supergraph.build(supergraphSdl).apiSchema().toGraphQLJSSchema();
}

/** Each operation that does not validate against `schema`, with the reasons. */
export function invalidOperations(
  schema: GraphQLSchema,
  operations: readonly PersistedOperation[],
): { operation: PersistedOperation; errors: string[] }[] {
  return operations.flatMap((operation) => {
    const errors = validate(schema, parse(operation.body)).map((error) => error.message);
    return errors.length > 0 ? [{ operation, errors }] : [];
  });
}
