import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { useResponseCache } from '@envelop/response-cache';
import {
  getOperationAST,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import type { Plugin, YogaInitialContext } from 'graphql-yoga';
import { LRUCache } from 'lru-cache';
import type { Identity, Logger } from '#shared';
import { isPlanOnly } from '../execution.js';
import type { RouterMetrics } from '../metrics.js';
import type { ManifestOperation, ManifestSource } from '../persisted/manifest.js';
import { persistedOperationOf } from '../persisted/plugin.js';
import { classifyOperation, type CacheClass } from './classify.js';
import { mutationEntities } from './entities.js';
import type { CachePolicy } from './policy.js';
import { etagOf, SHARED_KEY_PREFIX, type PutOutcome, type ResponseStore } from './store.js';

export interface ResponseCachingOptions {
  store: ResponseStore;
  policy: CachePolicy;
  manifest: ManifestSource;
  /** The identity behind a request, as the context will see it (memoised per request). */
  identify: (request: Request) => Promise<Identity | undefined>;
  /** Verifies an Authorization header, for hits served before Yoga. */
  authenticate: (header: string | null) => Promise<Identity | undefined>;
  schema: () => GraphQLSchema | undefined;
  /** Where GraphQL is served; the fast path answers nowhere else. */
  graphqlPath?: string;
  metrics?: RouterMetrics;
  logger: Logger;
  /** Longest a request waits for an identical one in flight before computing its own. */
  singleFlightWaitMs?: number;
}

interface RequestedEntry {
  readonly operation: ManifestOperation;
  readonly cacheClass: CacheClass;
  readonly key: string;
}

interface CacheState {
  readonly key: string;
  readonly operation: ManifestOperation;
  readonly cacheClass: CacheClass;
  readonly session: string | null;
  outcome: 'hit' | 'miss';
  notModified?: boolean;
  etag?: string;
  release?: () => void;
}

function stableStringify(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, item]) => item !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : 1));
  const members = entries.map(([k, item]) => `${JSON.stringify(k)}:${stableStringify(item)}`);
  return `{${members.join(',')}}`;
}

/** Each document's operations by name, found once per parsed document (Yoga reuses those). */
const operationsByDocument = new WeakMap<
  DocumentNode,
  Map<string, OperationDefinitionNode | null>
>();

function operationOf(document: DocumentNode, operationName: string | null | undefined) {
  let byName = operationsByDocument.get(document);
  if (!byName) {
    byName = new Map();
    operationsByDocument.set(document, byName);
  }

  let operation = byName.get(operationName ?? '');
  if (operation === undefined) {
    operation = getOperationAST(document, operationName) ?? null;
    byName.set(operationName ?? '', operation);
  }
  return operation;
}

/**
 * One key per operation, variables and, for private data, user. Keys of answers shared by all
 * users say so (`SHARED_KEY_PREFIX`): the store may keep those nearer.
 */
export function responseCacheKey(
  operationId: string,
  variables: unknown,
  session: string | null,
): string {
  const hash = createHash('sha256')
    .update(`${operationId}|${stableStringify(variables ?? {})}|${session ?? ''}`)
    .digest('hex');
  return session === null ? `${SHARED_KEY_PREFIX}${hash}` : hash;
}

/**
 * Whole-response caching of persisted queries, on `@envelop/response-cache`:
 *
 * - Only operations from the manifest are cached; each is classified when the manifest loads
 *   as public (one answer for everyone) or private (one per user) by the policy.
 * - The lookup happens before parsing, so a hit costs a key, a store read and serialisation.
 * - Identical misses in flight are computed once: the others wait for its answer.
 * - Mutations invalidate the entities their answer shows and those the policy derives from
 *   their arguments; other routers and out-of-band changes arrive as events (`events.ts`).
 * - HTTP: `x-cache`, and for GET `Cache-Control` and a content `ETag` (`If-None-Match` → 304).
 * - A GET hit is answered from the raw request before Yoga runs at all (`fastPath`).
 */
export function useResponseCaching(options: ResponseCachingOptions): Plugin {
  return createResponseCaching(options).plugin;
}

/**
 * A hit for a GET of a persisted query, served from the raw request before Yoga sees it; false
 * when the request is anything else (Yoga then serves it, and the plugin caches the answer).
 */
export type CacheFastPath = (
  request: IncomingMessage,
  response: ServerResponse,
) => Promise<boolean>;

export function createResponseCaching(options: ResponseCachingOptions): {
  plugin: Plugin;
  fastPath: CacheFastPath;
} {
  const { store, policy, manifest, identify, metrics } = options;
  const waitMs = options.singleFlightWaitMs ?? 5_000;
  const graphqlPath = options.graphqlPath ?? '/graphql';
  const log = options.logger.child({ component: 'response-cache' });
  const classes = new Map<string, CacheClass>();
  const states = new WeakMap<Request, CacheState>();
  const flights = new Map<string, Promise<ExecutionResult | undefined>>();
  const releases = new Map<string, (answer?: ExecutionResult) => void>();
  const publicTypes = new Set(policy.publicTypes);
  // Recent GET URLs of shared answers and the entries they ask for: a hit then costs no parsing
  // or hashing. Emptied whenever the operations are classified again.
  const sharedRequests = new LRUCache<string, RequestedEntry>({ max: 10_000 });

  function classifyAll(operations: readonly ManifestOperation[]): void {
    const schema = options.schema();
    if (!schema) return;
    classes.clear();
    sharedRequests.clear();
    for (const operation of operations) {
      // Mutations change data and subscriptions stream it: neither is ever cached.
      if (operation.type !== 'query') continue;
      try {
        const cacheClass = classifyOperation(schema, operation.body, policy);
        if (cacheClass) classes.set(operation.id, cacheClass);
      } catch (error) {
        log.warn({ err: error, operation: operation.name }, 'operation not cacheable');
      }
    }
    log.info({ cacheable: classes.size }, 'persisted queries classified for caching');
  }

  /**
   * Hands the single flight's waiters for `key` its answer. Without one (the answer is not to be
   * stored) the flight ends at once and they compute their own.
   */
  function landed(key: string, answer?: ExecutionResult): void {
    const release = releases.get(key);
    releases.delete(key);
    release?.(answer);
  }

  const stateOf = (context: { request?: Request }) =>
    context.request ? states.get(context.request) : undefined;

  async function waitForFlight(
    flight: Promise<ExecutionResult | undefined>,
  ): Promise<ExecutionResult | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), waitMs);
    });
    const answer = await Promise.race([flight, timeout]);
    clearTimeout(timer);
    return answer;
  }

  const plugin: Plugin = {
    onPluginInit({ addPlugin }) {
      addPlugin(
        useResponseCache<YogaInitialContext>({
          cache: {
            get: (key) => store.get(key),
            invalidate: (entities) => store.invalidate(entities),
            // Waiters of a single flight take the answer from the one who computed it, without
            // another read of the store, but only once the store has judged it: an answer
            // computed from data that changed meanwhile (say, the waiter's own trade) is not
            // handed on, and the waiters compute their own.
            async set(key, data, entities, ttl) {
              const flight = flights.get(key);
              // Taken now: the response may go out (and end the flight) before the store answers.
              const release = releases.get(key);
              releases.delete(key);
              let outcome: PutOutcome = 'stale';
              try {
                outcome = await store.put(key, data, entities, ttl);
              } finally {
                release?.(outcome === 'stale' ? undefined : data);
                if (flight && flights.get(key) === flight) flights.delete(key);
              }
            },
          },
          session: (context) => stateOf(context)?.session ?? null,
          enabled: (context) => stateOf(context) !== undefined,
          buildResponseCacheKey: ({ context }) => {
            const state = stateOf(context as YogaInitialContext);
            if (!state) throw new Error('response cache: no key for an uncacheable request');
            return state.key;
          },
          ttlPerSchemaCoordinate: policy.ttlMs,
          onTtl: ({ ttl, context }) => Math.min(ttl, stateOf(context)?.cacheClass.maxAgeMs ?? 0),
          invalidateViaMutation: false,
          shouldCacheResult: ({ result }) => !result.errors?.length,
          includeExtensionMetadata: false,
        }),
      );
      manifest.onLoad(classifyAll);
    },

    onSchemaChange() {
      classifyAll(manifest.list());
    },

    async onParams({ params, request, setResult, context }) {
      const operation = persistedOperationOf(request);
      const cacheClass = operation && classes.get(operation.id);
      if (!operation || !cacheClass) return;
      if (isPlanOnly(context)) {
        // Annotate the document as a real request would be, so the plan made is the one used.
        states.set(request, { key: '', operation, cacheClass, session: null, outcome: 'miss' });
        return;
      }

      const identity = await identify(request);
      if (cacheClass.scope === 'private' && !identity) return;
      const session = cacheClass.scope === 'private' ? identity!.userId : null;
      const key = responseCacheKey(operation.id, params.variables, session);
      const state: CacheState = { key, operation, cacheClass, session, outcome: 'miss' };
      states.set(request, state);

      const stored = await store.lookup(key);
      let cached = stored?.result;
      const flight = cached ? undefined : flights.get(key);
      if (flight) cached = await waitForFlight(flight);

      if (cached) {
        state.outcome = 'hit';
        state.etag = stored?.etag ?? etagOf(JSON.stringify(cached));
        state.notModified = request.headers.get('if-none-match') === state.etag;
        metrics?.cacheLookups.inc({ operation: operation.name, outcome: 'hit' });
        setResult(cached);
        return;
      }

      metrics?.cacheLookups.inc({ operation: operation.name, outcome: 'miss' });
      if (!flight) {
        let resolve!: (answer?: ExecutionResult) => void;
        const done = new Promise<ExecutionResult | undefined>((settle) => (resolve = settle));
        flights.set(key, done);
        releases.set(key, (answer) => {
          if (!answer && flights.get(key) === done) flights.delete(key);
          resolve(answer);
        });
        // An answer that is not stored (errors) ends the flight when its response goes out.
        state.release = () => landed(key);
      }
      store.computing(key);
    },

    onExecute({ args }) {
      const operation = operationOf(args.document, args.operationName);
      if (operation?.operation !== 'mutation') return;
      const name = args.operationName ?? operation.name?.value ?? 'anonymous';

      return {
        onExecuteDone({ result }) {
          const schema = options.schema();
          if (!schema || !('data' in result) || !result.data) return;
          const entities = mutationEntities(schema, args, result as ExecutionResult, policy)
            // A user's mutation does not change public data (an instrument in a placed
            // order's answer is the same instrument for everyone).
            .filter((entity) => !publicTypes.has(entity.typename));
          if (entities.length === 0) return;
          for (const entity of entities) {
            metrics?.cacheInvalidations.inc({ operation: name, reason: 'mutation' });
            log.debug({ entity }, 'invalidated by mutation');
          }
          return store.invalidate(entities);
        },
      };
    },

    onExecutionResult({ request, result }) {
      const state = states.get(request);
      if (!state || state.outcome === 'hit' || Array.isArray(result)) return;
      if (!(result as ExecutionResult).errors?.length) {
        state.etag = etagOf(JSON.stringify(result));
      }
    },

    onResultProcess({ request, setResultProcessor }) {
      const state = states.get(request);
      if (!state?.notModified || request.method !== 'GET') return;
      const etag = state.etag as string;
      setResultProcessor(
        (_result, fetchAPI) => new fetchAPI.Response(null, { status: 304, headers: { etag } }),
        'application/json',
      );
    },

    onResponse({ request, response }) {
      const state = states.get(request);
      if (!state?.key) return;
      state.release?.();
      // An answer with errors is never offered to the store: its computation ends here.
      if (state.outcome === 'miss' && !state.etag) store.abandon(state.key);
      response.headers.set('x-cache', state.outcome);
      if (request.method !== 'GET') return;

      // Only a good answer has an ETag; an error must not be kept by browsers or CDNs.
      const headers = state.etag
        ? cacheHeaders(state.cacheClass, state.etag)
        : { 'cache-control': 'no-store' };
      for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
    },
  };

  /** What a GET answer of this class tells HTTP caches; without an ETag, none is sent. */
  function cacheHeaders(cacheClass: CacheClass, etag: string | undefined): Record<string, string> {
    const headers: Record<string, string> =
      cacheClass.scope === 'public'
        ? { 'cache-control': `public, max-age=${Math.floor(cacheClass.maxAgeMs / 1000)}` }
        : { 'cache-control': 'private, no-cache', vary: 'authorization' };
    if (etag) headers.etag = etag;
    return headers;
  }

  /** The cache entry a GET of a persisted query asks for, or undefined for anything else. */
  async function requestedEntry(request: IncomingMessage): Promise<RequestedEntry | undefined> {
    const url = new URL(request.url as string, 'http://router');
    if (url.pathname !== graphqlPath || url.searchParams.has('query')) return undefined;
    const id = url.searchParams.get('documentId')?.replace(/^sha256:/, '');
    const operation = id ? manifest.get(id) : undefined;
    const cacheClass = operation && classes.get(operation.id);
    const named = url.searchParams.get('operationName');
    if (!operation || !cacheClass || (named && named !== operation.name)) return undefined;

    let variables: unknown;
    let session: string | null = null;
    try {
      const raw = url.searchParams.get('variables');
      variables = raw ? JSON.parse(raw) : undefined;
      if (cacheClass.scope === 'private') {
        const identity = await options.authenticate(request.headers.authorization ?? null);
        if (!identity) return undefined;
        session = identity.userId;
      }
    } catch {
      // Bad variables or a bad token: Yoga answers with the right coded error.
      return undefined;
    }

    const entry = {
      operation,
      cacheClass,
      key: responseCacheKey(operation.id, variables, session),
    };
    // The same URL asks for the same shared answer, whoever sends it.
    if (session === null) sharedRequests.set(request.url as string, entry);
    return entry;
  }

  async function fastPath(request: IncomingMessage, response: ServerResponse): Promise<boolean> {
    // Browsers' cross-origin requests need Yoga's CORS answer; anything unusual gets Yoga's
    // validation and coded errors.
    if (request.method !== 'GET' || !request.url || request.headers.origin) return false;
    const entry = sharedRequests.get(request.url) ?? (await requestedEntry(request));
    if (!entry) return false;
    const { operation, cacheClass, key } = entry;

    const stored = await store.lookup(key);
    if (!stored) return false;
    metrics?.cacheLookups.inc({ operation: operation.name, outcome: 'hit' });

    const headers = { 'x-cache': 'hit', ...cacheHeaders(cacheClass, stored.etag) };
    if (request.headers['if-none-match'] === stored.etag) {
      response.writeHead(304, headers);
      response.end();
      return true;
    }
    const accept = request.headers.accept ?? '';
    const type = accept.includes('application/graphql-response+json')
      ? 'application/graphql-response+json; charset=utf-8'
      : 'application/json; charset=utf-8';
    response.writeHead(200, { ...headers, 'content-type': type });
    response.end(stored.text);
    return true;
  }

  return { plugin, fastPath };
}
