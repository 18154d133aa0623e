import { describe, expect, it } from 'vitest';
import { createJwtVerifier } from '../../src/index.js';
import type { JwtVerifierOptions } from '../../src/index.js';
import { AUDIENCE, ISSUER, KEYS, NOW_MS, claims, publishedJwks, signJwt } from './kit.js';

const base = { issuer: ISSUER, audience: AUDIENCE, algorithms: ['RS256'] };
const build = (o: unknown) => () => createJwtVerifier(o as JwtVerifierOptions);

describe('createJwtVerifier options', () => {
  it.each([
    ['no options', undefined, /`options`/],
    ['no issuers', {}, /`issuers`/],
    ['empty issuers', { issuers: [] }, /`issuers`/],
    [
      'issuer not a URL',
      { issuers: [{ ...base, issuer: 'idp' }] },
      /`issuers\[0\]\.issuer` not an absolute URL/,
    ],
    ['http issuer', { issuers: [{ ...base, issuer: 'http://idp.example.com' }] }, /allowInsecureRequests/],
    [
      'issuer with credentials',
      { issuers: [{ ...base, issuer: 'https://u:p@idp.example.com' }] },
      /credentials/,
    ],
    [
      'missing audience',
      { issuers: [{ issuer: ISSUER, algorithms: ['RS256'] }] },
      /`issuers\[0\]\.audience` is required/,
    ],
    ['empty audience list', { issuers: [{ ...base, audience: [] }] }, /`issuers\[0\]\.audience`/],
    ['empty audience string', { issuers: [{ ...base, audience: [''] }] }, /`issuers\[0\]\.audience\[0\]`/],
    [
      'missing algorithms',
      { issuers: [{ issuer: ISSUER, audience: 'x' }] },
      /`issuers\[0\]\.algorithms` is required/,
    ],
    ['empty algorithms', { issuers: [{ ...base, algorithms: [] }] }, /`issuers\[0\]\.algorithms`/],
    [
      'HS256',
      { issuers: [{ ...base, algorithms: ['RS256', 'HS256'] }] },
      /`issuers\[0\]\.algorithms\[1\]` is HS256, which is never accepted/,
    ],
    ['none', { issuers: [{ ...base, algorithms: ['none'] }] }, /never accepted/],
    ['unknown alg', { issuers: [{ ...base, algorithms: ['RS1'] }] }, /must be one of/],
    ['duplicate issuer', { issuers: [base, base] }, /`issuers\[1\]\.issuer` is listed twice/],
    [
      'jwks and jwksUri',
      { issuers: [{ ...base, jwks: publishedJwks(), jwksUri: `${ISSUER}/jwks` }] },
      /both/,
    ],
    [
      'http jwksUri',
      { issuers: [{ ...base, jwksUri: 'http://idp.example.com/jwks' }] },
      /`issuers\[0\]\.jwksUri`/,
    ],
    ['jwks not a JWKS', { issuers: [{ ...base, jwks: { keys: 'x' } }] }, /`issuers\[0\]\.jwks`/],
    [
      'jwks without usable keys',
      { issuers: [{ ...base, jwks: { keys: [KEYS.weak.jwk] } }] },
      /rsa_too_small/,
    ],
    ['negative tolerance', { issuers: [{ ...base, clockToleranceSeconds: -1 }] }, /clockToleranceSeconds/],
    ['fractional tolerance', { issuers: [{ ...base, clockToleranceSeconds: 0.5 }] }, /clockToleranceSeconds/],
    ['bad typ', { issuers: [{ ...base, typ: '' }] }, /`issuers\[0\]\.typ/],
    ['bad requiredScopes', { issuers: [{ ...base, requiredScopes: [1] }] }, /requiredScopes\[0\]/],
    ['bad check', { issuers: [{ ...base, check: 'yes' }] }, /check/],
    ['bad requireExpiration', { issuers: [{ ...base, requireExpiration: 'no' }] }, /requireExpiration/],
    ['zero timeout', { issuers: [base], jwksCache: { timeoutMs: 0 } }, /jwksCache\.timeoutMs/],
    ['tiny maxAge', { issuers: [base], jwksCache: { maxAgeMs: 10 } }, /jwksCache\.maxAgeMs/],
    ['negative cache size', { issuers: [base], maxCachedTokens: -1 }, /maxCachedTokens/],
    ['tiny maxTokenBytes', { issuers: [base], maxTokenBytes: 10 }, /maxTokenBytes/],
    ['fetch not a function', { issuers: [base], fetch: 'x' }, /`fetch`/],
    ['now not a function', { issuers: [base], now: 5 }, /`now`/],
    ['logger without debug', { issuers: [base], logger: {} }, /`logger`/],
  ])('refuses %s with a TypeError naming the option', (_name, options, message) => {
    expect(build(options)).toThrow(TypeError);
    expect(build(options)).toThrow(message);
  });

  it('accepts null audience and null algorithms, and freezes the verifier', () => {
    const verifier = createJwtVerifier({ issuers: [{ issuer: ISSUER, audience: null, algorithms: null }] });
    expect(Object.isFrozen(verifier)).toBe(true);
    expect(() => {
      (verifier as { verify: unknown }).verify = () => undefined;
    }).toThrow(TypeError);
  });

  it('is not affected by later changes to the options object', async () => {
    const issuers = [{ ...base, jwks: publishedJwks(), audience: [AUDIENCE] }];
    const verifier = createJwtVerifier({
      issuers: issuers as JwtVerifierOptions['issuers'],
      now: () => NOW_MS,
    });
    issuers[0]!.audience.push('other');
    issuers[0]!.algorithms.push('PS256');
    await expect(verifier.verify(signJwt(claims({ aud: 'other' })))).rejects.toMatchObject({
      code: 'ERR_JWT_AUDIENCE',
    });
    await expect(verifier.verify(signJwt(claims(), 'PS256'))).rejects.toMatchObject({
      code: 'ERR_JWT_ALGORITHM',
    });
  });
});
