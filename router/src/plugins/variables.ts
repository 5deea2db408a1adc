import {
  getOperationAST,
  getVariableValues,
  GraphQLError,
  type DocumentNode,
  type VariableDefinitionNode,
} from 'graphql';
import { MapperKind, mapSchema } from '@graphql-tools/utils';
import type { GraphQLSchema } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { DateScalar, DateTimeScalar, DecimalScalar } from '#shared';
import { isPlanOnly } from '../execution.js';
import { RouterErrorCode } from '../errors.js';

const SCALARS = new Map([DecimalScalar, DateTimeScalar, DateScalar].map((s) => [s.name, s]));

/**
 * The supergraph's API schema knows custom scalars by name only. For checking variables the
 * router swaps in the real definitions, so a float sent as a Decimal is refused here, before
 * any subgraph is called. Execution still uses the gateway's own schema.
 */
const coercionSchemas = new WeakMap<GraphQLSchema, GraphQLSchema>();

function coercionSchemaFor(schema: GraphQLSchema): GraphQLSchema {
  let mapped = coercionSchemas.get(schema);
  if (!mapped) {
    mapped = mapSchema(schema, {
      [MapperKind.SCALAR_TYPE]: (type) => SCALARS.get(type.name) ?? type,
    });
    coercionSchemas.set(schema, mapped);
  }
  return mapped;
}

type Definitions = readonly VariableDefinitionNode[];

/** Variable definitions of each operation, found once per parsed document (Yoga reuses those). */
const definitionsByDocument = new WeakMap<DocumentNode, Map<string, Definitions>>();

function variableDefinitionsOf(document: DocumentNode, operationName: string | undefined) {
  let byName = definitionsByDocument.get(document);
  if (!byName) {
    byName = new Map();
    definitionsByDocument.set(document, byName);
  }

  let definitions = byName.get(operationName ?? '');
  if (!definitions) {
    definitions = getOperationAST(document, operationName)?.variableDefinitions ?? [];
    byName.set(operationName ?? '', definitions);
  }
  return definitions;
}

/**
 * Coerces variables before the gateway plans anything. Apollo's gateway reports bad variables
 * as bare errors in a 200 response; GraphQL-over-HTTP calls them request errors, so they are
 * answered here with 400 and BAD_USER_INPUT, naming the variable.
 */
export function useVariableCoercion(): Plugin {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      // Planning ahead runs without variables; nothing executes.
      if (isPlanOnly(args.contextValue)) return;
      const definitions = variableDefinitionsOf(args.document, args.operationName ?? undefined);
      if (definitions.length === 0) return;

      const schema = coercionSchemaFor(args.schema);
      const coerced = getVariableValues(schema, definitions, args.variableValues ?? {}, {
        maxErrors: 20,
      });
      if (!coerced.errors) return;

      setResultAndStopExecution({
        errors: coerced.errors.map(
          (error) =>
            new GraphQLError(error.message, {
              nodes: error.nodes,
              extensions: { code: RouterErrorCode.BAD_USER_INPUT, http: { status: 400 } },
            }),
        ),
      });
    },
  };
}
