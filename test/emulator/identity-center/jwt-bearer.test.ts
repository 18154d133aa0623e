import { randomBytes } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsServiceError } from '../../../src/emulator/core/types.js';
import { verifyIdentityContext } from '../../../src/emulator/identity-center/context.js';
import {
  JWT_BEARER,
  REFRESH_TYPE,
  bearer,
  createHarness,
  expectRefusal,
  type Harness,
} from './helpers/harness.js';
import {
  ACCOUNT,
  APP_ARN,
  AUDIENCE,
  app,
  CALLER,
  INSTANCE_ARN,
  NO_JWT_APP_ARN,
  STORE_ID,
} from './helpers/runtime.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h.idp.stop();
});

describe('CreateTokenWithIAM jwt-bearer', () => {
  it('exchanges an IdP token for IdC tokens, an ID token and an identity context', async () => {
    const before = h.audit.length;
    const out = await h.call(bearer(await h.idp.tokenFor('alice')));
    expect(out.tokenType).toBe('Bearer');
    expect(out.expiresIn).toBe(3600);
    expect(out.accessToken).toMatch(/^aoa[A-Za-z0-9_-]{40,}$/);
    expect(out.refreshToken).toMatch(/^aor[A-Za-z0-9_-]{40,}$/);
    expect(out.issuedTokenType).toBe(REFRESH_TYPE);
    expect(out.scope).toEqual(['openid', 'aws', 'sts:identity_context', 'redshift:connect']);
    const identityContext = (out.awsAdditionalDetails as { identityContext: string }).identityContext;
    const verified = verifyIdentityContext(h.runtime, identityContext);
    expect(verified.ok).toBe(true);
    if (verified.ok) {
      expect(verified.claims).toMatchObject({
        idcUserId: 'u-alice',
        userName: 'alice',
        groupIds: ['g-analysts'],
        groupNames: ['analysts'],
        identityStoreId: STORE_ID,
        instanceArn: INSTANCE_ARN,
        applicationArn: APP_ARN,
      });
      expect(verified.claims.expiresAt).toBe(h.runtime.now() + 3600_000);
    }
    const idToken = decodeJwt(out.idToken as string);
    expect(decodeProtectedHeader(out.idToken as string).alg).toBe('ES256');
    expect(idToken).toMatchObject({
      sub: 'u-alice',
      aud: APP_ARN,
      iss: 'https://identitycenter.amazonaws.com/ssoins-1111222233334444',
      'sts:identity_context': identityContext,
      'aws:identity_store_id': STORE_ID,
      'aws:identity_store_arn': `arn:aws:identitystore::${ACCOUNT}:identitystore/${STORE_ID}`,
      'aws:instance_account': ACCOUNT,
      'aws:instance_arn': INSTANCE_ARN,
    });
    expect(idToken['sts:audit_context']).toEqual(expect.any(String));
    expect(idToken['aws:credential_id']).toEqual(expect.any(String));
    expect(idToken.auth_time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect((idToken.exp as number) - (idToken.iat as number)).toBe(3600);
    expect(h.audit.slice(before)).toEqual([
      { outcome: 'allowed', resource: APP_ARN, reason: expect.stringContaining('jwt-bearer') },
    ]);
  });

  it('accepts ES256 assertions', async () => {
    const token = await h.idp.signToken(
      { sub: 'alice', email: 'alice@example.com', aud: AUDIENCE },
      { alg: 'ES256' },
    );
    const out = await h.call(bearer(token));
    expect(out.accessToken).toEqual(expect.any(String));
  });

  it('grants only the requested scopes, leaving out the ID token and context when not asked', async () => {
    const out = await h.call(bearer(await h.idp.tokenFor('alice'), { scope: ['aws'] }));
    expect(out.scope).toEqual(['aws']);
    expect(out.idToken).toBeUndefined();
    expect(out.awsAdditionalDetails).toBeUndefined();
  });

  it('refuses a scope the application lacks', async () => {
    await expectRefusal(
      h,
      bearer(await h.idp.tokenFor('alice'), { scope: ['openid', 's3:admin'] }),
      'InvalidScopeException',
      400,
      /s3:admin/,
    );
  });

  it('refuses a tampered signature', async () => {
    const token = await h.idp.tokenFor('alice');
    const [head, body, sig] = token.split('.') as [string, string, string];
    const flipped = `${sig.slice(0, 10)}${sig[10] === 'A' ? 'B' : 'A'}${sig.slice(11)}`;
    await expectRefusal(h, bearer(`${head}.${body}.${flipped}`), 'InvalidGrantException', 400, /signature/);
    const forged = Buffer.from(JSON.stringify({ ...decodeJwt(token), email: 'bob@example.com' })).toString(
      'base64url',
    );
    await expectRefusal(h, bearer(`${head}.${forged}.${sig}`), 'InvalidGrantException', 400, /signature/);
  });

  it('refuses alg none and HS256', async () => {
    const payload = Buffer.from(
      JSON.stringify({ iss: h.idp.issuer, aud: AUDIENCE, email: 'alice@example.com', exp: 9e9 }),
    ).toString('base64url');
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${payload}.`;
    await expectRefusal(h, bearer(none), 'InvalidGrantException', 400, /algorithm/);
    const hs = `${Buffer.from('{"alg":"HS256"}').toString('base64url')}.${payload}.${randomBytes(32).toString('base64url')}`;
    await expectRefusal(h, bearer(hs), 'InvalidGrantException', 400, /algorithm/);
  });

  it('refuses an unknown issuer', async () => {
    const token = await h.idp.signToken({
      iss: 'https://evil.example.com',
      sub: 'alice',
      email: 'alice@example.com',
      aud: AUDIENCE,
    });
    await expectRefusal(h, bearer(token), 'InvalidGrantException', 400, /issuer/);
  });

  it('refuses a wrong audience', async () => {
    await expectRefusal(
      h,
      bearer(await h.idp.tokenFor('alice', { audience: 'other-api' })),
      'InvalidGrantException',
      400,
      /audience/,
    );
  });

  it('refuses an expired token and a token not yet valid', async () => {
    const now = Math.floor(h.runtime.now() / 1000);
    const expired = await h.idp.signToken({
      sub: 'alice',
      email: 'alice@example.com',
      aud: AUDIENCE,
      iat: now - 7200,
      exp: now - 3600,
    });
    await expectRefusal(h, bearer(expired), 'InvalidGrantException', 400, /expired/);
    const early = await h.idp.signToken({
      sub: 'alice',
      email: 'alice@example.com',
      aud: AUDIENCE,
      nbf: now + 600,
    });
    await expectRefusal(h, bearer(early), 'InvalidGrantException', 400, /nbf/);
    const future = await h.idp.signToken({
      sub: 'alice',
      email: 'alice@example.com',
      aud: AUDIENCE,
      iat: now + 600,
      exp: now + 1200,
    });
    await expectRefusal(h, bearer(future), 'InvalidGrantException', 400, /iat/);
  });

  it('refuses a token without exp', async () => {
    const token = await h.idp.signToken({
      sub: 'alice',
      email: 'alice@example.com',
      aud: AUDIENCE,
      exp: undefined,
    });
    await expectRefusal(h, bearer(token), 'InvalidGrantException', 400, /exp/);
  });

  it('refuses a user not in the identity store, and a claim mapping to several users', async () => {
    await expectRefusal(
      h,
      bearer(await h.idp.tokenFor('mallory')),
      'InvalidGrantException',
      400,
      /No user in the identity store/,
    );
    await expectRefusal(
      h,
      bearer(await h.idp.tokenFor('carol')),
      'InvalidGrantException',
      400,
      /2 users .* exactly one user/,
    );
  });

  it('refuses a token without the mapped claim', async () => {
    const token = await h.idp.signToken({ sub: 'alice', aud: AUDIENCE });
    await expectRefusal(h, bearer(token), 'InvalidGrantException', 400, /no string claim email/);
  });

  it('refuses an unassigned user with AccessDeniedException (400)', async () => {
    await expectRefusal(h, bearer(await h.idp.tokenFor('bob')), 'AccessDeniedException', 400, /not assigned/);
  });

  it('refuses a reused jti, but lets a refused exchange be retried', async () => {
    const token = await h.idp.tokenFor('alice');
    await h.call(bearer(token));
    await expectRefusal(h, bearer(token), 'InvalidGrantException', 400, /already exchanged/);
    const unassigned = await h.idp.tokenFor('bob');
    await expectRefusal(h, bearer(unassigned), 'AccessDeniedException', 400);
    await expectRefusal(h, bearer(unassigned), 'AccessDeniedException', 400);
  });

  it('lets exactly one of two concurrent exchanges of one JWT succeed', async () => {
    const token = await h.idp.tokenFor('alice');
    const results = await Promise.allSettled([
      h.call(bearer(token)),
      h.call(bearer(token)),
      h.call(bearer(token)),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(rejected.map((r) => (r.reason as AwsServiceError).code)).toEqual([
      'InvalidGrantException',
      'InvalidGrantException',
    ]);
  });

  it('carries the assertion auth_time into the ID token, ignoring implausible values', async () => {
    const now = Math.floor(h.runtime.now() / 1000);
    const signed = await h.idp.signToken({
      sub: 'alice',
      email: 'alice@example.com',
      aud: AUDIENCE,
      auth_time: now - 300,
    });
    const out = await h.call(bearer(signed));
    expect(decodeJwt(out.idToken as string).auth_time).toBe(
      new Date((now - 300) * 1000).toISOString().replace('.000Z', 'Z'),
    );
    for (const authTime of [now + 86_400, -5, 1e300, 'yesterday']) {
      const odd = await h.idp.signToken({
        sub: 'alice',
        email: 'alice@example.com',
        aud: AUDIENCE,
        auth_time: authTime,
      });
      const answer = await h.call(bearer(odd));
      const iso = decodeJwt(answer.idToken as string).auth_time as string;
      expect(Math.abs(Date.parse(iso) - h.runtime.now())).toBeLessThan(1000);
    }
  });

  it('refuses a token whose kid the issuer does not have', async () => {
    const token = await h.idp.signToken(
      { sub: 'alice', email: 'alice@example.com', aud: AUDIENCE },
      { kid: 'no-such-kid' },
    );
    await expectRefusal(h, bearer(token), 'InvalidGrantException', 400, /No key/);
  });

  it('refetches the JWKS after key rotation', async () => {
    await h.call(bearer(await h.idp.tokenFor('alice')));
    await h.idp.rotateKeys();
    h.runtime.advance(2000);
    const out = await h.call(bearer(await h.idp.tokenFor('alice')));
    expect(out.accessToken).toEqual(expect.any(String));
  });

  it('refuses malformed assertions without echoing them', async () => {
    for (const assertion of ['not-a-jwt', 'a.b.c', 'eyJ.eyJ.', 'x'.repeat(20_000)]) {
      const error = await expectRefusal(h, bearer(assertion), 'InvalidGrantException', 400);
      expect(error.message).not.toContain(assertion.slice(0, 8));
    }
  });

  it('never puts the assertion in an error message or audit entry', async () => {
    const token = await h.idp.tokenFor('bob');
    const error = await h.refuse(bearer(token));
    const audit = JSON.stringify(h.audit);
    for (const part of token.split('.')) {
      expect(error.message).not.toContain(part);
      expect(JSON.stringify(error.extra)).not.toContain(part);
      expect(audit).not.toContain(part);
    }
  });
});

describe('CreateTokenWithIAM client and request checks', () => {
  it('refuses an unknown clientId with InvalidClientException (401)', async () => {
    await expectRefusal(h, bearer('x', { clientId: `${APP_ARN}0` }), 'InvalidClientException', 401);
  });

  it('refuses a grant the application does not have', async () => {
    await expectRefusal(
      h,
      bearer(await h.idp.tokenFor('alice'), { clientId: NO_JWT_APP_ARN }),
      'UnauthorizedClientException',
      400,
      /jwt-bearer/,
    );
  });

  it('refuses an unsupported grant type', async () => {
    await expectRefusal(
      h,
      { clientId: APP_ARN, grantType: 'password' },
      'UnsupportedGrantTypeException',
      400,
    );
    await expectRefusal(
      h,
      { clientId: APP_ARN, grantType: '__proto__' },
      'UnsupportedGrantTypeException',
      400,
    );
  });

  it('refuses missing or mistyped members with InvalidRequestException', async () => {
    await expectRefusal(h, { grantType: JWT_BEARER }, 'InvalidRequestException', 400, /clientId/);
    await expectRefusal(h, { clientId: APP_ARN }, 'InvalidRequestException', 400, /grantType/);
    await expectRefusal(
      h,
      { clientId: APP_ARN, grantType: JWT_BEARER },
      'InvalidRequestException',
      400,
      /assertion/,
    );
    await expectRefusal(
      h,
      { clientId: APP_ARN, grantType: JWT_BEARER, assertion: 42 },
      'InvalidRequestException',
      400,
    );
    await expectRefusal(h, bearer('x.y.z', { scope: 'openid' }), 'InvalidRequestException', 400, /scope/);
  });

  it('refuses a caller of another account (default actor policy) and a caller the IAM policy denies', async () => {
    const token = await h.idp.tokenFor('alice');
    const stranger = { ...CALLER, accountId: '999999999999', arn: 'arn:aws:iam::999999999999:user/x' };
    const error = await h.refuse(bearer(token), stranger);
    expect([error.code, error.status]).toEqual(['AccessDeniedException', 400]);
    expect(error.message).toMatch(/actor policy/);
    const denying = await createHarness((c) => c, h.idp);
    (denying.runtime as { authorize: unknown }).authorize = () => ({ allowed: false, reason: 'no policy' });
    const denied = await denying.refuse(bearer(token));
    expect([denied.code, denied.message]).toEqual([
      'AccessDeniedException',
      expect.stringMatching(/sso-oauth:CreateTokenWithIAM/),
    ]);
  });

  it('applies an explicit actor policy', async () => {
    const roleArn = `arn:aws:iam::${ACCOUNT}:role/tip-service`;
    const strict = await createHarness(
      (c) => ({
        ...c,
        identityCenter: {
          ...c.identityCenter,
          applications: [
            app(APP_ARN, {
              jwtBearer: { authorizedTokenIssuers: [{ tokenIssuer: 'idp', audiences: [AUDIENCE] }] },
              actorPrincipals: [roleArn],
            }),
          ],
        },
      }),
      h.idp,
    );
    const refused = await strict.refuse(bearer(await h.idp.tokenFor('alice')));
    expect(refused.code).toBe('AccessDeniedException');
    const session = {
      ...CALLER,
      kind: 'assumed-role' as const,
      arn: `arn:aws:sts::${ACCOUNT}:assumed-role/tip-service/s`,
      roleArn,
    };
    const out = await strict.call(bearer(await h.idp.tokenFor('alice')), session);
    expect(out.accessToken).toEqual(expect.any(String));
  });
});
