import {
  getNamedType,
  isCompositeType,
  parse,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type GraphQLSchema,
} from 'graphql';
import type { CachePolicy } from './policy.js';

export interface CacheClass {
  /** `public`: one answer for everyone; `private`: one per user. */
  readonly scope: 'public' | 'private';
  /** The shortest TTL of the fields the operation selects (types are added at execution). */
  readonly maxAgeMs: number;
}

/**
 * Decides, from a persisted query's text alone, whether its answer may be shared between users
 * and how long it may live at most. Deny by default: one field not known to be public makes
 * the whole operation private.
 */
export function classifyOperation(
  schema: GraphQLSchema,
  query: string | DocumentNode,
  policy: CachePolicy,
): CacheClass | undefined {
  const document = typeof query === 'string' ? parse(query) : query;
  const operation = document.definitions.find((node) => node.kind === 'OperationDefinition');
  if (!operation || operation.operation === 'mutation') return undefined;

  const publicTypes = new Set(policy.publicTypes);
  const publicRoots = new Set(policy.publicRootFields);
  const privateFields = new Set(policy.privateFields);
  let scope: CacheClass['scope'] = 'public';
  let maxAgeMs = Number.POSITIVE_INFINITY;
  const typeInfo = new TypeInfo(schema);

  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        const parent = typeInfo.getParentType();
        if (!parent || node.name.value.startsWith('__')) return;
        const coordinate = `${parent.name}.${node.name.value}`;
        const isRoot = parent === schema.getQueryType() || parent === schema.getSubscriptionType();
        const isPublic = isRoot
          ? publicRoots.has(coordinate)
          : publicTypes.has(parent.name) && !privateFields.has(coordinate);
        if (!isPublic) scope = 'private';

        const named = typeInfo.getType() && getNamedType(typeInfo.getType());
        const ttls = [policy.ttlMs[coordinate]];
        if (named && isCompositeType(named)) ttls.push(policy.ttlMs[named.name]);
        for (const ttl of ttls) if (ttl !== undefined) maxAgeMs = Math.min(maxAgeMs, ttl);
      },
    }),
  );

  if (!Number.isFinite(maxAgeMs)) maxAgeMs = policy.defaultTtlMs;
  return { scope, maxAgeMs };
}
