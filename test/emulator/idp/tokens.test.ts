import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedIdp, startIdp } from '../../../src/emulator/idp/index.js';

let idp: EmbeddedIdp;
let jwks: ReturnType<typeof createRemoteJWKSet>;

beforeAll(async () => {
  idp = await startIdp({
    quiet: true,
    users: [
      {
        userName: 'alice',
        email: 'alice@example.com',
        displayName: 'Alice Doe',
        groups: ['analysts', 'admins'],
      },
      { userName: 'bob', email: 'bob@example.com' },
    ],
  });
  jwks = createRemoteJWKSet(new URL(idp.jwksUri));
});

afterAll(async () => {
  await idp.stop();
});

describe('embedded IdP metadata', () => {
  it('serves a discovery document naming its issuer, JWKS and endpoints', async () => {
    expect(idp.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${idp.issuer}/.well-known/openid-configuration`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as Record<string, unknown>;
    expect(doc.issuer).toBe(idp.issuer);
    expect(doc.jwks_uri).toBe(idp.jwksUri);
    expect(doc.jwks_uri).toBe(`${idp.issuer}/jwks`);
    expect(doc.token_endpoint).toBe(`${idp.issuer}/token`);
    expect(doc.authorization_endpoint).toBe(`${idp.issuer}/auth`);
    expect(doc.grant_types_supported).toEqual(
      expect.arrayContaining(['authorization_code', 'client_credentials', 'refresh_token']),
    );
    expect(doc.code_challenge_methods_supported).toEqual(['S256']);
    expect(doc.scopes_supported).toEqual(expect.arrayContaining(['openid', 'email', 'profile', 'groups']));
    expect(doc.id_token_signing_alg_values_supported).toEqual(expect.arrayContaining(['RS256', 'ES256']));
  });

  it('publishes RSA and EC public keys only', async () => {
    const res = await fetch(idp.jwksUri);
    expect(res.status).toBe(200);
    const { keys } = (await res.json()) as { keys: Record<string, unknown>[] };
    expect(keys).toHaveLength(2);
    const rsa = keys.find((k) => k.kty === 'RSA');
    const ec = keys.find((k) => k.kty === 'EC');
    expect(rsa).toMatchObject({ alg: 'RS256', use: 'sig', e: 'AQAB' });
    expect(ec).toMatchObject({ alg: 'ES256', use: 'sig', crv: 'P-256' });
    expect(Buffer.from(String(rsa?.n), 'base64url').length).toBe(256);
    for (const key of keys) {
      expect(typeof key.kid).toBe('string');
      for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k']) expect(key).not.toHaveProperty(member);
    }
    expect(new Set(keys.map((k) => k.kid)).size).toBe(2);
  });
});

describe('user tokens from the scripted login', () => {
  it('issues an at+jwt RS256 access token with the user claims and the default audience', async () => {
    const token = await idp.tokenFor('alice');
    const { payload, protectedHeader } = await jwtVerify(token, jwks, {
      issuer: idp.issuer,
      audience: 'tip-sdk-demo',
      typ: 'at+jwt',
      algorithms: ['RS256'],
    });
    expect(protectedHeader.kid).toEqual(expect.any(String));
    expect(payload).toMatchObject({
      sub: 'alice',
      email: 'alice@example.com',
      groups: ['analysts', 'admins'],
      scope: 'tip:read',
      client_id: idp.userClient.clientId,
    });
    expect(payload.jti).toEqual(expect.any(String));
    expect(payload.exp! - payload.iat!).toBe(600);
  });

  it('honours the audience and resource scopes asked for, and leaves out groups when the user has none', async () => {
    const token = await idp.tokenFor('bob', {
      audience: 'analytics-app',
      scope: 'openid email reports:read',
    });
    const { payload } = await jwtVerify(token, jwks, { issuer: idp.issuer, audience: 'analytics-app' });
    expect(payload.sub).toBe('bob');
    expect(payload.email).toBe('bob@example.com');
    expect(payload.scope).toBe('reports:read');
    expect(payload).not.toHaveProperty('groups');

    const uriAudience = await idp.tokenFor('bob', { audience: 'https://api.example.com/' });
    expect((await jwtVerify(uriAudience, jwks, { audience: 'https://api.example.com/' })).payload.aud).toBe(
      'https://api.example.com/',
    );
  });

  it('issues distinct jti values for each login', async () => {
    const [a, b] = await Promise.all([idp.tokenFor('alice'), idp.tokenFor('alice')]);
    const ja = (await jwtVerify(a, jwks)).payload.jti;
    const jb = (await jwtVerify(b, jwks)).payload.jti;
    expect(ja).not.toBe(jb);
  });

  it('issues an ID token with email, name and the given nonce', async () => {
    const idToken = await idp.idTokenFor('alice', { nonce: 'n-0S6_WzA2Mj' });
    const { payload, protectedHeader } = await jwtVerify(idToken, jwks, {
      issuer: idp.issuer,
      audience: idp.userClient.clientId,
    });
    expect(protectedHeader.alg).toBe('RS256');
    expect(payload).toMatchObject({
      sub: 'alice',
      email: 'alice@example.com',
      name: 'Alice Doe',
      nonce: 'n-0S6_WzA2Mj',
      groups: ['analysts', 'admins'],
    });
  });

  it('returns a refresh token that the token endpoint accepts', async () => {
    const tokens = await idp.tokensFor('bob');
    expect(tokens.refreshToken).toEqual(expect.any(String));
    const res = await fetch(`${idp.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: tokens.refreshToken!,
        client_id: idp.userClient.clientId,
      }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { access_token: string };
    const { payload } = await jwtVerify(body.access_token, jwks, { audience: 'tip-sdk-demo' });
    expect(payload.sub).toBe('bob');
    expect(payload.email).toBe('bob@example.com');
  });

  it('rejects an unknown user with a clear error before any request', async () => {
    const before = idp.requests.token;
    const error = await idp.tokenFor('mallory').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toContain('mallory');
    expect((error as Error).message).toContain('alice, bob');
    expect(idp.requests.token).toBe(before);
    await expect(idp.idTokenFor('')).rejects.toThrow(/no user/);
  });
});

describe('client credentials', () => {
  it('issues an at+jwt token for the service client', async () => {
    const token = await idp.clientCredentialsToken({ audience: 'batch-api', scope: 'jobs:run' });
    const { payload, protectedHeader } = await jwtVerify(token, jwks, {
      issuer: idp.issuer,
      audience: 'batch-api',
      typ: 'at+jwt',
    });
    expect(protectedHeader.alg).toBe('RS256');
    expect(payload).toMatchObject({ sub: idp.serviceClient.clientId, client_id: idp.serviceClient.clientId });
    expect(payload.scope).toBe('jobs:run');
    expect(payload).not.toHaveProperty('email');
  });

  it('refuses a wrong client secret', async () => {
    const res = await fetch(`${idp.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: idp.serviceClient.clientId,
        client_secret: 'wrong',
      }),
    });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: string }).error).toBe('invalid_client');
  });
});

describe('request counters', () => {
  it('count discovery, JWKS and token requests', async () => {
    const before = { ...idp.requests };
    await fetch(`${idp.issuer}/.well-known/openid-configuration`).then((r) => r.arrayBuffer());
    await fetch(idp.jwksUri).then((r) => r.arrayBuffer());
    await fetch(idp.jwksUri).then((r) => r.arrayBuffer());
    const token = await idp.tokenFor('alice');
    await idp.clientCredentialsToken();
    expect(decodeProtectedHeader(token).typ).toBe('at+jwt');
    expect(idp.requests.discovery - before.discovery).toBe(1);
    expect(idp.requests.jwks - before.jwks).toBe(2);
    expect(idp.requests.token - before.token).toBe(2);
  });
});
