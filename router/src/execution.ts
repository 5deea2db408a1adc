import type { ApolloGateway } from '@apollo/gateway';
import { getOperationAST, print, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';

interface PreparedDocument {
  /** The gateway keys its query-plan cache by this text. */
  readonly text: string;
  readonly operations: Map<string, OperationDefinitionNode | null>;
}

/**
 * Executes operations through Apollo's gateway. Unlike `@envelop/apollo-federation`, it runs
 * the document it is handed at execution time, so plugins earlier in the pipeline (the response
 * cache adds `__typename` and `id` to learn which entities an answer shows) see their changes
 * executed; and it prints each distinct document once, not once per request.
 */
export function useFederatedExecution(gateway: ApolloGateway): Plugin {
  const prepared = new WeakMap<DocumentNode, PreparedDocument>();

  function prepare(document: DocumentNode): PreparedDocument {
    let entry = prepared.get(document);
    if (!entry) {
      entry = { text: print(document), operations: new Map() };
      prepared.set(document, entry);
    }
    return entry;
  }

  function operationOf(entry: PreparedDocument, document: DocumentNode, name: string | null) {
    const key = name ?? '';
    let operation = entry.operations.get(key);
    if (operation === undefined) {
      operation = getOperationAST(document, name) ?? null;
      entry.operations.set(key, operation);
    }
    return operation;
  }

  return {
    onPluginInit({ setSchema }) {
      if (gateway.schema) setSchema(gateway.schema);
      gateway.onSchemaLoadOrUpdate(({ apiSchema }) => setSchema(apiSchema));
    },
    onExecute({ setExecuteFn }) {
      setExecuteFn(async (args) => {
        const entry = prepare(args.document);
        const operationName = args.operationName ?? null;
        const operation = operationOf(entry, args.document, operationName);
        if (!operation) {
          throw new Error(`Operation ${operationName ?? ''} is not in the document.`);
        }

        return gateway.executor({
          document: args.document,
          request: {
            query: entry.text,
            operationName: operationName ?? undefined,
            variables: (args.variableValues ?? undefined) as Record<string, unknown> | undefined,
          },
          operationName,
          operation,
          queryHash: entry.text,
          source: entry.text,
          context: args.contextValue as Record<string, unknown>,
          schema: args.schema,
          logger: console,
          metrics: {},
          cache: undefined as never,
          overallCachePolicy: undefined as never,
        } as unknown as Parameters<ApolloGateway['executor']>[0]);
      });
    },
  };
}
