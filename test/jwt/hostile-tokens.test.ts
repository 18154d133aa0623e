import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type JwtVerifier, createJwtVerifier } from '../../src/index.js';
import type { IssuerOptions } from '../../src/index.js';
import { isTipError } from '../../src/errors.js';
import { HOSTILE_CASES } from './hostile-tokens.js';
import { AUDIENCE, ISSUER, JWKS_URI, NOW_MS, TOLERANT_ISSUER, publishedJwks } from './kit.js';
import { expectNoTokenLeak } from './leaks.js';
import { type IssuerServer, startIssuerServer } from './server.js';

type Path = 'local JWKs' | 'jwksUri' | 'discovery';

function issuers(path: Path): IssuerOptions[] {
  const keys =
    path === 'local JWKs' ? { jwks: publishedJwks() } : path === 'jwksUri' ? { jwksUri: JWKS_URI } : {};
  const base = { audience: AUDIENCE, algorithms: null, typ: 'at+jwt', ...keys };
  return [
    { issuer: ISSUER, ...base },
    { issuer: TOLERANT_ISSUER, clockToleranceSeconds: 60, ...base },
  ];
}

let idp: IssuerServer;
beforeAll(() => {
  idp = startIssuerServer();
});
afterAll(() => idp.server.close());

describe.each<Path>(['local JWKs', 'jwksUri', 'discovery'])('hostile tokens via %s', (path) => {
  let verifier: JwtVerifier;
  beforeAll(() => {
    verifier = createJwtVerifier({ issuers: issuers(path), now: () => NOW_MS });
  });
  afterEach(() => {
    // Keys come only from the issuer's own endpoints, never from the token (jku, x5u, …).
    const allowed = new Set([
      JWKS_URI,
      `${ISSUER}/.well-known/openid-configuration`,
      `${TOLERANT_ISSUER}/.well-known/openid-configuration`,
    ]);
    expect(idp.requests.filter((u) => !allowed.has(u))).toEqual([]);
    if (path === 'local JWKs') expect(idp.requests).toEqual([]);
  });

  it.each(HOSTILE_CASES)('$name → $expect', async (c) => {
    const token = c.token();
    const outcome = await verifier.verify(token as string).then(
      (ok) => ({ ok }),
      (error: unknown) => ({ error }),
    );
    if (c.expect === 'ok') {
      expect(outcome).toHaveProperty('ok');
      const ok = (outcome as { ok: { issuer: string; subject: string | undefined } }).ok;
      expect([ISSUER, TOLERANT_ISSUER]).toContain(ok.issuer);
      expect(ok.subject).toBe('user-1');
      return;
    }
    expect(outcome).toHaveProperty('error');
    const error = (outcome as { error: unknown }).error;
    expect(isTipError(error)).toBe(true);
    expect((error as { code: string }).code).toBe(c.expect);
    expectNoTokenLeak(error, token);
  });
});
