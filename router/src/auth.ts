import {
  createRemoteJWKSet,
  errors as joseErrors,
  jwtVerify,
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

  return async function authenticate(header: string | null): Promise<Identity | undefined> {
    if (header === null || header === '') return undefined;

    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw invalidToken('the Authorization header must be "Bearer <token>"');

    try {
      const { payload } = await jwtVerify(match[1] as string, key as Uint8Array, verifyOptions);
      if (typeof payload.sub !== 'string' || payload.sub === '') {
        throw invalidToken('the token has no subject');
      }
      const username =
        typeof payload.preferred_username === 'string' ? payload.preferred_username : undefined;
      return { userId: payload.sub, username };
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) throw invalidToken('it has expired');
      if (error instanceof joseErrors.JOSEError) throw invalidToken('it does not verify');
      throw error;
    }
  };
}

export type Authenticator = ReturnType<typeof createAuthenticator>;
