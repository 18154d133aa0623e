import { describe, expect, it } from 'vitest';
import { allowInsecureRequests, createJwtVerifier } from '../../src/index.js';
import { isTipError } from '../../src/errors.js';
import { fakeFetch, json } from './fake-fetch.js';
import { AUDIENCE, ISSUER, JWKS_URI, KEYS, NOW_MS, claims, signJwt } from './kit.js';

const DISCOVERY = `${ISSUER}/.well-known/openid-configuration`;
const jwksOf = (...names: Array<keyof typeof KEYS>) => ({ keys: names.map((n) => KEYS[n].jwk) });
const token = () => signJwt(claims({ exp: NOW_MS / 1000 + 3600 }));

async function code(p: Promise<unknown>): Promise<string> {
  return p.then(
    () => 'ok',
    (e: unknown) => (isTipError(e) ? e.code : `not a TipError: ${String(e)}`),
  );
}

function setup(doc: unknown) {
  const f = fakeFetch({ [DISCOVERY]: json(doc), [JWKS_URI]: json(jwksOf('rsa')) });
  const verifier = createJwtVerifier({
    issuers: [{ issuer: ISSUER, audience: AUDIENCE, algorithms: ['RS256'] }],
    fetch: f.fetch,
    now: () => NOW_MS,
  });
  return { verifier, f };
}

describe('OpenID discovery', () => {
  it.each([
    [
      'an issuer with a trailing slash',
      { issuer: `${ISSUER}/`, jwks_uri: JWKS_URI },
      'ERR_DISCOVERY_INVALID',
    ],
    ['another issuer', { issuer: 'https://evil.example', jwks_uri: JWKS_URI }, 'ERR_DISCOVERY_INVALID'],
    ['no jwks_uri', { issuer: ISSUER }, 'ERR_DISCOVERY_INVALID'],
    [
      'an http jwks_uri',
      { issuer: ISSUER, jwks_uri: 'http://idp.example.com/jwks.json' },
      'ERR_DISCOVERY_INVALID',
    ],
    ['a relative jwks_uri', { issuer: ISSUER, jwks_uri: '/jwks.json' }, 'ERR_DISCOVERY_INVALID'],
    [
      'a jwks_uri with credentials',
      { issuer: ISSUER, jwks_uri: 'https://u:p@idp.example.com/jwks' },
      'ERR_DISCOVERY_INVALID',
    ],
    ['an array', [], 'ERR_DISCOVERY_INVALID'],
  ] as const)('refuses a document with %s', async (_name, doc, expected) => {
    const { verifier, f } = setup(doc);
    expect(await code(verifier.verify(token()))).toBe(expected);
    expect(f.count(JWKS_URI)).toBe(0);
  });

  it('accepts an http issuer and jwks_uri only through allowInsecureRequests()', async () => {
    const local = 'http://127.0.0.1:4000';
    const f = fakeFetch({
      [`${local}/.well-known/openid-configuration`]: json({ issuer: local, jwks_uri: `${local}/jwks` }),
      [`${local}/jwks`]: json(jwksOf('rsa')),
    });
    const base = { issuer: local, audience: AUDIENCE, algorithms: ['RS256' as const] };
    expect(() => createJwtVerifier({ issuers: [base], fetch: f.fetch })).toThrow(/allowInsecureRequests/);
    const verifier = createJwtVerifier({
      issuers: [allowInsecureRequests(base)],
      fetch: f.fetch,
      now: () => NOW_MS,
    });
    const t = signJwt(claims({ iss: local, exp: NOW_MS / 1000 + 60 }));
    expect((await verifier.verify(t)).issuer).toBe(local);
  });
});
