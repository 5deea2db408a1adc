import { SignJWT } from 'jose';
import { DEMO_USERS, userId } from '#demo';

/** A development token for a seeded user, signed with the router's HS256 secret. */
export async function createDevToken(
  username: string,
  secret: string,
  ttl = '12h',
): Promise<string> {
  const known =
    DEMO_USERS.some((user) => user.username === username) || /^loadtest-\d{6}$/.test(username);
  if (!known) {
    const names = DEMO_USERS.map((user) => user.username).join(', ');
    throw new Error(`Unknown user "${username}": use one of ${names} or loadtest-NNNNNN.`);
  }

  return new SignJWT({ preferred_username: username })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(userId(username))
    .setIssuer('moneta-dev')
    .setIssuedAt()
    .setExpirationTime(ttl)
    .sign(new TextEncoder().encode(secret));
}
