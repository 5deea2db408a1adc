import { createHash } from 'node:crypto';
import { createGraphQLError, type Plugin } from 'graphql-yoga';
import type { Logger, TtlCache } from '#shared';
import type { ManifestOperation, ManifestSource } from './manifest.js';

/**
 * - `allow-all`: any operation runs; APQ registrations are accepted (development).
 * - `safelist`: only operations in the manifest run, by id or by exact text (production).
 * - `log-only`: anything runs, and operations outside the manifest are logged (a rollout step).
 */
export type PersistedOperationsMode = 'allow-all' | 'safelist' | 'log-only';

export const PersistedErrorCode = {
  PERSISTED_QUERY_NOT_FOUND: 'PERSISTED_QUERY_NOT_FOUND',
  PERSISTED_QUERY_HASH_MISMATCH: 'PERSISTED_QUERY_HASH_MISMATCH',
  PERSISTED_QUERY_INVALID: 'PERSISTED_QUERY_INVALID',
  OPERATION_NOT_IN_SAFELIST: 'OPERATION_NOT_IN_SAFELIST',
} as const;

export interface PersistedOperationsOptions {
  mode: PersistedOperationsMode;
  manifest: ManifestSource;
  /** Where APQ registrations live: Redis to share them across router instances. */
  registrations: TtlCache;
  /** How long a registration is kept. Default one day. */
  registrationTtlSeconds?: number;
  logger: Logger;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

const trusted = new WeakMap<Request, ManifestOperation>();

/** The manifest operation a request ran by id, if it did; the response cache keys on it. */
export function persistedOperationOf(request: Request): ManifestOperation | undefined {
  return trusted.get(request);
}

function refuse(code: string, message: string, status: number) {
  return createGraphQLError(message, { extensions: { code, http: { status } } });
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Reads `documentId` from the body or, for GET, the URL; and Apollo's persistedQuery extension. */
function requestedId(params: Record<string, unknown>, request: Request) {
  const fromUrl =
    request.method === 'GET' ? new URL(request.url).searchParams.get('documentId') : null;
  const documentId = (params.documentId as unknown) ?? fromUrl ?? undefined;
  const extension = (params.extensions as { persistedQuery?: unknown } | undefined)?.persistedQuery;

  if (extension !== undefined) {
    const { version, sha256Hash } = (extension ?? {}) as {
      version?: unknown;
      sha256Hash?: unknown;
    };
    if (version !== 1 || typeof sha256Hash !== 'string' || !SHA256_HEX.test(sha256Hash)) {
      throw refuse(
        PersistedErrorCode.PERSISTED_QUERY_INVALID,
        'extensions.persistedQuery must be {"version": 1, "sha256Hash": "<64 lowercase hex>"}.',
        400,
      );
    }
    return { id: sha256Hash, protocol: 'apq' as const };
  }
  if (documentId !== undefined) {
    const id = String(documentId).replace(/^sha256:/, '');
    if (!SHA256_HEX.test(id)) {
      throw refuse(
        PersistedErrorCode.PERSISTED_QUERY_INVALID,
        'documentId must be a sha256 hex digest, optionally prefixed "sha256:"; ' +
          `got "${documentId}".`,
        400,
      );
    }
    return { id, protocol: 'trusted' as const };
  }
  return undefined;
}

/**
 * Persisted operations in front of parsing: trusted documents by manifest id, Apollo's
 * Automatic Persisted Queries (hash, PersistedQueryNotFound, registration), and the safelist.
 */
export function usePersistedOperations(options: PersistedOperationsOptions): Plugin {
  const { mode, manifest, registrations, logger } = options;
  const ttlSeconds = options.registrationTtlSeconds ?? 86_400;
  const log = logger.child({ component: 'persisted-operations' });

  return {
    async onParams({ params, setParams, request }) {
      const raw = params as unknown as Record<string, unknown>;
      const requested = requestedId(raw, request);
      const query = typeof params.query === 'string' ? params.query : undefined;
      const { documentId: _ignored, ...rest } = raw;

      if (!requested) {
        if (query === undefined || mode === 'allow-all') return;
        if (manifest.get(sha256Hex(query))) return;
        if (mode === 'log-only') {
          log.warn(
            { operationName: params.operationName ?? null },
            'operation outside the manifest',
          );
          return;
        }
        throw refuse(
          PersistedErrorCode.OPERATION_NOT_IN_SAFELIST,
          'Only operations from the persisted query manifest are accepted here; send its id.',
          400,
        );
      }

      const known = manifest.get(requested.id);
      if (known) {
        if (query !== undefined && sha256Hex(query) !== requested.id) {
          throw refuse(
            PersistedErrorCode.PERSISTED_QUERY_HASH_MISMATCH,
            'The query does not hash to the sha256Hash sent with it.',
            400,
          );
        }
        trusted.set(request, known);
        setParams({ ...rest, query: known.body } as typeof params);
        return;
      }

      if (mode === 'safelist') {
        throw refuse(
          PersistedErrorCode.OPERATION_NOT_IN_SAFELIST,
          `No operation with id ${requested.id} is in the persisted query manifest.`,
          400,
        );
      }
      if (mode === 'log-only') log.warn({ id: requested.id }, 'persisted id outside the manifest');

      if (query !== undefined) {
        if (sha256Hex(query) !== requested.id) {
          throw refuse(
            PersistedErrorCode.PERSISTED_QUERY_HASH_MISMATCH,
            'The query does not hash to the sha256Hash sent with it.',
            400,
          );
        }
        await registrations.set(`apq:${requested.id}`, query, ttlSeconds);
        setParams({ ...rest, query } as typeof params);
        return;
      }

      const registered = await registrations.get(`apq:${requested.id}`);
      if (registered === undefined) {
        // Apollo's clients recognise this exact message and resend with the query.
        throw refuse(PersistedErrorCode.PERSISTED_QUERY_NOT_FOUND, 'PersistedQueryNotFound', 200);
      }
      setParams({ ...rest, query: registered } as typeof params);
    },
  };
}
