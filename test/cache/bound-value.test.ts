import fc from 'fast-check';
import { codePointString } from '../support/code-points.js';
import { describe, expect, it } from 'vitest';
import { RejectedValue, bindValue, unbindValue } from '../../src/cache/bound-value.js';
import { cacheKey } from '../../src/cache/key.js';

const parts = ['https://idp.example.com', 'ann', 'arn:aws:sso::1:application/x', undefined, 'api'];
const key = cacheKey('role', parts);
const bound = bindValue(key, { namespace: 'role', parts }, '{"v":1}')!;

function rejection(stored: string, asked = key): string | undefined {
  try {
    unbindValue(asked, stored);
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(RejectedValue);
    return (error as RejectedValue).reason;
  }
}

describe('values bound to their key', () => {
  it('round-trips the codec text for the key its binding hashes to', () => {
    expect(unbindValue(key, bound)).toBe('{"v":1}');
    const plain = bindValue('k1', undefined, 'text\nwith newline')!;
    expect(unbindValue('k1', plain)).toBe('text\nwith newline');
  });

  it('writes nothing when the binding does not hash to the key', () => {
    expect(bindValue('another-key', { namespace: 'role', parts }, 'x')).toBeUndefined();
  });

  it.each([
    ['another key', bound, cacheKey('role', ['https://idp.example.com', 'ben']), 'foreign'],
    ['another namespace', bound, cacheKey('idc', parts), 'foreign'],
    ['an edited subject', bound.replace('"ann"', '"ben"'), key, 'foreign'],
    ['a part turned from absent to empty', bound.replace('null', '""'), key, 'foreign'],
    ['a key-bound value read under another key', bindValue('k1', undefined, 'x')!, 'k2', 'foreign'],
    ['no header line', '{"v":1}', key, 'malformed'],
    ['a header that is not JSON', '{"b":[\n{}', key, 'malformed'],
    ['a header that is not an object', 'null\n{}', key, 'malformed'],
    ['an empty binding', '{"b":[]}\n{}', key, 'malformed'],
    ['a numeric part', '{"b":["role",1]}\n{}', key, 'malformed'],
    ['a numeric namespace', '{"b":[1]}\n{}', key, 'malformed'],
    ['both forms', `{"b":["role"],"k":"${key}"}\n{}`, key, 'malformed'],
    ['a key that is not a string', '{"k":5}\n{}', key, 'malformed'],
    ['an empty value', '', key, 'malformed'],
  ])('refuses %s', (_name, stored, asked, reason) => {
    expect(rejection(stored, asked)).toBe(reason);
  });

  it('property: any stored text is either refused with a reason or was bound to the key asked for', () => {
    const part = fc.option(fc.string({ unit: 'grapheme', maxLength: 12 }), { nil: undefined });
    const binding = fc.record({
      namespace: fc.constantFrom('role', 'idc'),
      parts: fc.array(part, { maxLength: 5 }),
    });
    fc.assert(
      fc.property(binding, binding, fc.string(), (written, asked, text) => {
        const writtenKey = cacheKey(written.namespace, written.parts);
        const askedKey = cacheKey(asked.namespace, asked.parts);
        const stored = bindValue(writtenKey, written, text)!;
        const reason = rejection(stored, askedKey);
        expect(reason === undefined).toBe(writtenKey === askedKey);
        if (reason === undefined) expect(unbindValue(askedKey, stored)).toBe(text);
      }),
    );
    fc.assert(
      fc.property(codePointString(), (stored) => {
        const reason = rejection(stored);
        expect(reason === undefined || reason === 'foreign' || reason === 'malformed').toBe(true);
      }),
    );
  });
});
