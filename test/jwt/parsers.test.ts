import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isTipError } from '../../src/errors.js';
import { parseDiscovery } from '../../src/jwt/discovery.js';
import { isKeyEntry, parseJwk } from '../../src/jwt/jwk.js';
import { parseJwks } from '../../src/jwt/jwks.js';
import { ISSUER, KEYS } from './kit.js';

const rsa = KEYS.rsa.jwk;
const ec = KEYS.ec.jwk;
const ed = KEYS.ed.jwk;
const privateRsa = { ...KEYS.rsa.privateKey.export({ format: 'jwk' }), kid: 'priv' };
const x25519 = { ...generateKeyPairSync('x25519').publicKey.export({ format: 'jwk' }), kid: 'x' };
const ed448 = { ...generateKeyPairSync('ed448').publicKey.export({ format: 'jwk' }), kid: 'e448' };
const k1 = {
  ...generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).publicKey.export({ format: 'jwk' }),
  kid: 'k1',
};
const b64 = (bytes: number, fill = 7) => Buffer.alloc(bytes, fill).toString('base64url');

/** Hostile JWKs: each must be set aside with the given reason, never imported. */
const HOSTILE_JWKS: ReadonlyArray<readonly [string, unknown, string]> = [
  ['null', null, 'not_object'],
  ['an array', [rsa], 'not_object'],
  ['a string', 'key', 'not_object'],
  ['a private RSA key', privateRsa, 'private_key'],
  ['a symmetric key', { kty: 'oct', k: 'c2VjcmV0', kid: 'hs' }, 'kty'],
  ['an unknown kty', { ...rsa, kty: 'RSA-PSS' }, 'kty'],
  ['use enc', { ...rsa, use: 'enc' }, 'use'],
  ['key_ops without verify', { ...rsa, key_ops: ['encrypt'] }, 'key_ops'],
  ['key_ops not an array', { ...rsa, key_ops: 'verify' }, 'key_ops'],
  ['alg HS256', { ...rsa, alg: 'HS256' }, 'alg'],
  ['alg none', { ...rsa, alg: 'none' }, 'alg'],
  ['alg ES256 on an RSA key', { ...rsa, alg: 'ES256' }, 'alg'],
  ['alg ES384 on a P-256 key', { ...ec, alg: 'ES384' }, 'alg'],
  ['alg RS256 on an Ed25519 key', { ...ed, alg: 'RS256' }, 'alg'],
  ['RSA-1024', KEYS.weak.jwk, 'rsa_too_small'],
  ['RSA modulus with +/', { ...rsa, n: `${(rsa.n as string).slice(0, -4)}ab+/` }, 'rsa_params'],
  ['RSA modulus with padding', { ...rsa, n: `${rsa.n}==` }, 'rsa_params'],
  ['RSA exponent missing', { ...rsa, e: undefined }, 'rsa_params'],
  ['RSA exponent too long', { ...rsa, e: b64(9) }, 'rsa_params'],
  ['secp256k1', k1, 'crv'],
  ['unknown crv', { ...ec, crv: 'P-192' }, 'crv'],
  ['EC x too short', { ...ec, x: b64(31) }, 'curve_point'],
  ['EC y missing', { ...ec, y: undefined }, 'curve_point'],
  ['EC point off the curve', { ...ec, x: b64(32, 1), y: b64(32, 2) }, 'unusable'],
  ['Ed448', ed448, 'crv'],
  ['X25519', x25519, 'crv'],
  ['Ed25519 x too long', { ...ed, x: b64(33) }, 'curve_point'],
  ['kid a number', { ...rsa, kid: 1 }, 'kid'],
  ['kid empty', { ...rsa, kid: '' }, 'kid'],
  ['kid over 256 chars', { ...rsa, kid: 'k'.repeat(257) }, 'kid'],
];

describe('JWK parser', () => {
  it.each(HOSTILE_JWKS)('sets aside %s', (_name, jwk, reason) => {
    const parsed = parseJwk(jwk);
    expect(isKeyEntry(parsed)).toBe(false);
    expect(parsed).toMatchObject({ reason });
  });

  it.each([
    ['RSA with alg', rsa, ['RS256']],
    ['RSA without alg', KEYS.rsa2.jwk, ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512']],
    ['P-256', ec, ['ES256']],
    ['P-384 without alg', KEYS.ec384.jwk, ['ES384']],
    ['Ed25519', ed, ['EdDSA']],
    ['key_ops with verify', { ...rsa, key_ops: ['verify'] }, ['RS256']],
  ] as const)('imports %s for exactly its algorithms', (_name, jwk, algs) => {
    const parsed = parseJwk(jwk);
    expect(isKeyEntry(parsed)).toBe(true);
    if (isKeyEntry(parsed)) {
      expect([...parsed.algorithms].sort()).toEqual([...algs].sort());
      expect(parsed.jwk).not.toHaveProperty('d');
    }
  });
});

describe('JWKS parser', () => {
  it.each([
    ['null', null, 'not_object'],
    ['an array', [rsa], 'not_object'],
    ['a string', 'keys', 'not_object'],
    ['keys missing', {}, 'keys_not_array'],
    ['keys an object', { keys: { 0: rsa } }, 'keys_not_array'],
    ['keys null', { keys: null }, 'keys_not_array'],
    ['101 keys', { keys: Array.from({ length: 101 }, () => rsa) }, 'too_many_keys'],
  ] as const)('refuses %s with ERR_JWKS_INVALID', (_name, doc, reason) => {
    let error: unknown;
    try {
      parseJwks(doc, ISSUER);
    } catch (e) {
      error = e;
    }
    expect(isTipError(error, 'ERR_JWKS_INVALID')).toBe(true);
    expect(error).toMatchObject({ details: { reason, issuer: ISSUER } });
  });

  it('keeps usable keys and reports the others', () => {
    const set = parseJwks({ keys: [rsa, privateRsa, KEYS.weak.jwk, ec, 'junk'] }, ISSUER);
    expect(set.keys.map((k) => k.kid)).toEqual(['rsa-1', 'ec-1']);
    expect(set.rejected.map((r) => r.reason)).toEqual(['private_key', 'rsa_too_small', 'not_object']);
  });
});

describe('discovery parser', () => {
  const ok = 'https://idp.example.com/jwks.json';
  it.each([
    ['null', null, 'not_object'],
    ['an array', [], 'not_object'],
    ['issuer missing', { jwks_uri: ok }, 'issuer_mismatch'],
    ['issuer with trailing slash', { issuer: `${ISSUER}/`, jwks_uri: ok }, 'issuer_mismatch'],
    ['issuer in upper case', { issuer: ISSUER.toUpperCase(), jwks_uri: ok }, 'issuer_mismatch'],
    ['issuer a number', { issuer: 1, jwks_uri: ok }, 'issuer_mismatch'],
    ['jwks_uri missing', { issuer: ISSUER }, 'jwks_uri'],
    ['jwks_uri http', { issuer: ISSUER, jwks_uri: 'http://idp.example.com/jwks' }, 'jwks_uri'],
    ['jwks_uri relative', { issuer: ISSUER, jwks_uri: '/jwks' }, 'jwks_uri'],
    ['jwks_uri javascript:', { issuer: ISSUER, jwks_uri: 'javascript:alert(1)' }, 'jwks_uri'],
    ['jwks_uri file:', { issuer: ISSUER, jwks_uri: 'file:///etc/passwd' }, 'jwks_uri'],
    ['jwks_uri with credentials', { issuer: ISSUER, jwks_uri: 'https://a:b@idp.example.com/j' }, 'jwks_uri'],
    ['jwks_uri with a fragment', { issuer: ISSUER, jwks_uri: `${ok}#x` }, 'jwks_uri'],
    ['jwks_uri too long', { issuer: ISSUER, jwks_uri: `${ok}?${'a'.repeat(3000)}` }, 'jwks_uri'],
    ['jwks_uri an array', { issuer: ISSUER, jwks_uri: [ok] }, 'jwks_uri'],
  ] as const)('refuses %s with ERR_DISCOVERY_INVALID', (_name, doc, reason) => {
    let error: unknown;
    try {
      parseDiscovery(doc, ISSUER, false);
    } catch (e) {
      error = e;
    }
    expect(isTipError(error, 'ERR_DISCOVERY_INVALID')).toBe(true);
    expect(error).toMatchObject({ details: { reason, issuer: ISSUER } });
  });

  it('returns the jwks_uri, allowing http only when asked', () => {
    expect(parseDiscovery({ issuer: ISSUER, jwks_uri: ok }, ISSUER, false)).toBe(ok);
    const http = { issuer: ISSUER, jwks_uri: 'http://127.0.0.1:4000/jwks' };
    expect(parseDiscovery(http, ISSUER, true)).toBe('http://127.0.0.1:4000/jwks');
  });
});
