/**
 * The generated load-test population (`loadtest-NNNNNN`, seeded by `seedGeneratedUsers`) and
 * what a client needs to act as each user: a router token, the portfolio id, and a signed
 * identity for calling a subgraph directly.
 */
import { generatedUser, generatedUsername, portfolioId, userId } from '#demo';
import { createIdentitySigner, DEV_IDENTITY_SECRET } from '#shared';
import { DEV_JWT_SECRET } from '../router/src/config.js';
import { createDevToken } from '../scripts/dev-token.js';

export interface LoadUser {
  readonly username: string;
  readonly userId: string;
  readonly portfolioId: string;
  /** `Bearer <jwt>` for the router, signed with the development JWT secret. */
  readonly authorization: string;
  /** A router-style signed identity, for sending straight to a subgraph. */
  readonly identity: string;
  /** Symbols the user holds after seeding, for instrument-level operations. */
  readonly symbols: readonly string[];
}

export interface UserOptions {
  count: number;
  jwtSecret?: string;
  identitySecret?: string;
  /** Lifetime of the tokens; every run ends well within it. */
  ttlSeconds?: number;
}

/** Tokens for users 1..count, made up front so the hot loop only picks one. */
export async function createLoadUsers(options: UserOptions): Promise<LoadUser[]> {
  const ttlSeconds = options.ttlSeconds ?? 3_600;
  const signIdentity = createIdentitySigner({
    secret: options.identitySecret ?? DEV_IDENTITY_SECRET,
    ttlSeconds,
  });

  const users: LoadUser[] = [];
  for (let index = 1; index <= options.count; index++) {
    const username = generatedUsername(index);
    const seeded = generatedUser(index);
    const id = userId(username);
    const token = await createDevToken(
      username,
      options.jwtSecret ?? DEV_JWT_SECRET,
      `${ttlSeconds}s`,
    );
    users.push({
      username,
      userId: id,
      portfolioId: portfolioId(seeded.portfolioKey),
      authorization: `Bearer ${token}`,
      identity: await signIdentity({ userId: id, username }),
      symbols: seeded.holdings.map((holding) => holding.instrument.symbol),
    });
  }
  return users;
}
