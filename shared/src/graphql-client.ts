import http from 'node:http';
import https from 'node:https';
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

interface RawAnswer {
  status: number;
  body: string;
}

/**
 * Idle connections are closed well before the services' own keep-alive limit (65 s), so a
 * request never goes out on a socket the other side is about to close.
 */
const IDLE_SOCKET_MS = 30_000;

/**
 * One POST over a pooled keep-alive connection. node:http rather than fetch: calls between
 * services are the hot path of every order, and fetch's web streams cost several times the
 * CPU of a plain request for the same bytes.
 */
function post(
  url: URL,
  agent: http.Agent,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const request = (url.protocol === 'https:' ? https : http).request(
      url,
      {
        method: 'POST',
        agent,
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          clearTimeout(timer);
          resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString() });
        });
      },
    );
    const timer = setTimeout(() => {
      request.destroy(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    request.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    request.end(body);
  });
}

/**
 * Calls another service's GraphQL API over HTTP. Services never import each other's code; when
 * one needs another's data outside a federated plan, it asks like any other client.
 */
export function createGraphQLClient({ url, service, timeoutMs = 5_000 }: GraphQLClientOptions) {
  const target = new URL(url);
  const agent = new (target.protocol === 'https:' ? https : http).Agent({
    keepAlive: true,
    timeout: IDLE_SOCKET_MS,
  });

  return async function request<Data>(
    query: string,
    variables: Record<string, unknown>,
    options: CallOptions = {},
  ): Promise<{ data: Data; errors: NonNullable<GraphQLResponse<Data>['errors']> }> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (options.requestId) headers[REQUEST_ID_HEADER] = options.requestId;
    if (options.identityToken) headers[IDENTITY_HEADER] = options.identityToken;

    let answer: RawAnswer;
    try {
      answer = await post(target, agent, headers, JSON.stringify({ query, variables }), timeoutMs);
    } catch (error) {
      throw new ClientError(
        CommonErrorCode.UPSTREAM_UNAVAILABLE,
        `The ${service} service did not answer: ${(error as Error).message}`,
        { service },
      );
    }

    let payload: GraphQLResponse<Data> = {};
    try {
      payload = JSON.parse(answer.body) as GraphQLResponse<Data>;
    } catch {
      // Not JSON (a proxy's error page, a cut-off body): reported below as no data.
    }
    if (!payload.data) {
      throw new ClientError(
        CommonErrorCode.UPSTREAM_UNAVAILABLE,
        `The ${service} service failed (HTTP ${answer.status}): ` +
          (payload.errors?.map((e) => e.message).join('; ') ?? 'no data'),
        { service },
      );
    }
    return { data: payload.data, errors: payload.errors ?? [] };
  };
}

export type GraphQLClient = ReturnType<typeof createGraphQLClient>;

/**
 * Shares one call among every caller that asks within the same turn of the event loop: the
 * keys of all of them go out in a single request, and each gets the combined answer. Nothing
 * is cached; every caller waits for a call that starts after it asked, so what it reads is as
 * fresh as a call of its own would have been.
 */
export function coalesceCalls<Key, Answer>(
  call: (keys: Key[]) => Promise<Answer>,
): (keys: readonly Key[]) => Promise<Answer> {
  let pending: { keys: Set<Key>; answer: Promise<Answer> } | undefined;

  return (keys) => {
    if (!pending) {
      const batch = new Set<Key>();
      // setImmediate rather than a microtask: requests whose bytes arrived in the same poll
      // phase all get to ask before the call leaves.
      const answer = new Promise<Answer>((resolve, reject) => {
        setImmediate(() => {
          pending = undefined;
          call([...batch]).then(resolve, reject);
        });
      });
      pending = { keys: batch, answer };
    }
    for (const key of keys) pending.keys.add(key);
    return pending.answer;
  };
}
