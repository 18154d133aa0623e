import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isTipError } from '../../src/errors.js';
import { expiryFromExpiresIn } from '../../src/identity-center/expires-in.js';
import { parseTokenResponse } from '../../src/identity-center/parse-response.js';
import type { IdcIdentity } from '../../src/identity-center/types.js';
import { APP_ARN, idToken, STORE_ID } from '../core-flow/helpers/fake-aws.js';

const NOW = Date.UTC(2026, 0, 1);
const CONTEXT = 'ctx-value-1234';
const claims = (over: Record<string, unknown> = {}) => ({
  sub: 'u-alice',
  aud: APP_ARN,
  exp: NOW / 1000 + 3600,
  'sts:identity_context': CONTEXT,
  'aws:identity_store_id': STORE_ID,
  ...over,
});
const good = (over: Record<string, unknown> = {}) => ({
  accessToken: 'at-1',
  tokenType: 'Bearer',
  expiresIn: 3600,
  refreshToken: 'rt-1',
  idToken: idToken(claims()),
  awsAdditionalDetails: { identityContext: CONTEXT },
  ...over,
});
const previous: IdcIdentity = {
  idcUserId: 'u-alice',
  identityStoreId: STORE_ID,
  identityStoreArn: undefined,
  instanceArn: undefined,
  applicationArn: APP_ARN,
  expiresAt: NOW,
};
const expect_ = { applicationArn: APP_ARN, now: NOW };

describe('parseTokenResponse', () => {
  it('returns tokens, identity context and identity', () => {
    const set = parseTokenResponse(good(), expect_);
    expect(set.identity).toMatchObject({
      idcUserId: 'u-alice',
      identityStoreId: STORE_ID,
      applicationArn: APP_ARN,
    });
    expect(set.identityContext).toBe(CONTEXT);
    expect(set.expiresAt).toBe(NOW + 3_600_000);
  });

  it('takes the identity context from the ID token when awsAdditionalDetails lacks it', () => {
    expect(parseTokenResponse(good({ awsAdditionalDetails: undefined }), expect_).identityContext).toBe(
      CONTEXT,
    );
  });

  it('reads an epoch expiresIn as a time, and the earliest of expiresIn and exp wins', () => {
    expect(parseTokenResponse(good({ expiresIn: NOW / 1000 + 600 }), expect_).expiresAt).toBe(NOW + 600_000);
    expect(parseTokenResponse(good({ expiresIn: 99_999 }), expect_).expiresAt).toBe(NOW + 3_600_000);
  });

  it('keeps the previous identity for a refresh answer without an ID token', () => {
    const set = parseTokenResponse(good({ idToken: undefined }), { ...expect_, previous });
    expect(set.identity.idcUserId).toBe('u-alice');
  });

  const hostile: [string, unknown, Record<string, unknown>, string][] = [
    ['no body', null, {}, 'no body'],
    ['no access token', good({ accessToken: undefined }), {}, 'accessToken is missing'],
    ['access token a number', good({ accessToken: 5 }), {}, 'accessToken is malformed'],
    ['huge refresh token', good({ refreshToken: 'r'.repeat(70_000) }), {}, 'refreshToken is malformed'],
    ['token type MAC', good({ tokenType: 'MAC' }), {}, 'tokenType'],
    ['no ID token on jwt-bearer', good({ idToken: undefined }), {}, 'idToken is missing'],
    ['ID token garbage', good({ idToken: 'x.y' }), {}, 'not a compact JWT'],
    [
      'ID token for another app',
      good({ idToken: idToken(claims({ aud: 'arn:other' })) }),
      {},
      'another application',
    ],
    [
      'refresh for another user',
      good({ idToken: idToken(claims({ sub: 'u-mallory' })) }),
      { previous },
      'another user',
    ],
    [
      'refresh for another store',
      good({ idToken: idToken(claims({ 'aws:identity_store_id': 'd-0000000000' })) }),
      { previous },
      'another identity store',
    ],
    [
      'contexts disagree',
      good({ awsAdditionalDetails: { identityContext: 'ctx-other-9' } }),
      {},
      'disagrees',
    ],
    [
      'context malformed',
      good({ awsAdditionalDetails: { identityContext: 'a b' } }),
      {},
      'identityContext is malformed',
    ],
    ['details an array', good({ awsAdditionalDetails: [] }), {}, 'awsAdditionalDetails'],
    [
      'already expired',
      good({ expiresIn: NOW / 1000 - 10, idToken: idToken(claims({ exp: NOW / 1000 - 10 })) }),
      {},
      'already expired',
    ],
  ];

  it.each(hostile)('refuses %s with ERR_IDC_RESPONSE_INVALID', (_n, body, extra, reason) => {
    let error: unknown;
    try {
      parseTokenResponse(body, { ...expect_, requestId: 'req-1', ...extra });
    } catch (e) {
      error = e;
    }
    expect(isTipError(error, 'ERR_IDC_RESPONSE_INVALID')).toBe(true);
    expect(String((error as Error).message)).toContain(reason);
    expect((error as { requestId?: string }).requestId).toBe('req-1');
    expect(JSON.stringify(error)).not.toContain(CONTEXT);
    expect(JSON.stringify(error)).not.toContain('at-1');
  });

  it('never yields another user than the one asked for on refresh, for random answers', () => {
    const sub = fc.constantFrom('u-alice', 'u-mallory', '', 7);
    const body = fc.record(
      {
        accessToken: fc.oneof(fc.constant('at'), fc.integer(), fc.constant(undefined)),
        expiresIn: fc.oneof(fc.integer({ min: -10, max: 3_000_000_000 }), fc.double(), fc.string()),
        idToken: fc.oneof(
          sub.map((s) => idToken(claims({ sub: s }))),
          fc.string(),
          fc.constant(undefined),
        ),
        awsAdditionalDetails: fc.oneof(
          fc.record({ identityContext: fc.oneof(fc.constant(CONTEXT), fc.string()) }),
          fc.constant(undefined),
        ),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(body, fc.boolean(), (b, refresh) => {
        try {
          const set = parseTokenResponse(b, { ...expect_, ...(refresh ? { previous } : {}) });
          if (refresh) expect(set.identity.idcUserId).toBe('u-alice');
          expect(set.expiresAt).toBeGreaterThan(NOW);
          expect(set.expiresAt).toBeLessThanOrEqual(NOW + 12 * 3_600_000);
        } catch (e) {
          expect(isTipError(e, 'ERR_IDC_RESPONSE_INVALID')).toBe(true);
        }
      }),
      { numRuns: 400 },
    );
  });
});

describe('expiryFromExpiresIn', () => {
  it.each([
    [3600, NOW + 3_600_000],
    [0, undefined],
    [-5, undefined],
    [Number.NaN, undefined],
    [Number.POSITIVE_INFINITY, undefined],
    ['3600', undefined],
    [NOW / 1000 + 60, NOW + 60_000],
    [NOW / 1000 - 60, undefined],
    [10 ** 15, NOW + 12 * 3_600_000],
    [999_999_999, NOW + 12 * 3_600_000],
  ])('%s → %s', (input, out) => {
    expect(expiryFromExpiresIn(input, NOW)).toBe(out);
  });
});
