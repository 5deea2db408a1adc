import { ClientError, CommonErrorCode } from './errors.js';
import { IDENTITY_HEADER, REQUEST_ID_HEADER } from './identity.js';

export interface GraphQLClientOptions {
  /** The other service's GraphQL endpoint. */
  url: string;
  /** Name of the called service, used in errors. */
  service: string;
  /** Per-call time limit. Default 5 000 ms. */
  timeoutMs?: number;
}

export interface CallOptions {
  requestId?: string;
  /** Router-signed identity to forward, for calls made on a user's behalf. */
  identityToken?: string;
}

interface GraphQLResponse<Data> {
  data?: Data | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/**
 * Calls another service's GraphQL API over HTTP. Services never import each other's code; when
 * one needs another's data outside a federated plan, it asks like any other client.
 */
export function createGraphQLClient({ url, service, timeoutMs = 5_000 }: GraphQLClientOptions) {
  return async function request<Data>(
    query: string,
    variables: Record<string, unknown>,
    options: CallOptions = {},
  ): Promise<{ data: Data; errors: NonNullable<GraphQLResponse<Data>['errors']> }> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (options.requestId) headers[REQUEST_ID_HEADER] = options.requestId;
    if (options.identityToken) headers[IDENTITY_HEADER] = options.identityToken;

    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers,
        body: JSON.stringify({ query, variables }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new ClientError(
        CommonErrorCode.UPSTREAM_UNAVAILABLE,
        `The ${service} service did not answer: ${(error as Error).message}`,
        { service },
      );
    }

    const payload = (await response.json().catch(() => ({}))) as GraphQLResponse<Data>;
    if (!payload.data) {
      throw new ClientError(
        CommonErrorCode.UPSTREAM_UNAVAILABLE,
        `The ${service} service failed (HTTP ${response.status}): ` +
          (payload.errors?.map((e) => e.message).join('; ') ?? 'no data'),
        { service },
      );
    }
    return { data: payload.data, errors: payload.errors ?? [] };
  };
}

export type GraphQLClient = ReturnType<typeof createGraphQLClient>;
