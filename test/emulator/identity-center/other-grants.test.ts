import { createHash, randomBytes } from 'node:crypto';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyIdentityContext } from '../../../src/emulator/identity-center/context.js';
import { issueAuthorizationCode } from '../../../src/emulator/identity-center/service.js';
import {
  TOKEN_EXCHANGE,
  ACCESS_TYPE,
  REFRESH_TYPE,
  REDIRECT,
  bearer,
  createHarness,
  expectRefusal,
  type Harness,
} from './helpers/harness.js';
import { APP_ARN, NO_JWT_APP_ARN, OTHER_APP_ARN } from './helpers/runtime.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h.idp.stop();
});

describe('CreateTokenWithIAM refresh_token', () => {
  it('issues a new access token without identity when the application says so, and refuses an expired refresh token', async () => {
    const harness = await createHarness(
      (c) => ({
        ...c,
        identityCenter: {
          ...c.identityCenter,
          applications: c.identityCenter.applications.map((a) =>
            a.arn === APP_ARN ? { ...a, refreshReturnsIdentityContext: false } : a,
          ),
        },
      }),
      h.idp,
    );
    const first = await harness.call(bearer(await h.idp.tokenFor('alice')));
    const out = await harness.call({
      clientId: APP_ARN,
      grantType: 'refresh_token',
      refreshToken: first.refreshToken,
    });
    expect(out.accessToken).not.toBe(first.accessToken);
    expect(out.refreshToken).toEqual(expect.any(String));
    expect(out.issuedTokenType).toBe(REFRESH_TYPE);
    expect(out.idToken).toBeUndefined();
    expect(out.awsAdditionalDetails).toBeUndefined();
    const narrowed = await harness.call({
      clientId: APP_ARN,
      grantType: 'refresh_token',
      refreshToken: first.refreshToken,
      scope: ['aws'],
    });
    expect(narrowed.scope).toEqual(['aws']);
    harness.runtime.advance(86400_000);
    const error = await harness.refuse({
      clientId: APP_ARN,
      grantType: 'refresh_token',
      refreshToken: first.refreshToken,
    });
    expect([error.code, error.status]).toEqual(['ExpiredTokenException', 400]);
    const rotated = await harness.refuse({
      clientId: APP_ARN,
      grantType: 'refresh_token',
      refreshToken: out.refreshToken,
    });
    expect(rotated.code).toBe('ExpiredTokenException');
  });

  it("refuses unknown refresh tokens, another application's, and scopes beyond the grant", async () => {
    const first = await h.call(bearer(await h.idp.tokenFor('alice'), { scope: ['aws', 'openid'] }));
    await expectRefusal(
      h,
      { clientId: APP_ARN, grantType: 'refresh_token', refreshToken: 'aorNOPE' },
      'InvalidGrantException',
      400,
    );
    await expectRefusal(
      h,
      {
        clientId: APP_ARN,
        grantType: 'refresh_token',
        refreshToken: first.refreshToken,
        scope: ['sts:identity_context'],
      },
      'InvalidScopeException',
      400,
    );
    await expectRefusal(
      h,
      { clientId: NO_JWT_APP_ARN, grantType: 'refresh_token', refreshToken: first.refreshToken },
      'InvalidGrantException',
      400,
    );
    await expectRefusal(
      h,
      { clientId: OTHER_APP_ARN, grantType: 'refresh_token', refreshToken: first.refreshToken },
      'UnauthorizedClientException',
      400,
    );
  });

  it('returns a fresh identity context and ID token by default, as the official TIP plugin requires', async () => {
    const harness = await createHarness((c) => c, h.idp);
    const first = await harness.call(bearer(await h.idp.tokenFor('alice')));
    const out = await harness.call({
      clientId: APP_ARN,
      grantType: 'refresh_token',
      refreshToken: first.refreshToken,
    });
    const context = (out.awsAdditionalDetails as { identityContext: string }).identityContext;
    expect(verifyIdentityContext(harness.runtime, context).ok).toBe(true);
    expect(decodeJwt(out.idToken as string)['sts:identity_context']).toBe(context);
  });
});

describe('CreateTokenWithIAM token-exchange', () => {
  const exchange = (subjectToken: unknown, extra: Record<string, unknown> = {}) => ({
    clientId: APP_ARN,
    grantType: TOKEN_EXCHANGE,
    subjectToken,
    subjectTokenType: ACCESS_TYPE,
    requestedTokenType: ACCESS_TYPE,
    ...extra,
  });

  it('exchanges an access token of an accepted application', async () => {
    const other = await h.call(bearer(await h.idp.tokenFor('alice'), { clientId: OTHER_APP_ARN }));
    expect(other.refreshToken).toBeUndefined();
    expect(other.issuedTokenType).toBe(ACCESS_TYPE);
    const out = await h.call(exchange(other.accessToken));
    expect(out.issuedTokenType).toBe(ACCESS_TYPE);
    expect(out.refreshToken).toBeUndefined();
    expect(decodeJwt(out.idToken as string).aud).toBe(APP_ARN);
    const context = (out.awsAdditionalDetails as { identityContext: string }).identityContext;
    const verified = verifyIdentityContext(h.runtime, context);
    expect(verified.ok && verified.claims.applicationArn).toBe(APP_ARN);
    const withRefresh = await h.call(exchange(other.accessToken, { requestedTokenType: REFRESH_TYPE }));
    expect(withRefresh.refreshToken).toEqual(expect.any(String));
    expect(withRefresh.issuedTokenType).toBe(REFRESH_TYPE);
  });

  it('refuses tokens of other applications, unknown and expired tokens, and wrong token types', async () => {
    const own = await h.call(bearer(await h.idp.tokenFor('alice')));
    await expectRefusal(h, exchange(own.accessToken), 'InvalidGrantException', 400, /does not accept/);
    await expectRefusal(h, exchange('aoaUNKNOWN'), 'InvalidGrantException', 400);
    const other = await h.call(bearer(await h.idp.tokenFor('alice'), { clientId: OTHER_APP_ARN }));
    await expectRefusal(
      h,
      exchange(other.accessToken, { subjectTokenType: 'urn:ietf:params:oauth:token-type:jwt' }),
      'InvalidRequestException',
      400,
    );
    await expectRefusal(
      h,
      exchange(other.accessToken, { requestedTokenType: 'urn:x' }),
      'InvalidRequestException',
      400,
    );
    await expectRefusal(
      h,
      exchange(other.accessToken, { clientId: OTHER_APP_ARN }),
      'UnauthorizedClientException',
      400,
    );
    const harness = await createHarness((c) => c, h.idp);
    const late = await harness.call(bearer(await h.idp.tokenFor('alice'), { clientId: OTHER_APP_ARN }));
    harness.runtime.advance(3600_000);
    const error = await harness.refuse(exchange(late.accessToken));
    expect(error.code).toBe('ExpiredTokenException');
  });

  it('refuses a subject whose user is not assigned to this application', async () => {
    const other = await h.call(bearer(await h.idp.tokenFor('bob'), { clientId: OTHER_APP_ARN }));
    await expectRefusal(h, exchange(other.accessToken), 'AccessDeniedException', 400);
  });
});

describe('CreateTokenWithIAM authorization_code', () => {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const redeem = (code: string, extra: Record<string, unknown> = {}) => ({
    clientId: APP_ARN,
    grantType: 'authorization_code',
    code,
    redirectUri: REDIRECT,
    codeVerifier: verifier,
    ...extra,
  });
  const newCode = (over: Record<string, unknown> = {}) =>
    issueAuthorizationCode(h.runtime, {
      applicationArn: APP_ARN,
      userName: 'alice',
      redirectUri: REDIRECT,
      codeChallenge: challenge,
      ...over,
    });

  it('redeems a code once with the right PKCE verifier', async () => {
    const code = newCode();
    const out = await h.call(redeem(code));
    expect(out.refreshToken).toEqual(expect.any(String));
    expect(decodeJwt(out.idToken as string).sub).toBe('u-alice');
    await expectRefusal(h, redeem(code), 'InvalidGrantException', 400);
  });

  it('refuses a wrong or missing verifier, another redirect URI and an expired code', async () => {
    await expectRefusal(
      h,
      redeem(newCode(), { codeVerifier: randomBytes(32).toString('base64url') }),
      'InvalidGrantException',
      400,
      /PKCE/,
    );
    await expectRefusal(
      h,
      redeem(newCode(), { codeVerifier: undefined }),
      'InvalidRequestException',
      400,
      /codeVerifier/,
    );
    await expectRefusal(
      h,
      redeem(newCode(), { redirectUri: 'http://evil.example/cb' }),
      'InvalidRequestException',
      400,
      /redirectUri/,
    );
    const code = newCode({ lifetimeSeconds: 1 });
    h.runtime.advance(1000);
    await expectRefusal(h, redeem(code), 'InvalidGrantException', 400, /expired/);
  });

  it('refuses the grant on applications without it, and bad authorize requests', async () => {
    await expectRefusal(h, redeem('c', { clientId: OTHER_APP_ARN }), 'UnauthorizedClientException', 400);
    expect(() => newCode({ userName: 'bob' })).toThrow(TypeError);
    expect(() => newCode({ redirectUri: 'http://x/cb' })).toThrow(TypeError);
    expect(() => newCode({ applicationArn: OTHER_APP_ARN })).toThrow(TypeError);
  });
});
