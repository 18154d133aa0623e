import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  LAST_SCALAR_INDEX,
  anyJsonText,
  anyJsonValue,
  codePoint,
  codePointString,
  scalarAt,
} from '../support/code-points.js';
import { ROOT, filesUnder } from '../support/source-files.js';

describe('code-point arbitraries for property tests', () => {
  it('maps the ends of the range and both sides of the surrogates to scalar values', () => {
    expect([0, 0xd7ff, 0xd800, 0xf7ff, LAST_SCALAR_INDEX].map((n) => scalarAt(n).codePointAt(0))).toEqual([
      0, 0xd7ff, 0xe000, 0xffff, 0x10ffff,
    ]);
  });

  it('draws one scalar value, never a surrogate, and reaches the astral planes', () => {
    let astral = 0;
    fc.assert(
      fc.property(codePoint, (s) => {
        const cp = s.codePointAt(0)!;
        expect(String.fromCodePoint(cp)).toBe(s);
        expect(cp >= 0xd800 && cp <= 0xdfff).toBe(false);
        if (cp > 0xffff) astral++;
      }),
      { numRuns: 2_000 },
    );
    expect(astral).toBeGreaterThan(0);
  });

  it('counts length in code points and draws well-formed strings', () => {
    fc.assert(
      fc.property(codePointString({ minLength: 2, maxLength: 5 }), (s) => {
        const n = [...s].length;
        expect(n >= 2 && n <= 5).toBe(true);
        expect(encodeURIComponent(s).length).toBeGreaterThan(0); // throws URIError on a lone surrogate
      }),
    );
  });

  it('draw JSON whose strings are scalar values', () => {
    fc.assert(
      fc.property(anyJsonText(), anyJsonValue(), (text, value) => {
        expect(() => JSON.parse(text)).not.toThrow();
        // JSON.stringify writes -0 as 0, so the round trip is compared as text.
        expect(JSON.stringify(JSON.parse(JSON.stringify(value)))).toBe(JSON.stringify(value));
      }),
    );
  });

  it('are what the property tests use instead of the arbitraries that build the 1.1-million-entry table', () => {
    // fc.webUrl, webPath, webSegment and webQueryParameters build a table of every percent-encoded character.
    const slow =
      /unit: 'binary'|\bfc\.(?:jsonValue|json|unicodeJsonValue|unicodeJson|fullUnicodeString|fullUnicode|webUrl|webPath|webSegment|webQueryParameters|webFragments)\(/;
    const offenders = filesUnder('test')
      .filter((path) => path !== 'test/support/code-points.ts' && path !== 'test/unit/code-points.test.ts')
      .filter((path) => slow.test(readFileSync(join(ROOT, path), 'utf8')));
    expect(offenders).toEqual([]);
  });
});
