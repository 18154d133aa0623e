import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
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
});

describe('refreshAt', () => {
  it('is min(before, fraction × lifetime) ahead of expiry', () => {
    expect(refreshAt(0, 3_600_000, 300_000, 0.1)).toBe(3_300_000);
    expect(refreshAt(0, 900_000, 300_000, 0.1)).toBe(810_000);
    expect(refreshAt(1000, 500, 300_000, 0.1)).toBe(500);
  });
});
