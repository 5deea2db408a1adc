import { createGraphQLError } from 'graphql-yoga';

/**
 * Codes the router itself answers with (docs/errors.md). Parse and validation failures keep
 * the codes GraphQL servers conventionally use, so client libraries recognise them.
 */
export const RouterErrorCode = {
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  BAD_REQUEST: 'BAD_REQUEST',
  GRAPHQL_PARSE_FAILED: 'GRAPHQL_PARSE_FAILED',
  GRAPHQL_VALIDATION_FAILED: 'GRAPHQL_VALIDATION_FAILED',
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  SUBGRAPH_UNAVAILABLE: 'SUBGRAPH_UNAVAILABLE',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;

export function invalidToken(reason: string) {
  return createGraphQLError(`The bearer token was refused: ${reason}.`, {
    extensions: {
      code: RouterErrorCode.UNAUTHENTICATED,
      http: { status: 401, headers: { 'www-authenticate': 'Bearer error="invalid_token"' } },
    },
  });
}
