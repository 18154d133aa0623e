import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { codePointString } from '../support/code-points.js';
import { cacheKey } from '../../src/cache/key.js';
import { refreshAt } from '../../src/cache/refresh-window.js';

describe('cacheKey', () => {
  it('is a 43-character base64url digest that contains none of its inputs', () => {
    const key = cacheKey('role', ['https://idp.example.com', 'alice@example.com', 'arn:x']);
    expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(key).not.toContain('alice');
  });

  it('never collides across different part lists (length-prefixed)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.option(fc.string(), { nil: undefined }), { maxLength: 4 }),
        fc.array(fc.option(fc.string(), { nil: undefined }), { maxLength: 4 }),
        (a, b) => {
          fc.pre(JSON.stringify(a) !== JSON.stringify(b));
          expect(cacheKey('ns', a)).not.toBe(cacheKey('ns', b));
        },
      ),
    );
    expect(cacheKey('ns', ['ab', 'c'])).not.toBe(cacheKey('ns', ['a', 'bc']));
    expect(cacheKey('ns', [''])).not.toBe(cacheKey('ns', [undefined]));
  });

  it('keeps the keys of ASCII parts as they always were (entries in a shared store stay reachable)', () => {
    expect(cacheKey('role', ['https://idp.example.com', 'alice@example.com', undefined, ''])).toBe(
      'zbymz4R119IU54NmMXcHCc4DcCd3Pk0nm8cZ2ZN_wak',
    );
    // And of other parts, hashed in one call or, from a lone surrogate on, piece by piece.
    expect(cacheKey('role', ['https://idp.example.com', 'zoë@example.com', 'arn:x'])).toBe(
      'cXEjAzy6ngeqJUBK4k8PdS1m6ayIFVUmDI-58FjQvrs',
    );
    expect(cacheKey('role', ['https://idp.example.com', 'p\uD800', undefined, 'zoë', ''])).toBe(
      'KGtJn9puQ2Ez5ZdBauHz9wPxQrntDF3mDgh5KymbFyQ',
    );
    expect(cacheKey('role', ['\uDC00', 'a', '\uD800x', 'b'])).toBe(
      'PtFYY3_PjRl9yyXADnpIEjHDv1db3KSvnvPRTMnV37o',
    );
  });

  it('keeps subjects with lone surrogates apart from U+FFFD and from each other', () => {
    const subjects = ['p\uD800', 'p\uDC00', 'p\uFFFD', 'p\uD800\uDC00', 'p\u{10000}', 'p\uDC00\uD800'];
    const keys = subjects.map((s) => cacheKey('role', ['https://idp.example.com', s]));
    expect(new Set(keys).size).toBe(5); // '\uD800\uDC00' and '\u{10000}' are the same JS string
    expect(cacheKey('ns', ['\uD800', 'x'])).not.toBe(cacheKey('ns', ['\uFFFD', 'x']));
  });

  it('is injective over part lists of any JS strings: full Unicode and lone surrogates', () => {
    // Any UTF-16 code unit (lone surrogates included), any code point, and the look-alikes that
    // UTF-8 encoding would merge.
    const unit = fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom('\uD800', '\uDBFF', '\uDC00', '\uDFFF', '\uFFFD', 'a', ':') },
      { weight: 1, arbitrary: fc.integer({ min: 0, max: 0xffff }).map((u) => String.fromCharCode(u)) },
      { weight: 1, arbitrary: codePointString({ minLength: 1, maxLength: 1 }) },
    );
    const part = fc.option(fc.string({ unit, maxLength: 4 }), { nil: undefined });
    const sameList = (a: readonly (string | undefined)[], b: readonly (string | undefined)[]) =>
      a.length === b.length && a.every((x, i) => x === b[i]);
    fc.assert(
      fc.property(fc.array(part, { maxLength: 4 }), fc.array(part, { maxLength: 4 }), (a, b) => {
        expect(cacheKey('ns', a) === cacheKey('ns', b)).toBe(sameList(a, b));
      }),
      { numRuns: 500 },
    );
    // Look-alikes: the same lists with every surrogate or U+FFFD swapped for another one.
    fc.assert(
      fc.property(
        fc.array(part, { minLength: 1, maxLength: 4 }),
        fc.constantFrom('\uD800', '\uDBFF', '\uDC00', '\uDFFF', '\uFFFD'),
        (a, swap) => {
          const b = a.map((x) => x?.replace(/[\uD800-\uDFFF\uFFFD]/g, swap));
          expect(cacheKey('ns', a) === cacheKey('ns', b)).toBe(sameList(a, b));
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('refreshAt', () => {
  it('is min(before, fraction × lifetime) ahead of expiry', () => {
    expect(refreshAt(0, 3_600_000, 300_000, 0.1)).toBe(3_300_000);
    expect(refreshAt(0, 900_000, 300_000, 0.1)).toBe(810_000);
    expect(refreshAt(1000, 500, 300_000, 0.1)).toBe(500);
  });
});
