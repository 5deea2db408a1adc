import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import {
  IDENTITY_HEADER,
  REQUEST_ID_HEADER,
  type Identity,
  type IdentityVerifier,
} from './identity.js';

/** What every subgraph resolver can rely on. Services extend it with their own loaders. */
export interface BaseContext {
  readonly requestId: string;
  /** The signed-in user, or undefined for anonymous requests. */
  readonly identity: Identity | undefined;
  /** Router-signed identity, forwarded unchanged when this service calls another. */
  readonly identityToken: string | undefined;
  readonly log: Logger;
}

export type HeaderGetter = (name: string) => string | undefined;

const SAFE_REQUEST_ID = /^[\w.:-]{1,128}$/;

/**
 * Builds the per-request base context from headers. The identity is believed only when the
 * router's signature verifies; a client that sets the header itself gets an anonymous request.
 */
export async function createBaseContext(
  header: HeaderGetter,
  verifyIdentity: IdentityVerifier,
  logger: Logger,
): Promise<BaseContext> {
  const incomingId = header(REQUEST_ID_HEADER);
  const requestId = incomingId && SAFE_REQUEST_ID.test(incomingId) ? incomingId : randomUUID();
  const identityToken = header(IDENTITY_HEADER);
  const identity = await verifyIdentity(identityToken);

  return {
    requestId,
    identity,
    identityToken: identity ? identityToken : undefined,
    log: logger.child({ requestId, userId: identity?.userId }),
  };
}
