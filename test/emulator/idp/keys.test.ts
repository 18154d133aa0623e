import { createLocalJWKSet, decodeProtectedHeader, type JSONWebKeySet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedIdp, startIdp } from '../../../src/emulator/idp/index.js';

let idp: EmbeddedIdp;

async function fetchJwks(): Promise<JSONWebKeySet> {
  const res = await fetch(idp.jwksUri);
  expect(res.status).toBe(200);
  return (await res.json()) as JSONWebKeySet;
}

/** Verifies against the JWKS as served right now (no caching between calls). */
async function verifyNow(token: string, options: Parameters<typeof jwtVerify>[2] = {}) {
  return jwtVerify(token, createLocalJWKSet(await fetchJwks()), { issuer: idp.issuer, ...options });
}

beforeAll(async () => {
  idp = await startIdp({ quiet: true, users: [{ userName: 'carol', email: 'carol@example.com' }] });
});

afterAll(async () => {
  await idp.stop();
});

describe('signToken', () => {
  it('fills iss, iat, exp and jti and signs with the current RS256 key by default', async () => {
    const token = await idp.signToken({ sub: 'carol', aud: 'tip-sdk-demo', email: 'carol@example.com' });
    const { payload, protectedHeader } = await verifyNow(token, { audience: 'tip-sdk-demo' });
    expect(protectedHeader.alg).toBe('RS256');
    const rsaKid = (await fetchJwks()).keys.find((k) => k.kty === 'RSA')?.kid;
    expect(protectedHeader.kid).toBe(rsaKid);
    expect(payload).toMatchObject({ iss: idp.issuer, sub: 'carol', email: 'carol@example.com' });
    expect(payload.exp! - payload.iat!).toBe(600);
    expect(payload.jti).toEqual(expect.any(String));
  });

  it('signs with ES256, keeps given claims, applies custom header and lifetime', async () => {
    const token = await idp.signToken(
      { iss: 'https://other.example.com', jti: 'fixed-id', nbf: 1 },
      { alg: 'ES256', header: { typ: 'at+jwt', cty: 'x' }, expiresInSeconds: 30 },
    );
    const header = decodeProtectedHeader(token);
    expect(header).toMatchObject({ alg: 'ES256', typ: 'at+jwt', cty: 'x' });
    const { payload } = await verifyNow(token, { issuer: 'https://other.example.com', typ: 'at+jwt' });
    expect(payload.jti).toBe('fixed-id');
    expect(payload.nbf).toBe(1);
    expect(payload.exp! - payload.iat!).toBe(30);
  });

  it('leaves out a claim given as undefined and writes a foreign kid when asked', async () => {
    const token = await idp.signToken({ sub: 'x', exp: undefined, jti: undefined }, { kid: 'no-such-key' });
    const [, body] = token.split('.');
    const payload = JSON.parse(Buffer.from(body!, 'base64url').toString()) as Record<string, unknown>;
    expect(payload).not.toHaveProperty('exp');
    expect(payload).not.toHaveProperty('jti');
    expect(payload.iat).toEqual(expect.any(Number));
    expect(decodeProtectedHeader(token).kid).toBe('no-such-key');
    await expect(verifyNow(token)).rejects.toMatchObject({ code: 'ERR_JWKS_NO_MATCHING_KEY' });
  });

  it('writes no kid when the header asks for kid: undefined', async () => {
    const token = await idp.signToken({ sub: 'x' }, { header: { kid: undefined, typ: 'JWT' } });
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'RS256', typ: 'JWT' });
  });

  it('refuses a header alg that disagrees with the key, an unknown alg and a fractional lifetime', async () => {
    await expect(idp.signToken({}, { alg: 'RS256', header: { alg: 'none' } })).rejects.toThrow(/header\.alg/);
    await expect(idp.signToken({}, { alg: 'HS256' as 'RS256' })).rejects.toThrow(TypeError);
    await expect(idp.signToken({}, { expiresInSeconds: 1.5 })).rejects.toThrow(/expiresInSeconds/);
  });

  it('an expired minted token fails verification', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await idp.signToken({ iat: now - 100, exp: now - 50 });
    await expect(verifyNow(token)).rejects.toMatchObject({ code: 'ERR_JWT_EXPIRED' });
    const negative = await idp.signToken({}, { expiresInSeconds: -60 });
    await expect(verifyNow(negative)).rejects.toMatchObject({ code: 'ERR_JWT_EXPIRED' });
  });
});

describe('key rotation', () => {
  it('rotates to new kids, keeps old public keys until dropOld, and keeps issuing', async () => {
    const oldToken = await idp.tokenFor('carol');
    const oldKid = decodeProtectedHeader(oldToken).kid;
    const oldKids = (await fetchJwks()).keys.map((k) => k.kid);
    expect(oldKids).toContain(oldKid);

    await idp.rotateKeys();
    const afterRotation = (await fetchJwks()).keys.map((k) => k.kid);
    expect(afterRotation).toHaveLength(4);
    expect(afterRotation).toEqual(expect.arrayContaining(oldKids));

    const newToken = await idp.tokenFor('carol');
    const newKid = decodeProtectedHeader(newToken).kid;
    expect(newKid).not.toBe(oldKid);
    expect(oldKids).not.toContain(newKid);
    expect((await verifyNow(newToken, { audience: 'tip-sdk-demo' })).payload.sub).toBe('carol');
    expect((await verifyNow(oldToken, { audience: 'tip-sdk-demo' })).payload.sub).toBe('carol');
    const minted = await idp.signToken({ sub: 'carol' }, { alg: 'ES256' });
    expect(oldKids).not.toContain(decodeProtectedHeader(minted).kid);

    const discovery = (await (await fetch(`${idp.issuer}/.well-known/openid-configuration`)).json()) as {
      jwks_uri: string;
    };
    expect(discovery.jwks_uri).toBe(idp.jwksUri);

    await idp.rotateKeys({ dropOld: true });
    const afterDrop = (await fetchJwks()).keys.map((k) => k.kid);
    expect(afterDrop).toHaveLength(2);
    expect(afterDrop).not.toContain(oldKid);
    expect(afterDrop).not.toContain(newKid);
    await expect(verifyNow(oldToken)).rejects.toMatchObject({ code: 'ERR_JWKS_NO_MATCHING_KEY' });
    await expect(verifyNow(newToken)).rejects.toMatchObject({ code: 'ERR_JWKS_NO_MATCHING_KEY' });
    expect((await verifyNow(await idp.tokenFor('carol'))).payload.email).toBe('carol@example.com');
  });

  it('keeps an earlier sign-in session across a rotation', async () => {
    const tokens = await idp.tokensFor('carol');
    await idp.rotateKeys();
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
    const { access_token } = (await res.json()) as { access_token: string };
    expect((await verifyNow(access_token)).payload.sub).toBe('carol');
  });
});

describe('concurrent rotations', () => {
  it('run one after another and retire no key silently', async () => {
    await idp.rotateKeys({ dropOld: true });
    const start = (await fetchJwks()).keys.map((k) => k.kid);
    await Promise.all([idp.rotateKeys(), idp.rotateKeys()]);
    const after = (await fetchJwks()).keys.map((k) => k.kid);
    expect(after).toHaveLength(6);
    expect(new Set(after).size).toBe(6);
    expect(after).toEqual(expect.arrayContaining(start));
  });
});

describe('JWKS outage simulation', () => {
  it('answers 503 while down, counts those requests, and recovers', async () => {
    const before = idp.requests.jwks;
    idp.setJwksAvailable(false);
    const down = await fetch(idp.jwksUri);
    expect(down.status).toBe(503);
    expect(((await down.json()) as { error: string }).error).toBe('temporarily_unavailable');
    // Token issuance goes on during the outage: only key publication is down.
    const token = await idp.tokenFor('carol');
    idp.setJwksAvailable(true);
    expect((await verifyNow(token)).payload.sub).toBe('carol');
    expect(idp.requests.jwks - before).toBe(2);
  });

  it('answers only GET and HEAD', async () => {
    const res = await fetch(idp.jwksUri, { method: 'POST', body: '{}' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, HEAD');
  });
});
