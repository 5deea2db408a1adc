import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';

/** Who is making a request, as established by the router from the user's own token. */
export interface Identity {
  readonly userId: string;
  readonly username?: string;
  /**
   * Set when a service, not the router, signed this identity: the service acts for `userId`
   * on an internal operation (e.g. trading reserving funds in portfolio). The router never sets
   * it, so internal operations cannot be reached through the public graph.
   */
  readonly service?: string;
}

/** Carries the router's signed statement of identity to subgraphs. */
export const IDENTITY_HEADER = 'x-moneta-identity';

/** Correlates log lines of one request across the router and every subgraph it calls. */
export const REQUEST_ID_HEADER = 'x-request-id';

const ISSUER = 'moneta-router';
const AUDIENCE = 'moneta-subgraphs';

export interface IdentitySignerOptions {
  /** Shared HS256 secret between the router and subgraphs. */
  secret: string;
  /** Lifetime of a signed identity. Default 60 seconds: long enough for one request's fan-out. */
  ttlSeconds?: number;
}

/**
 * Signs identities for subgraphs. Signatures are reused for half their lifetime, so a busy user
 * costs one HMAC every thirty seconds rather than one per subgraph fetch.
 */
export function createIdentitySigner({ secret, ttlSeconds = 60 }: IdentitySignerOptions) {
  const key = new TextEncoder().encode(secret);
  const cache = new Map<string, { token: string; refreshAt: number }>();

  return async function sign(identity: Identity): Promise<string> {
    const now = Date.now();
    const cacheKey = `${identity.service ?? ''}|${identity.userId}`;
    const cached = cache.get(cacheKey);
    if (cached && cached.refreshAt > now) return cached.token;

    const claims = identity.service
      ? { username: identity.username, svc: identity.service }
      : { username: identity.username };
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(identity.userId)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(`${ttlSeconds}s`)
      .sign(key);

    if (cache.size > 10_000) cache.clear();
    cache.set(cacheKey, { token, refreshAt: now + (ttlSeconds * 1000) / 2 });
    return token;
  };
}

export type IdentitySigner = ReturnType<typeof createIdentitySigner>;

export interface VerifiedTokensOptions {
  /** Tokens remembered, least recently used dropped first. 0 remembers none. */
  capacity: number;
  /** Longest a token is trusted without checking its signature again. Default: until `exp`. */
  maxAgeMs?: number;
}

/**
 * Tokens whose signature and claims already checked out, by their exact text, each with what
 * it established. A client sends the same token request after request, and the router reuses a
 * signed identity for thirty seconds, so verifying each once instead of every time removes an
 * HMAC through WebCrypto (with a key import) per request. Only successes are kept, and never
 * past the token's own `exp`.
 */
export class VerifiedTokens<T> {
  private readonly entries = new Map<string, { value: T; trustedUntil: number }>();
  private readonly capacity: number;
  private readonly maxAgeMs: number;

  constructor(options: VerifiedTokensOptions) {
    this.capacity = options.capacity;
    this.maxAgeMs = options.maxAgeMs ?? Infinity;
  }

  get(token: string, now = Date.now()): T | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    this.entries.delete(token);
    if (entry.trustedUntil <= now) return undefined;

    // Inserted again, so that the map's order stays least recently used first.
    this.entries.set(token, entry);
    return entry.value;
  }

  /** `exp` in epoch seconds, as in the token's claims. */
  set(token: string, value: T, exp: number | undefined, now = Date.now()): void {
    if (this.capacity <= 0) return;
    const expiresAt = typeof exp === 'number' ? exp * 1000 : Infinity;
    const trustedUntil = Math.min(expiresAt, now + this.maxAgeMs);
    if (!(trustedUntil > now)) return;

    if (this.entries.size >= this.capacity) {
      this.entries.delete(this.entries.keys().next().value as string);
    }
    this.entries.set(token, { value, trustedUntil });
  }
}

/**
 * Verifies a router-signed identity. Anything unsigned, forged, expired or meant for another
 * audience yields `undefined`: the request then runs as anonymous, never as someone else.
 */
export function createIdentityVerifier(secret: string, cacheSize = 10_000) {
  const key = new TextEncoder().encode(secret);
  const verified = new VerifiedTokens<Identity>({ capacity: cacheSize });

  return async function verify(token: string | undefined): Promise<Identity | undefined> {
    if (!token) return undefined;
    const known = verified.get(token);
    if (known) return known;

    try {
      const { payload } = await jwtVerify(token, key, {
        issuer: ISSUER,
        audience: AUDIENCE,
        algorithms: ['HS256'],
      });
      if (typeof payload.sub !== 'string') return undefined;
      const username = typeof payload.username === 'string' ? payload.username : undefined;
      const service = typeof payload.svc === 'string' ? payload.svc : undefined;
      const identity: Identity = Object.freeze(
        service ? { userId: payload.sub, username, service } : { userId: payload.sub, username },
      );
      verified.set(token, identity, payload.exp);
      return identity;
    } catch (error) {
      if (error instanceof joseErrors.JOSEError) return undefined;
      throw error;
    }
  };
}

export type IdentityVerifier = ReturnType<typeof createIdentityVerifier>;
