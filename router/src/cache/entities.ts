import {
  getNamedType,
  isAbstractType,
  isObjectType,
  Kind,
  type ExecutionArgs,
  type ExecutionResult,
  type GraphQLObjectType,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import { getArgumentValues } from 'graphql/execution/values.js';
import type { CachePolicy } from './policy.js';

export interface Entity {
  typename: string;
  id: string;
}

/**
 * The entities a mutation changed: every object with an `id` in its answer, and what the
 * policy derives from its root fields' arguments (a placed order's portfolio).
 */
export function mutationEntities(
  schema: GraphQLSchema,
  args: ExecutionArgs,
  result: ExecutionResult,
  policy: CachePolicy,
): Entity[] {
  const mutationType = schema.getMutationType();
  const operation = args.document.definitions.find(
    (node) =>
      node.kind === Kind.OPERATION_DEFINITION &&
      (args.operationName == null || node.name?.value === args.operationName),
  );
  if (!mutationType || operation?.kind !== Kind.OPERATION_DEFINITION) return [];

  const found = new Map<string, Entity>();
  const add = (entity: Entity) => found.set(`${entity.typename}:${entity.id}`, entity);
  const variables = (args.variableValues ?? {}) as Record<string, unknown>;

  for (const selection of operation.selectionSet.selections) {
    if (selection.kind !== Kind.FIELD) continue;
    const field = mutationType.getFields()[selection.name.value];
    const effect = policy.mutationEffects[selection.name.value];
    if (field && effect) {
      try {
        for (const entity of effect(getArgumentValues(field, selection, variables))) add(entity);
      } catch {
        // Arguments that do not coerce were refused before execution; nothing to derive.
      }
    }
  }

  walk(schema, mutationType, operation.selectionSet, result.data, add);
  return [...found.values()];
}

function walk(
  schema: GraphQLSchema,
  type: GraphQLObjectType,
  selectionSet: SelectionSetNode,
  data: unknown,
  add: (entity: Entity) => void,
): void {
  if (Array.isArray(data)) {
    for (const item of data) walk(schema, type, selectionSet, item, add);
    return;
  }
  if (typeof data !== 'object' || data === null) return;
  const record = data as Record<string, unknown>;

  if (type.getFields().id && typeof record.id === 'string') {
    add({ typename: type.name, id: record.id });
  }

  for (const selection of selectionSet.selections) {
    if (selection.kind !== Kind.FIELD || !selection.selectionSet) continue;
    const fieldType = type.getFields()[selection.name.value]?.type;
    const named = fieldType && getNamedType(fieldType);
    const value = record[selection.alias?.value ?? selection.name.value];
    if (isObjectType(named)) {
      walk(schema, named, selection.selectionSet, value, add);
    } else if (named && isAbstractType(named)) {
      // Only when the answer names its concrete type can its entities be named.
      const concrete = (item: unknown) => {
        const typename = (item as { __typename?: unknown } | null)?.__typename;
        const resolved = typeof typename === 'string' ? schema.getType(typename) : undefined;
        if (isObjectType(resolved)) walk(schema, resolved, selection.selectionSet!, item, add);
      };
      if (Array.isArray(value)) value.forEach(concrete);
      else concrete(value);
    }
  }
}
