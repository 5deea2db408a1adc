import { createHash } from 'node:crypto';
import type { ApolloGateway } from '@apollo/gateway';
import { operationFromDocument } from '@apollo/federation-internals';
import {
  getOperationAST,
  GraphQLError,
  Kind,
  print,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';

/**
 * Set in the server context of a request the router sends itself when the manifest loads: the
 * operation is planned, and the plan cached, but not executed. Clients cannot set it.
 */
export const PLAN_ONLY = Symbol.for('moneta.planOnly');

/** The parts of Apollo's gateway that planning ahead needs; they are not in its typings. */
interface GatewayInternals {
  apiSchema?: { toGraphQLJSSchema(): GraphQLSchema } & Parameters<typeof operationFromDocument>[0];
  queryPlanStore: {
    get(key: string): Promise<unknown>;
    set(key: string, plan: unknown): Promise<void>;
  };
}

export function isPlanOnly(context: unknown): boolean {
  return (
    typeof context === 'object' &&
    context !== null &&
    (context as Record<symbol, unknown>)[PLAN_ONLY] === true
  );
}

interface PreparedDocument {
  /** The gateway keys its query-plan cache by this text. */
  readonly text: string;
  /** Whether the document holds one operation only, so the gateway needs no name to pick it. */
  readonly single: boolean;
  readonly operations: Map<string, OperationDefinitionNode | null>;
}

/**
 * The key the gateway's executor looks a plan up by. Given an operation name, it hashes the
 * text and the name with SHA-256 on every request (through a `require` that a loader such as
 * tsx makes slow); without one, the text itself is the key. So the name is passed on only when
 * the document needs it to pick its operation.
 */
function planKeyOf(entry: PreparedDocument, operationName: string | null): string {
  const name = requestOperationName(entry, operationName);
  return name ? createHash('sha256').update(entry.text).update(name).digest('hex') : entry.text;
}

function requestOperationName(entry: PreparedDocument, operationName: string | null) {
  return entry.single ? undefined : (operationName ?? undefined);
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
      const count = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION).length;
      entry = { text: print(document), single: count === 1, operations: new Map() };
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

  /** Plans as the gateway's executor would, under the key it would look the plan up by. */
  async function planAhead(
    document: DocumentNode,
    entry: PreparedDocument,
    operationName: string | null,
  ) {
    const internals = gateway as unknown as GatewayInternals;
    const planner = gateway.__testing().queryPlanner;
    if (!planner || !internals.apiSchema) return;
    const key = planKeyOf(entry, operationName);
    if (await internals.queryPlanStore.get(key)) return;
    const operation = operationFromDocument(internals.apiSchema, document, {
      operationName: operationName ?? undefined,
    });
    await internals.queryPlanStore.set(key, planner.buildQueryPlan(operation));
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
        if (isPlanOnly(args.contextValue)) {
          await planAhead(args.document, entry, operationName);
          // An error keeps the response cache from storing this non-answer.
          return { errors: [new GraphQLError('planned, not executed')] };
        }

        return gateway.executor({
          document: args.document,
          request: {
            query: entry.text,
            operationName: requestOperationName(entry, operationName),
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
