import { AssumeRoleWithWebIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../../src/emulator/start.js';
import { ACCOUNT, baseConfig } from '../core/helpers/config.js';

const ISSUER = 'https://login.example.com/tenant-1';
const ARN_ROLE = `arn:aws:iam::${ACCOUNT}:role/oidc-by-arn`;
const URL_ROLE = `arn:aws:iam::${ACCOUNT}:role/oidc-by-url`;

let emu: RunningEmulator;
let sts: STSClient;
type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
let keys: { kid: string; privateKey: PrivateKey; jwk: Record<string, unknown> }[] = [];
let discoveryIssuer = ISSUER;
let fetches = 0;

async function newKey(kid: string) {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
}

/** A fetch that serves the issuer's discovery document and JWKS from memory. */
const fakeFetch: typeof fetch = async (input) => {
  fetches += 1;
  const url = String(input);
  if (url === `${ISSUER}/.well-known/openid-configuration`) {
    return Response.json({ issuer: discoveryIssuer, jwks_uri: `${ISSUER}/keys` });
  }
  if (url === `${ISSUER}/keys`) return Response.json({ keys: keys.map((k) => k.jwk) });
  return new Response('not found', { status: 404 });
};

async function token(claims: Record<string, unknown>, key = keys[0]!) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ sub: 'user-1', aud: 'client-1', iat: now, exp: now + 600, ...claims })
    .setProtectedHeader({ alg: 'RS256', kid: key.kid })
    .setIssuer(String(claims.iss ?? ISSUER))
    .sign(key.privateKey);
}

function assume(roleArn: string, webToken: string) {
  return sts
    .send(
      new AssumeRoleWithWebIdentityCommand({
        RoleArn: roleArn,
        RoleSessionName: 'web',
        WebIdentityToken: webToken,
      }),
    )
    .then(
      (out) => ({ ok: true as const, out }),
      (err: { name: string; $metadata?: { httpStatusCode?: number } }) => ({
        ok: false as const,
        name: err.name,
        status: err.$metadata?.httpStatusCode,
      }),
    );
}

beforeAll(async () => {
  keys = [await newKey('k1')];
  const config = baseConfig();
  config.roles.push(
    {
      arn: ARN_ROLE,
      trustPolicy: [
        {
          Effect: 'Allow',
          Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/login.example.com/tenant-1` },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: {
            StringEquals: { 'login.example.com/tenant-1:aud': 'client-1' },
            StringLike: { 'login.example.com/tenant-1:sub': 'user-*' },
          },
        },
      ],
    },
    {
      arn: URL_ROLE,
      trustPolicy: [
        { Effect: 'Allow', Principal: { Federated: ISSUER }, Action: 'sts:AssumeRoleWithWebIdentity' },
        {
          Effect: 'Deny',
          Principal: '*',
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: { StringEquals: { 'login.example.com/tenant-1:sub': 'blocked' } },
        },
      ],
    },
  );
  emu = await startEmulator(config, { quiet: true, fetch: fakeFetch, services: { 'redshift-data': false } });
  sts = new STSClient(emu.clientConfig());
});
afterAll(async () => {
  await emu.stop();
});

describe('AssumeRoleWithWebIdentity against an external issuer', () => {
  it('accepts a provider ARN with aud and sub conditions', async () => {
    const result = await assume(ARN_ROLE, await token({}));
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.out.Provider).toBe('login.example.com/tenant-1');
      expect(result.out.Audience).toBe('client-1');
      expect(result.out.SubjectFromWebIdentityToken).toBe('user-1');
    }
  });

  it('evaluates the conditions', async () => {
    expect(await assume(ARN_ROLE, await token({ aud: 'client-2' }))).toMatchObject({
      ok: false,
      name: 'AccessDenied',
      status: 403,
    });
    expect(await assume(ARN_ROLE, await token({ sub: 'admin' }))).toMatchObject({
      ok: false,
      name: 'AccessDenied',
    });
    // Any one audience of a multi-audience token may satisfy the condition.
    expect((await assume(ARN_ROLE, await token({ aud: ['other', 'client-1'] }))).ok).toBe(true);
  });

  it('accepts an issuer URL principal, and honours a Deny', async () => {
    expect((await assume(URL_ROLE, await token({}))).ok).toBe(true);
    expect(await assume(URL_ROLE, await token({ sub: 'blocked' }))).toMatchObject({
      ok: false,
      name: 'AccessDenied',
    });
  });

  it('refetches keys once for an unknown kid (rotation)', async () => {
    const rotated = await newKey('k2');
    const before = fetches;
    keys = [keys[0]!, rotated];
    expect((await assume(ARN_ROLE, await token({}, rotated))).ok).toBe(true);
    expect(fetches - before).toBe(2);
    const stranger = await newKey('k3');
    expect(await assume(ARN_ROLE, await token({}, stranger))).toMatchObject({
      ok: false,
      name: 'InvalidIdentityTokenException',
    });
  });

  it.each([
    [
      'none algorithm',
      async () =>
        `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ iss: ISSUER, sub: 'user-1', aud: 'client-1' })).toString('base64url')}.`,
    ],
    [
      'HS256 with the public key as secret',
      async () =>
        new SignJWT({ sub: 'user-1', aud: 'client-1' })
          .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
          .setIssuer(ISSUER)
          .setExpirationTime('5m')
          .sign(new TextEncoder().encode(JSON.stringify(keys[0]!.jwk))),
    ],
    ['not yet valid', async () => token({ nbf: Math.floor(Date.now() / 1000) + 600 })],
    ['no exp claim (never expires)', async () => token({ exp: undefined })],
    ['issuer with a trailing path trick', async () => token({ iss: `${ISSUER}/../other` })],
  ])('rejects %s', async (_label, make) => {
    const result = await assume(ARN_ROLE, await make());
    expect(result.ok).toBe(false);
    if (!result.ok) expect(['InvalidIdentityTokenException', 'AccessDenied']).toContain(result.name);
  });

  it('names the missing exp claim when refusing a token that never expires', async () => {
    const result = await sts
      .send(
        new AssumeRoleWithWebIdentityCommand({
          RoleArn: ARN_ROLE,
          RoleSessionName: 'web',
          WebIdentityToken: await token({ exp: undefined }),
        }),
      )
      .then(
        () => undefined,
        (err: Error) => err,
      );
    expect(result?.name).toBe('InvalidIdentityTokenException');
    expect(result?.message).toContain('exp');
  });

  it('answers IDPCommunicationError when discovery names another issuer', async () => {
    discoveryIssuer = 'https://evil.example.com';
    try {
      // A fresh key forces a refetch of the discovery document.
      const fresh = await newKey('k4');
      keys.push(fresh);
      expect(await assume(ARN_ROLE, await token({}, fresh))).toMatchObject({
        ok: false,
        name: 'IDPCommunicationErrorException',
        status: 400,
      });
    } finally {
      discoveryIssuer = ISSUER;
    }
  });
});
