import { createHash, randomBytes } from 'node:crypto';
import {
  CreateTokenWithIAMCommand,
  type CreateTokenWithIAMCommandInput,
  SSOOIDCClient,
} from '@aws-sdk/client-sso-oidc';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmulatorConfigInput } from '../../../src/emulator/config/types.js';
import { issueAuthorizationCode } from '../../../src/emulator/identity-center/service.js';
import { type RunningEmulator, startEmulator } from '../../../src/emulator/start.js';

const ACCOUNT = '123456789012';
const INSTANCE = 'ssoins-1111222233334444';
const APP = `arn:aws:sso::${ACCOUNT}:application/${INSTANCE}/apl-aaaabbbbccccdddd`;
const PORTAL = `arn:aws:sso::${ACCOUNT}:application/${INSTANCE}/apl-eeeeffff00001111`;
const PLAIN = `arn:aws:sso::${ACCOUNT}:application/${INSTANCE}/apl-2222333344445555`;
const REDIRECT = 'http://127.0.0.1:7890/callback';
const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const ACCESS_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

const config: EmulatorConfigInput = {
  accountId: ACCOUNT,
  idp: { audience: 'tip-sdk-demo' },
  identityCenter: {
    instanceArn: `arn:aws:sso:::instance/${INSTANCE}`,
    identityStoreId: 'd-1234567890',
    users: [
      { userName: 'alice', email: 'alice@example.com', userId: 'u-alice', groups: ['analysts'] },
      { userName: 'bob', email: 'bob@example.com', userId: 'u-bob' },
      { userName: 'carol', email: 'shared@example.com', userId: 'u-carol' },
      { userName: 'dave', email: 'shared@example.com', userId: 'u-dave' },
    ],
    groups: [{ name: 'analysts', groupId: 'g-analysts' }],
    trustedTokenIssuers: [{ name: 'idp', issuerUrl: 'idp' }],
    applications: [
      {
        arn: APP,
        jwtBearer: { authorizedTokenIssuers: [{ tokenIssuer: 'idp', audiences: ['tip-sdk-demo'] }] },
        tokenExchange: { fromApplications: [PORTAL] },
        authorizationCode: { redirectUris: [REDIRECT] },
        scopes: ['openid', 'aws', 'sts:identity_context'],
        assignments: { groups: ['analysts'] },
        refreshTokenLifetimeSeconds: 7200,
      },
      {
        arn: PORTAL,
        jwtBearer: { authorizedTokenIssuers: [{ tokenIssuer: 'idp', audiences: ['tip-sdk-demo'] }] },
        assignmentRequired: false,
      },
      { arn: PLAIN, assignmentRequired: false },
    ],
  },
  roles: [
    {
      arn: `arn:aws:iam::${ACCOUNT}:role/analytics`,
      trustPolicy: [
        {
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/service` },
          Action: ['sts:AssumeRole', 'sts:SetContext'],
        },
      ],
    },
  ],
  callers: [
    {
      accessKeyId: 'AKIDSERVICE0000000001',
      secretAccessKey: 'service-secret-key-0000000000',
      principalArn: `arn:aws:iam::${ACCOUNT}:user/service`,
    },
  ],
};

let emu: RunningEmulator;
let client: SSOOIDCClient;
beforeAll(async () => {
  emu = await startEmulator(config, {
    quiet: true,
    services: {
      'redshift-data': false,
      redshift: false,
      'redshift-serverless': false,
      s3: false,
      's3-control': false,
    },
  });
  client = new SSOOIDCClient(emu.clientConfig({ service: 'sso-oidc' }));
});
afterAll(async () => {
  client?.destroy();
  await emu?.stop();
});

const idp = () => {
  if (!emu.idp) throw new Error('the embedded IdP is not running');
  return emu.idp;
};
const send = (input: CreateTokenWithIAMCommandInput) => client.send(new CreateTokenWithIAMCommand(input));

/** The error the SDK surfaces for `input`: its name, HTTP status and OAuth error members. */
async function refusal(input: CreateTokenWithIAMCommandInput) {
  try {
    await send(input);
  } catch (error) {
    const e = error as {
      name: string;
      $metadata: { httpStatusCode: number };
      error?: string;
      error_description?: string;
    };
    return {
      name: e.name,
      status: e.$metadata.httpStatusCode,
      error: e.error,
      description: e.error_description ?? '',
    };
  }
  throw new Error('expected a refusal');
}

const bearer = (assertion: string, extra: Partial<CreateTokenWithIAMCommandInput> = {}) => ({
  clientId: APP,
  grantType: JWT_BEARER,
  assertion,
  ...extra,
});

describe('CreateTokenWithIAM through @aws-sdk/client-sso-oidc', () => {
  it('exchanges an IdP token: tokens, ID token claims and the identity context', async () => {
    const out = await send(bearer(await idp().tokenFor('alice')));
    expect(out.tokenType).toBe('Bearer');
    expect(out.expiresIn).toBe(3600);
    expect(out.scope).toEqual(['openid', 'aws', 'sts:identity_context']);
    expect(out.issuedTokenType).toBe('urn:ietf:params:oauth:token-type:refresh_token');
    expect(out.accessToken).toMatch(/^aoa/);
    expect(out.refreshToken).toMatch(/^aor/);
    const context = out.awsAdditionalDetails?.identityContext;
    expect(context?.length).toBeGreaterThanOrEqual(4);
    expect(context?.length).toBeLessThanOrEqual(2048);
    const claims = decodeJwt(out.idToken as string);
    expect(claims).toMatchObject({
      sub: 'u-alice',
      aud: APP,
      iss: `https://identitycenter.amazonaws.com/${INSTANCE}`,
      'sts:identity_context': context,
      'aws:identity_store_id': 'd-1234567890',
      'aws:instance_arn': `arn:aws:sso:::instance/${INSTANCE}`,
      'aws:instance_account': ACCOUNT,
    });
    expect(typeof claims.auth_time).toBe('string');
    expect(emu.auditLog.entries().some((e) => e.outcome === 'allowed' && e.resource === APP)).toBe(true);
  });

  it('refuses a tampered signature', async () => {
    const [h, p, s] = (await idp().tokenFor('alice')).split('.') as [string, string, string];
    const payload = Buffer.from(
      JSON.stringify({ ...decodeJwt(`${h}.${p}.${s}`), email: 'bob@example.com' }),
    ).toString('base64url');
    expect(await refusal(bearer(`${h}.${payload}.${s}`))).toMatchObject({
      name: 'InvalidGrantException',
      status: 400,
      error: 'invalid_grant',
      description: expect.stringMatching(/signature/),
    });
  });

  it('refuses an unknown issuer, a wrong audience and an expired token', async () => {
    const evil = await idp().signToken({
      iss: 'https://evil.example.com',
      sub: 'alice',
      email: 'alice@example.com',
      aud: 'tip-sdk-demo',
    });
    expect(await refusal(bearer(evil))).toMatchObject({
      name: 'InvalidGrantException',
      description: expect.stringMatching(/issuer/),
    });
    const wrongAud = await idp().tokenFor('alice', { audience: 'another-api' });
    expect(await refusal(bearer(wrongAud))).toMatchObject({
      name: 'InvalidGrantException',
      description: expect.stringMatching(/audience/),
    });
    const now = Math.floor(Date.now() / 1000);
    const expired = await idp().signToken({
      sub: 'alice',
      email: 'alice@example.com',
      aud: 'tip-sdk-demo',
      iat: now - 7200,
      exp: now - 3600,
    });
    expect(await refusal(bearer(expired))).toMatchObject({
      name: 'InvalidGrantException',
      description: expect.stringMatching(/expired/),
    });
  });

  it('refuses a user not in the identity store and an ambiguous mapping', async () => {
    const stranger = await idp().signToken({ sub: 'eve', email: 'eve@example.com', aud: 'tip-sdk-demo' });
    expect(await refusal(bearer(stranger))).toMatchObject({
      name: 'InvalidGrantException',
      description: expect.stringMatching(/No user/),
    });
    expect(await refusal(bearer(await idp().tokenFor('carol')))).toMatchObject({
      name: 'InvalidGrantException',
      description: expect.stringMatching(/2 users .*exactly one/),
    });
  });

  it('refuses an unassigned user with AccessDeniedException (HTTP 400)', async () => {
    expect(await refusal(bearer(await idp().tokenFor('bob')))).toMatchObject({
      name: 'AccessDeniedException',
      status: 400,
      error: 'access_denied',
    });
  });

  it('keeps tokens and assertions out of error answers and the audit log', async () => {
    const token = await idp().tokenFor('bob');
    const answer = await refusal(bearer(token));
    const first = await send(bearer(await idp().tokenFor('alice')));
    const secrets = [
      ...token.split('.'),
      first.accessToken as string,
      first.refreshToken as string,
      first.awsAdditionalDetails?.identityContext as string,
    ];
    const audit = JSON.stringify(emu.auditLog.entries());
    for (const secret of secrets) {
      expect(answer.description).not.toContain(secret);
      expect(audit).not.toContain(secret);
    }
  });

  it('refuses a reused jti', async () => {
    const token = await idp().tokenFor('alice');
    await send(bearer(token));
    expect(await refusal(bearer(token))).toMatchObject({
      name: 'InvalidGrantException',
      description: expect.stringMatching(/already/),
    });
  });

  it('refuses an unknown clientId (401), a grant the app lacks, an unsupported grant and a bad scope', async () => {
    const token = await idp().tokenFor('alice');
    expect(await refusal(bearer(token, { clientId: `${APP}0` }))).toMatchObject({
      name: 'InvalidClientException',
      status: 401,
    });
    expect(await refusal(bearer(token, { clientId: PLAIN }))).toMatchObject({
      name: 'UnauthorizedClientException',
      status: 400,
    });
    expect(await refusal({ clientId: APP, grantType: 'password' })).toMatchObject({
      name: 'UnsupportedGrantTypeException',
    });
    expect(await refusal(bearer(token, { scope: ['openid', 'redshift:connect'] }))).toMatchObject({
      name: 'InvalidScopeException',
    });
  });

  it('refreshes, and refuses an expired refresh token with ExpiredTokenException', async () => {
    const first = await send(bearer(await idp().tokenFor('alice')));
    const refreshed = await send({
      clientId: APP,
      grantType: 'refresh_token',
      refreshToken: first.refreshToken,
    });
    expect(refreshed.accessToken).toMatch(/^aoa/);
    expect(refreshed.accessToken).not.toBe(first.accessToken);
    // As the official TIP plugin expects of the real service: a new identity context on refresh.
    expect(refreshed.awsAdditionalDetails?.identityContext).toEqual(expect.any(String));
    expect(refreshed.awsAdditionalDetails?.identityContext).not.toBe(
      first.awsAdditionalDetails?.identityContext,
    );
    expect(
      await refusal({ clientId: APP, grantType: 'refresh_token', refreshToken: 'aorUNKNOWN' }),
    ).toMatchObject({
      name: 'InvalidGrantException',
    });
    emu.clock.advance(7200_000);
    try {
      expect(
        await refusal({ clientId: APP, grantType: 'refresh_token', refreshToken: first.refreshToken }),
      ).toMatchObject({
        name: 'ExpiredTokenException',
        status: 400,
      });
    } finally {
      emu.clock.reset();
    }
  });

  it("exchanges another application's access token (token-exchange)", async () => {
    const portal = await send(bearer(await idp().tokenFor('alice'), { clientId: PORTAL }));
    const out = await send({
      clientId: APP,
      grantType: 'urn:ietf:params:oauth:grant-type:token-exchange',
      subjectToken: portal.accessToken,
      subjectTokenType: ACCESS_TYPE,
      requestedTokenType: ACCESS_TYPE,
    });
    expect(out.issuedTokenType).toBe(ACCESS_TYPE);
    expect(out.awsAdditionalDetails?.identityContext).toEqual(expect.any(String));
    expect(decodeJwt(out.idToken as string)).toMatchObject({ sub: 'u-alice', aud: APP });
    const own = await send(bearer(await idp().tokenFor('alice')));
    expect(
      await refusal({
        clientId: APP,
        grantType: 'urn:ietf:params:oauth:grant-type:token-exchange',
        subjectToken: own.accessToken,
        subjectTokenType: ACCESS_TYPE,
      }),
    ).toMatchObject({ name: 'InvalidGrantException' });
  });

  it('redeems an authorization code with PKCE once', async () => {
    const verifier = randomBytes(32).toString('base64url');
    const codeChallenge = createHash('sha256').update(verifier).digest('base64url');
    const code = issueAuthorizationCode(emu.runtime, {
      applicationArn: APP,
      userName: 'alice',
      redirectUri: REDIRECT,
      codeChallenge,
    });
    const wrong = issueAuthorizationCode(emu.runtime, {
      applicationArn: APP,
      userName: 'alice',
      redirectUri: REDIRECT,
      codeChallenge,
    });
    const input = {
      clientId: APP,
      grantType: 'authorization_code',
      code,
      redirectUri: REDIRECT,
      codeVerifier: verifier,
    };
    expect(
      await refusal({ ...input, code: wrong, codeVerifier: randomBytes(32).toString('base64url') }),
    ).toMatchObject({
      name: 'InvalidGrantException',
      description: expect.stringMatching(/PKCE/),
    });
    const out = await send(input);
    expect(decodeJwt(out.idToken as string).sub).toBe('u-alice');
    expect(await refusal(input)).toMatchObject({ name: 'InvalidGrantException' });
  });

  it('counts calls and error answers per operation', async () => {
    emu.counters.reset();
    await send(bearer(await idp().tokenFor('alice')));
    await refusal(bearer(await idp().tokenFor('bob')));
    expect(emu.counters.get('sso-oauth:CreateTokenWithIAM')).toBe(2);
    expect(emu.counters.snapshot().errors['sso-oauth:CreateTokenWithIAM:AccessDeniedException']).toBe(1);
  });

  it('yields an identity context that STS AssumeRole accepts as the IdentityCenter context', async () => {
    const out = await send(bearer(await idp().tokenFor('alice')));
    const sts = new STSClient(emu.clientConfig({ service: 'sts' }));
    try {
      const assumed = await sts.send(
        new AssumeRoleCommand({
          RoleArn: `arn:aws:iam::${ACCOUNT}:role/analytics`,
          RoleSessionName: 'alice-analytics',
          DurationSeconds: 900,
          ProvidedContexts: [
            {
              ProviderArn: 'arn:aws:iam::aws:contextProvider/IdentityCenter',
              ContextAssertion: out.awsAdditionalDetails?.identityContext,
            },
          ],
        }),
      );
      const session = emu.runtime.credentials.lookup(assumed.Credentials?.AccessKeyId ?? '');
      expect(session?.caller.identityContext).toMatchObject({
        idcUserId: 'u-alice',
        userName: 'alice',
        groupNames: ['analysts'],
        applicationArn: APP,
      });
    } finally {
      sts.destroy();
    }
  });
});
