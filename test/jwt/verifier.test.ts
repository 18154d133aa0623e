import { describe, expect, it, vi } from 'vitest';
import { createJwtVerifier } from '../../src/index.js';
import type { IssuerOptions, JwtVerifierOptions } from '../../src/index.js';
import { isTipError } from '../../src/errors.js';
import { AUDIENCE, ISSUER, KEYS, NOW, NOW_MS, claims, publishedJwks, signJwt } from './kit.js';

const OTHER = 'https://other-idp.example.com';
const issuer = (o: Partial<IssuerOptions> = {}): IssuerOptions => ({
  issuer: ISSUER,
  audience: AUDIENCE,
  algorithms: null,
  jwks: publishedJwks(),
  ...o,
});
const make = (issuers: IssuerOptions[], o: Partial<JwtVerifierOptions> = {}) =>
  createJwtVerifier({ issuers, now: () => NOW_MS, ...o });

async function code(p: Promise<unknown>): Promise<string> {
  return p.then(
    () => 'ok',
    (e: unknown) => (isTipError(e) ? e.code : `not a TipError: ${String(e)}`),
  );
}

describe('createJwtVerifier', () => {
  it('returns the verified token with times in epoch milliseconds, deeply frozen', async () => {
    const v = make([issuer()]);
    const r = await v.verify(signJwt(claims({ groups: ['a'], aud: [AUDIENCE, 'x'] })));
    expect(r).toMatchObject({
      issuer: ISSUER,
      subject: 'user-1',
      audience: [AUDIENCE, 'x'],
      expiresAt: (NOW + 600) * 1000,
      issuedAt: (NOW - 60) * 1000,
      header: { alg: 'RS256', kid: 'rsa-1', typ: 'at+jwt' },
    });
    expect(r.claims.groups).toEqual(['a']);
    expect(Object.isFrozen(r)).toBe(true);
    expect(Object.isFrozen(r.claims)).toBe(true);
    expect(Object.isFrozen(r.claims.groups)).toBe(true);
    expect(Object.isFrozen(r.header)).toBe(true);
    expect(Object.isFrozen(r.audience)).toBe(true);
  });

  it('keeps keys per issuer: a key of one issuer never verifies another issuer token', async () => {
    const v = make([
      issuer({ jwks: { keys: [KEYS.rsa.jwk] } }),
      issuer({ issuer: OTHER, jwks: { keys: [KEYS.ec.jwk] }, audience: 'other-api' }),
    ]);
    expect(await code(v.verify(signJwt(claims())))).toBe('ok');
    expect(await code(v.verify(signJwt(claims({ iss: OTHER, aud: 'other-api' }), 'ES256')))).toBe('ok');
    // Right key, wrong issuer: OTHER does not publish rsa-1.
    expect(await code(v.verify(signJwt(claims({ iss: OTHER, aud: 'other-api' }))))).toBe(
      'ERR_JWKS_NO_MATCHING_KEY',
    );
    // Each issuer has its own audience.
    expect(await code(v.verify(signJwt(claims({ iss: OTHER }), 'ES256')))).toBe('ERR_JWT_AUDIENCE');
  });

  it('limits algorithms per issuer', async () => {
    const v = make([issuer({ algorithms: ['ES256'] })]);
    expect(await code(v.verify(signJwt(claims())))).toBe('ERR_JWT_ALGORITHM');
    expect(await code(v.verify(signJwt(claims(), 'ES256')))).toBe('ok');
  });

  it('skips the audience check only with audience: null', async () => {
    const v = make([issuer({ audience: null })]);
    const r = await v.verify(signJwt(claims({ aud: undefined })));
    expect(r.audience).toEqual([]);
  });

  it('checks scopes from "scope" and "scp"', async () => {
    const v = make([issuer({ requiredScopes: ['analytics:read', 'openid'] })]);
    expect(await code(v.verify(signJwt(claims())))).toBe('ok');
    expect(
      await code(v.verify(signJwt(claims({ scope: undefined, scp: ['openid', 'analytics:read'] })))),
    ).toBe('ok');
    expect(await code(v.verify(signJwt(claims({ scope: 'openid', scp: 'analytics:read' }))))).toBe('ok');
    const missing = await v
      .verify(signJwt(claims({ scope: 'openid analytics:write' })))
      .catch((e: unknown) => e);
    expect(missing).toMatchObject({ code: 'ERR_JWT_SCOPE', details: { claim: 'scope', reason: 'missing' } });
    expect(await code(v.verify(signJwt(claims({ scope: 'openid analytics:reader' }))))).toBe('ERR_JWT_SCOPE');
  });

  it('requires listed claims and, by default, exp', async () => {
    const v = make([issuer({ requiredClaims: ['email'] })]);
    const e = await v.verify(signJwt(claims())).catch((x: unknown) => x);
    expect(e).toMatchObject({
      code: 'ERR_JWT_CLAIM',
      details: { claim: 'email', reason: 'missing', issuer: ISSUER },
    });
    expect(await code(v.verify(signJwt(claims({ email: 'a@example.com' }))))).toBe('ok');
    expect(await code(v.verify(signJwt(claims({ email: null }))))).toBe('ERR_JWT_CLAIM');
  });

  it('accepts a token without exp only with requireExpiration: false, and never caches it', async () => {
    const check = vi.fn();
    const v = make([issuer({ requireExpiration: false, check })]);
    const t = signJwt(claims({ exp: undefined }));
    const r = await v.verify(t);
    expect(r.expiresAt).toBeUndefined();
    await v.verify(t);
    expect(check).toHaveBeenCalledTimes(2);
  });

  it('runs the custom check once per distinct token and maps failures to ERR_JWT_CHECK_FAILED', async () => {
    const check = vi.fn((jwt: { subject: string | undefined }) => {
      if (jwt.subject === 'blocked') throw new Error('user is blocked');
      if (jwt.subject === 'async-blocked') return Promise.reject(new Error('nope'));
      if (jwt.subject === 'false') return false;
      return jwt.subject === 'async-ok' ? Promise.resolve() : undefined;
    });
    const v = make([issuer({ check })]);
    const ok = signJwt(claims());
    expect(await code(v.verify(ok))).toBe('ok');
    expect(await code(v.verify(ok))).toBe('ok');
    expect(check).toHaveBeenCalledTimes(1);
    for (const sub of ['blocked', 'async-blocked', 'false']) {
      const e = await v.verify(signJwt(claims({ sub }))).catch((x: unknown) => x);
      expect(e).toMatchObject({ code: 'ERR_JWT_CHECK_FAILED', details: { issuer: ISSUER } });
    }
    expect(await code(v.verify(signJwt(claims({ sub: 'async-ok' }))))).toBe('ok');
    // A refused token is not cached: the check runs again.
    await code(v.verify(signJwt(claims({ sub: 'blocked' }))));
    expect(check).toHaveBeenCalledTimes(6);
  });

  it('verifies a reused token once, and never lets a different token through the cache', async () => {
    const check = vi.fn();
    const v = make([issuer({ check })]);
    const t = signJwt(claims(), 'ES256');
    await v.verify(t);
    await v.verify(t);
    expect(check).toHaveBeenCalledTimes(1);
    // ECDSA is randomized: the same claims signed again give another token, verified on its own.
    const again = signJwt(claims(), 'ES256');
    expect(again).not.toBe(t);
    await v.verify(again);
    expect(check).toHaveBeenCalledTimes(2);
    // Altered copies of a cached token are refused.
    const [h, p, s] = t.split('.') as [string, string, string];
    expect(await code(v.verify(`${h}.${p}.${s.slice(0, -2)}AA`))).toBe('ERR_JWT_SIGNATURE');
    expect(await code(v.verify(`${h}.${p}.${s}.`))).toBe('ERR_JWT_INVALID');
    expect(await code(v.verify(` ${t}`))).toBe('ERR_JWT_INVALID');
    // Another user's claims under the cached token's signature (the same ending, the cache's index) are
    // verified, refused, and leave the cached token served.
    const other = Buffer.from(JSON.stringify(claims({ sub: 'mallory' }))).toString('base64url');
    const results = [await v.verify(t)];
    expect(await code(v.verify(`${h}.${other}.${s}`))).toBe('ERR_JWT_SIGNATURE');
    results.push(await v.verify(t));
    expect(results[1]).toBe(results[0]);
    expect(results[1]!.subject).toBe('user-1');
    expect(check).toHaveBeenCalledTimes(2);
  });

  it('ends on its abort signal while an asynchronous custom check is pending', async () => {
    const v = make([issuer({ check: () => new Promise<boolean>(() => undefined) })]);
    const controller = new AbortController();
    const pending = code(v.verify(signJwt(claims()), { signal: controller.signal }));
    controller.abort();
    expect(await pending).toBe('ERR_ABORTED');
  });

  it('bounds the verified-token cache and can disable it', async () => {
    const check = vi.fn();
    const bounded = make([issuer({ check })], { maxCachedTokens: 2 });
    const tokens = ['a', 'b', 'c'].map((sub) => signJwt(claims({ sub })));
    for (const t of tokens) await bounded.verify(t);
    await bounded.verify(tokens[0]!); // evicted by "c"
    expect(check).toHaveBeenCalledTimes(4);
    const off = vi.fn();
    const none = make([issuer({ check: off })], { maxCachedTokens: 0 });
    await none.verify(tokens[0]!);
    await none.verify(tokens[0]!);
    expect(off).toHaveBeenCalledTimes(2);
  });

  it('honours the token size limit before decoding', async () => {
    const v = make([issuer()], { maxTokenBytes: 1024 });
    const big = signJwt(claims({ pad: 'x'.repeat(1200) }));
    expect(await code(v.verify(big))).toBe('ERR_JWT_TOO_LARGE');
    expect(await code(v.verify(`${'!'.repeat(2000)}`))).toBe('ERR_JWT_TOO_LARGE');
  });

  it('logs decisions without the token', async () => {
    const lines: string[] = [];
    const logger = { debug: (f: object, m?: string) => lines.push(`${m} ${JSON.stringify(f)}`) };
    const jwksUri = 'https://idp.example.com/jwks.json';
    const v = createJwtVerifier({
      issuers: [{ issuer: ISSUER, audience: AUDIENCE, algorithms: null, jwksUri }],
      now: () => NOW_MS,
      logger,
      fetch: async () => Response.json(publishedJwks()),
    });
    const t = signJwt(claims());
    await v.verify(t);
    expect(lines.some((l) => l.includes('fetching JWKS') && l.includes(jwksUri))).toBe(true);
    for (const part of t.split('.')) expect(lines.join('\n')).not.toContain(part);
  });
});
