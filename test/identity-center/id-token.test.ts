import { Buffer } from 'node:buffer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IdTokenShapeError, parseIdcIdToken } from '../../src/identity-center/id-token.js';

const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
const HEADER = b64({ alg: 'RS256', typ: 'JWT' });
const GOOD = {
  sub: 'u-1234',
  aud: 'arn:aws:sso::123456789012:application/ssoins-1111222233334444/apl-aaaabbbbccccdddd',
  exp: 2_000_000_000,
  'sts:identity_context': 'ctx-opaque-value',
  'aws:identity_store_id': 'd-1234567890',
  'aws:identity_store_arn': 'arn:aws:identitystore::123456789012:identitystore/d-1234567890',
  'aws:instance_arn': 'arn:aws:sso:::instance/ssoins-1111222233334444',
  auth_time: '2026-01-01T00:00:00Z',
};
const token = (claims: unknown) => `${HEADER}.${b64(claims)}.c2ln`;

describe('parseIdcIdToken', () => {
  it('reads a well-formed IdC ID token', () => {
    expect(parseIdcIdToken(token(GOOD))).toEqual({
      sub: 'u-1234',
      audience: [GOOD.aud],
      identityContext: 'ctx-opaque-value',
      identityStoreId: 'd-1234567890',
      identityStoreArn: GOOD['aws:identity_store_arn'],
      instanceArn: GOOD['aws:instance_arn'],
      expiresAt: 2_000_000_000_000,
    });
  });

  const hostile: [string, unknown, string][] = [
    ['not a string', 42, 'not a string'],
    ['too large', `${HEADER}.${'a'.repeat(20_000)}.x`, 'too large'],
    ['two segments', `${HEADER}.${b64(GOOD)}`, 'not a compact JWT'],
    ['four segments', `${token(GOOD)}.x`, 'not a compact JWT'],
    ['payload not base64url', `${HEADER}.ab+/.x`, 'payload is not base64url'],
    ['empty payload', `${HEADER}..x`, 'payload is not base64url'],
    ['payload not JSON', `${HEADER}.${b64('not json')}.x`, 'payload is not JSON'],
    ['payload an array', token([GOOD]), 'payload is not a JSON object'],
    ['payload null', token(null), 'payload is not a JSON object'],
    ['header not JSON', `${b64('x')}.${b64(GOOD)}.x`, 'header is not JSON'],
    ['sub missing', token({ ...GOOD, sub: undefined }), 'sub is missing or malformed'],
    ['sub a number', token({ ...GOOD, sub: 7 }), 'sub is missing or malformed'],
    ['sub with path chars', token({ ...GOOD, sub: '../../etc' }), 'sub is missing or malformed'],
    ['sub with newline', token({ ...GOOD, sub: 'u\nx' }), 'sub is missing or malformed'],
    ['sub too long', token({ ...GOOD, sub: 'u'.repeat(200) }), 'sub is missing or malformed'],
    [
      'store id missing',
      token({ ...GOOD, 'aws:identity_store_id': undefined }),
      'aws:identity_store_id is missing',
    ],
    [
      'store id malformed',
      token({ ...GOOD, 'aws:identity_store_id': 'd-XYZ' }),
      'aws:identity_store_id is malformed',
    ],
    [
      'store id an object',
      token({ ...GOOD, 'aws:identity_store_id': {} }),
      'aws:identity_store_id is malformed',
    ],
    ['aud missing', token({ ...GOOD, aud: undefined }), 'aud is missing or malformed'],
    ['aud empty array', token({ ...GOOD, aud: [] }), 'aud is missing or malformed'],
    ['aud with a number', token({ ...GOOD, aud: [GOOD.aud, 1] }), 'aud is missing or malformed'],
    ['exp a string', token({ ...GOOD, exp: '2000000000' }), 'exp is malformed'],
    ['exp negative', token({ ...GOOD, exp: -1 }), 'exp is malformed'],
    ['context too short', token({ ...GOOD, 'sts:identity_context': 'ab' }), 'sts:identity_context'],
    [
      'context too long',
      token({ ...GOOD, 'sts:identity_context': 'a'.repeat(2049) }),
      'sts:identity_context',
    ],
    ['context not printable', token({ ...GOOD, 'sts:identity_context': 'abc def' }), 'sts:identity_context'],
    ['context a number', token({ ...GOOD, 'sts:identity_context': 12345 }), 'sts:identity_context'],
    [
      'instance arn forged',
      token({ ...GOOD, 'aws:instance_arn': 'arn:aws:iam::1:role/x' }),
      'aws:instance_arn',
    ],
    ['store arn forged', token({ ...GOOD, 'aws:identity_store_arn': 'x' }), 'aws:identity_store_arn'],
  ];

  it.each(hostile)('refuses %s', (_name, input, reason) => {
    let error: unknown;
    try {
      parseIdcIdToken(input);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(IdTokenShapeError);
    expect((error as IdTokenShapeError).reason).toContain(reason);
  });

  it('ignores a __proto__ claim and extra claims', () => {
    const json = JSON.stringify(GOOD).replace('{', '{"__proto__":{"sub":"evil"},"extra":1,');
    const parsed = parseIdcIdToken(`${HEADER}.${Buffer.from(json).toString('base64url')}.x`);
    expect(parsed.sub).toBe('u-1234');
  });

  it('either returns a validated identity or throws IdTokenShapeError, for any input', () => {
    const claim = fc.oneof(fc.string(), fc.integer(), fc.constant(null), fc.array(fc.string()), fc.object());
    const claims = fc.record(
      {
        sub: fc.oneof(claim, fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,20}$/)),
        aud: fc.oneof(claim, fc.constant(GOOD.aud)),
        exp: fc.oneof(claim, fc.integer({ min: 1, max: 4_000_000_000 })),
        'aws:identity_store_id': fc.oneof(claim, fc.constant('d-1234567890')),
        'sts:identity_context': claim,
      },
      { requiredKeys: [] },
    );
    const input = fc.oneof(
      claims.map((c) => token(c)),
      fc.string(),
      fc.tuple(fc.string(), fc.string(), fc.string()).map((p) => p.join('.')),
    );
    fc.assert(
      fc.property(input, (raw) => {
        try {
          const parsed = parseIdcIdToken(raw);
          expect(parsed.sub).toMatch(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/);
          expect(parsed.identityStoreId).toBe('d-1234567890');
          expect(parsed.audience.length).toBeGreaterThan(0);
          if (parsed.identityContext !== undefined) {
            expect(parsed.identityContext.length).toBeGreaterThanOrEqual(4);
          }
        } catch (e) {
          expect(e).toBeInstanceOf(IdTokenShapeError);
        }
      }),
      { numRuns: 500 },
    );
  });
});
