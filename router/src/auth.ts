import {
  createRemoteJWKSet,
  errors as joseErrors,
  jwtVerify,
  type JWTVerifyGetKey,
  type JWTVerifyOptions,
} from 'jose';
import { VerifiedTokens, type Identity } from '#shared';
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
  // A user's app sends one token until it expires: its signature is checked once, not on
  // every request (that HMAC through WebCrypto was the router's largest cost per request).
  const verified = new VerifiedTokens<Identity>({
    capacity: options.cacheSize ?? 10_000,
    maxAgeMs: options.cacheMaxAgeMs ?? 300_000,
  });

  return async function authenticate(header: string | null): Promise<Identity | undefined> {
    if (header === null || header === '') return undefined;

    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw invalidToken('the Authorization header must be "Bearer <token>"');
    const token = match[1] as string;
    const known = verified.get(token);
    if (known) return known;

    try {
      const { payload } = await jwtVerify(token, key as Uint8Array, verifyOptions);
      if (typeof payload.sub !== 'string' || payload.sub === '') {
        throw invalidToken('the token has no subject');
      }
      const username =
        typeof payload.preferred_username === 'string' ? payload.preferred_username : undefined;
      const identity: Identity = Object.freeze({ userId: payload.sub, username });
      verified.set(token, identity, payload.exp);
      return identity;
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) throw invalidToken('it has expired');
      if (error instanceof joseErrors.JOSEError) throw invalidToken('it does not verify');
      throw error;
    }
  };
}

export type Authenticator = ReturnType<typeof createAuthenticator>;
