import {
  createRemoteJWKSet,
  errors as joseErrors,
  jwtVerify,
  type JWTPayload,
  type JWTVerifyGetKey,
  type JWTVerifyOptions,
} from 'jose';
import type { Identity } from '#shared';
import { invalidToken } from './errors.js';

export interface AuthenticatorOptions {
  /** HS256 secret, used when no JWKS URL is set. */
  secret: string;
  /** Where the identity provider publishes its signing keys; switches to asymmetric tokens. */
  jwksUrl?: string | undefined;
  issuer?: string | undefined;
  audience?: string | undefined;
  /** Verified tokens remembered, least recently used dropped first. Default 10 000; 0 = off. */
  cacheSize?: number;
  /**
   * Longest a verified token is trusted without checking its signature again, however far off
   * its `exp`. Bounds how long a token of a key the identity provider withdrew keeps working.
   * Default 300 000 ms.
   */
  cacheMaxAgeMs?: number;
}

interface VerifiedToken {
  readonly identity: Identity;
  /** Epoch ms after which the token is verified afresh (and refused if it has expired). */
  readonly trustedUntil: number;
}

/**
 * Tokens already verified, by their exact text. A user's app sends the same token with every
 * request until it expires; checking its signature once instead of on every request removes
 * what was the router's largest single cost per request (an HMAC through WebCrypto, plus
 * importing the key, in `jose`). Only successes are kept, and never past the token's `exp`.
 */
class VerifiedTokens {
  private readonly entries = new Map<string, VerifiedToken>();

  constructor(
    private readonly capacity: number,
    private readonly maxAgeMs: number,
  ) {}

  get(token: string, now: number): Identity | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    this.entries.delete(token);
    if (entry.trustedUntil <= now) return undefined;

    // Re-inserted so that the map's order is least recently used first.
    this.entries.set(token, entry);
    return entry.identity;
  }

  set(token: string, identity: Identity, payload: JWTPayload, now: number): void {
    if (this.capacity === 0) return;
    const expiresAt = typeof payload.exp === 'number' ? payload.exp * 1000 : Infinity;
    const trustedUntil = Math.min(expiresAt, now + this.maxAgeMs);

    if (this.entries.size >= this.capacity) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
    this.entries.set(token, { identity, trustedUntil });
  }
}

/**
 * Verifies the user's bearer token. No header means an anonymous request (public market data
 * needs no sign-in); a header that does not verify is refused outright with 401.
 */
export function createAuthenticator(options: AuthenticatorOptions) {
  const key: Uint8Array | JWTVerifyGetKey = options.jwksUrl
    ? createRemoteJWKSet(new URL(options.jwksUrl))
    : new TextEncoder().encode(options.secret);
  const verifyOptions: JWTVerifyOptions = {
    algorithms: options.jwksUrl ? ['RS256', 'ES256', 'EdDSA'] : ['HS256'],
    ...(options.issuer ? { issuer: options.issuer } : {}),
    ...(options.audience ? { audience: options.audience } : {}),
  };
  const verified = new VerifiedTokens(
    options.cacheSize ?? 10_000,
    options.cacheMaxAgeMs ?? 300_000,
  );

  return async function authenticate(header: string | null): Promise<Identity | undefined> {
    if (header === null || header === '') return undefined;

    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw invalidToken('the Authorization header must be "Bearer <token>"');
    const token = match[1] as string;
    const known = verified.get(token, Date.now());
    if (known) return known;

    try {
      const { payload } = await jwtVerify(token, key as Uint8Array, verifyOptions);
      if (typeof payload.sub !== 'string' || payload.sub === '') {
        throw invalidToken('the token has no subject');
      }
      const username =
        typeof payload.preferred_username === 'string' ? payload.preferred_username : undefined;
      const identity: Identity = Object.freeze({ userId: payload.sub, username });
      verified.set(token, identity, payload, Date.now());
      return identity;
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) throw invalidToken('it has expired');
      if (error instanceof joseErrors.JOSEError) throw invalidToken('it does not verify');
      throw error;
    }
  };
}

export type Authenticator = ReturnType<typeof createAuthenticator>;
