/**
 * The verifier against a real node-oidc-provider (the embedded IdP) on loopback: discovery, JWKS, an
 * `at+jwt` access token from client_credentials, an ID token from a scripted authorization code + PKCE
 * flow, key rotation, and a JWKS outage.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type EmbeddedIdp, startIdp } from '../../src/emulator/idp/index.js';
import { isTipError } from '../../src/errors.js';
import { type JwtVerifier, allowInsecureRequests, createJwtVerifier } from '../../src/index.js';

const API = 'https://analytics.example.com';
let idp: EmbeddedIdp;
let offsetMs = 0;
const now = () => Date.now() + offsetMs;
let accessTokens: JwtVerifier;
let idTokens: JwtVerifier;

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: unknown) => (isTipError(e) ? e.code : String(e)),
  );

beforeAll(async () => {
  idp = await startIdp({
    users: [{ userName: 'alice', email: 'alice@example.com', groups: ['analysts'] }],
    audience: API,
    accessTokenTtlSeconds: 3600,
    quiet: true,
  });
  const common = { jwksCache: { cooldownMs: 30_000, maxAgeMs: 600_000 }, now };
  accessTokens = createJwtVerifier({
    issuers: [
      allowInsecureRequests({
        issuer: idp.issuer,
        audience: API,
        algorithms: ['RS256', 'ES256'],
        typ: 'at+jwt',
      }),
    ],
    ...common,
  });
  idTokens = createJwtVerifier({
    issuers: [
      allowInsecureRequests({
        issuer: idp.issuer,
        audience: idp.userClient.clientId,
        algorithms: ['RS256', 'ES256'],
        requiredClaims: ['email'],
      }),
    ],
    ...common,
  });
});

afterAll(async () => {
  await idp?.stop();
});

describe('verifier against node-oidc-provider', () => {
  it('discovers the JWKS and verifies a client_credentials at+jwt access token', async () => {
    await accessTokens.hydrate();
    expect(idp.requests.discovery).toBe(1);
    expect(idp.requests.jwks).toBe(1);
    const token = await idp.clientCredentialsToken({ scope: 'tip:read' });
    const r = await accessTokens.verify(token);
    expect(r.issuer).toBe(idp.issuer);
    expect(r.audience).toContain(API);
    expect(r.header.typ?.toLowerCase()).toMatch(/at\+jwt$/);
    expect(r.expiresAt).toBeGreaterThan(Date.now());
    expect(idp.requests.jwks).toBe(1);
  });

  it('verifies a user access token and an ID token from authorization code + PKCE', async () => {
    const access = await accessTokens.verify(await idp.tokenFor('alice'));
    expect(access.subject).toBe('alice');
    const id = await idTokens.verify(await idp.idTokenFor('alice'));
    expect(id.subject).toBe('alice');
    expect(id.claims.email).toBe('alice@example.com');
    // An ID token is not an access token.
    expect(await codeOf(accessTokens.verify(await idp.idTokenFor('alice')))).toBe('ERR_JWT_TYPE');
  });

  it('picks up rotated keys after the cooldown, and drops tokens of removed keys', async () => {
    const before = await idp.clientCredentialsToken();
    expect(await codeOf(accessTokens.verify(before))).toBe('ok');
    const jwksBefore = idp.requests.jwks;
    await idp.rotateKeys({ dropOld: true });
    const after = await idp.clientCredentialsToken();
    // Within the cooldown the new kid is unknown and nothing is fetched.
    expect(await codeOf(accessTokens.verify(after))).toBe('ERR_JWKS_NO_MATCHING_KEY');
    expect(idp.requests.jwks).toBe(jwksBefore);
    offsetMs += 30_000;
    expect(await codeOf(accessTokens.verify(after))).toBe('ok');
    expect(idp.requests.jwks).toBe(jwksBefore + 1);
    // The old key left the JWKS: its token, although cached as verified, is refused now.
    expect(await codeOf(accessTokens.verify(before))).toBe('ERR_JWKS_NO_MATCHING_KEY');
  });

  it('keeps verifying tokens of known keys while the JWKS endpoint is down', async () => {
    await idp.rotateKeys(); // new current keys, old ones still published
    offsetMs += 30_000;
    expect(await codeOf(accessTokens.verify(await idp.clientCredentialsToken()))).toBe('ok');
    idp.setJwksAvailable(false);
    try {
      offsetMs += 600_000; // past the max age: refreshes fail in the background
      const jwksBefore = idp.requests.jwks;
      for (let i = 0; i < 5; i++) {
        const r = await accessTokens.verify(await idp.clientCredentialsToken());
        expect(r.issuer).toBe(idp.issuer);
      }
      // One background attempt (answered 503), then none until the cooldown passes.
      await vi.waitFor(() => expect(idp.requests.jwks).toBe(jwksBefore + 1));
      for (let i = 0; i < 3; i++) await accessTokens.verify(await idp.clientCredentialsToken());
      expect(idp.requests.jwks).toBe(jwksBefore + 1);
      expect(
        await codeOf(
          accessTokens.verify(
            await idp.signToken({ aud: API }, { kid: 'unknown', header: { typ: 'at+jwt' } }),
          ),
        ),
      ).toBe('ERR_JWKS_NO_MATCHING_KEY');
    } finally {
      idp.setJwksAvailable(true);
    }
  });
});
