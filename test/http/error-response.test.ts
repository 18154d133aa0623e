import { describe, expect, it } from 'vitest';
import { TIP_ERROR_CATEGORIES, TIP_ERROR_CODES, TipError, type TipErrorCode } from '../../src/errors.js';
import { errorResponse, isQuotable } from '../../src/http/error-response.js';

const settings = { realm: 'r', retryAfterSeconds: 7 };
const statusOf = (code: TipErrorCode) => errorResponse(new TipError(code, 'm'), settings).status;

describe('errorResponse', () => {
  it('maps every code to one status class', () => {
    const byStatus: Record<number, string[]> = {};
    for (const code of Object.keys(TIP_ERROR_CODES) as TipErrorCode[]) {
      const status = statusOf(code);
      byStatus[status] = [...(byStatus[status] ?? []), code];
    }
    expect(byStatus[403]?.sort()).toEqual([
      'ERR_ACCESS_DENIED',
      'ERR_IDC_ACCESS_DENIED',
      'ERR_JWT_SCOPE',
      'ERR_REDSHIFT_TOKEN_REFUSED',
      'ERR_STS_ACCESS_DENIED',
    ]);
    expect(byStatus[503]?.sort()).toEqual([
      'ERR_ABORTED',
      'ERR_AWS_THROTTLED',
      'ERR_AWS_UNAVAILABLE',
      'ERR_JWKS_UNAVAILABLE',
      'ERR_TIMEOUT',
    ]);
    expect(byStatus[401]).toEqual(
      expect.arrayContaining([
        'ERR_JWT_EXPIRED',
        'ERR_JWKS_NO_MATCHING_KEY',
        'ERR_IDC_INVALID_GRANT',
        'ERR_IDC_TOKEN_REUSED',
      ]),
    );
    expect(
      byStatus[401]?.every(
        (c) => TIP_ERROR_CATEGORIES[c as TipErrorCode] === 'token' || c === 'ERR_BEARER_MISSING',
      ),
    ).toBe(true);
    expect(byStatus[500]).toEqual(
      expect.arrayContaining(['ERR_STS_CONTEXT_REJECTED', 'ERR_AWS_CREDENTIALS', 'ERR_IDC_INVALID_CLIENT']),
    );
  });

  it('answers 401 invalid_token for every code a client token can cause, derived from the category', () => {
    const tokenCodes = (Object.keys(TIP_ERROR_CODES) as TipErrorCode[]).filter(
      (c) => TIP_ERROR_CATEGORIES[c] === 'token',
    );
    expect(tokenCodes).toEqual(
      expect.arrayContaining(['ERR_JWK_INVALID', 'ERR_JWT_INVALID', 'ERR_IDC_INVALID_GRANT']),
    );
    for (const code of tokenCodes) {
      const r = errorResponse(new TipError(code, 'm'), settings);
      expect({ code, status: r.status, error: r.body.error }).toEqual({
        code,
        status: 401,
        error: 'invalid_token',
      });
      expect(r.headers['www-authenticate']).toMatch(/^Bearer realm="r", error="invalid_token"/);
    }
    // Every code has a category, and the category decides the status class.
    const statusOfCategory = { token: 401, forbidden: 403, unavailable: 503, aborted: 503 } as Record<
      string,
      number
    >;
    for (const code of Object.keys(TIP_ERROR_CODES) as TipErrorCode[]) {
      const category = TIP_ERROR_CATEGORIES[code];
      const expected = statusOfCategory[category] ?? (category === 'request' ? undefined : 500);
      if (expected !== undefined)
        expect({ code, status: statusOf(code) }).toEqual({ code, status: expected });
    }
  });

  it('writes challenges, Retry-After and bodies from fixed texts only', () => {
    const secret = 'eyJsecret.token.value';
    const err = new TipError('ERR_JWT_EXPIRED', `expired ${secret}`, { details: { issuer: secret } });
    const out = errorResponse(err, settings);
    expect(out.headers['www-authenticate']).toBe(
      'Bearer realm="r", error="invalid_token", error_description="The access token expired."',
    );
    expect(JSON.stringify(out)).not.toContain(secret);
    const busy = errorResponse(new TipError('ERR_AWS_THROTTLED', 'x'), settings);
    expect(busy.headers['retry-after']).toBe('7');
    expect(busy.headers['www-authenticate']).toBeUndefined();
    for (const code of Object.keys(TIP_ERROR_CODES) as TipErrorCode[]) {
      const r = errorResponse(new TipError(code, secret), settings);
      expect(isQuotable(r.body.error_description)).toBe(true);
      expect(r.body.code).toBe(code);
      expect(r.headers['cache-control']).toBe('no-store');
    }
    expect(errorResponse('not an error', settings).body.code).toBe('ERR_INTERNAL');
  });
});
