import { createIdentitySigner, createIdentityVerifier } from '../src/identity.js';

const secret = 'a-test-secret-that-is-long-enough-000000';

describe('internal identity', () => {
  it('verifies what the router signed', async () => {
    const token = await createIdentitySigner({ secret })({ userId: 'u-1', username: 'alice' });
    await expect(createIdentityVerifier(secret)(token)).resolves.toEqual({
      userId: 'u-1',
      username: 'alice',
    });
  });

  it('treats a token signed with another secret as anonymous', async () => {
    const forged = await createIdentitySigner({ secret: `${secret}-other` })({ userId: 'u-2' });
    await expect(createIdentityVerifier(secret)(forged)).resolves.toBeUndefined();
  });

  it('treats garbage and absence as anonymous', async () => {
    const verify = createIdentityVerifier(secret);
    await expect(verify('not.a.jwt')).resolves.toBeUndefined();
    await expect(verify(undefined)).resolves.toBeUndefined();
  });

  it('treats an expired identity as anonymous', async () => {
    const token = await createIdentitySigner({ secret, ttlSeconds: -10 })({ userId: 'u-3' });
    await expect(createIdentityVerifier(secret)(token)).resolves.toBeUndefined();
  });
});
