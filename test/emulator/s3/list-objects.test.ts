import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeContinuationToken,
  encodeContinuationToken,
  type ListPosition,
  listKeys,
} from '../../../src/emulator/s3/list-objects.js';

const sortKeys = (keys: string[]) =>
  [...new Set(keys)].sort((a, b) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));
const keyArb = fc
  .array(fc.constantFrom('a', 'b', '/', 'é', '-'), { minLength: 1, maxLength: 6 })
  .map((p) => p.join(''));

describe('listKeys', () => {
  it('lists keys and rolls keys up under the delimiter', () => {
    const keys = sortKeys(['a/1', 'a/2', 'a/b/3', 'b', 'c/4']);
    expect(listKeys(keys, { prefix: '', delimiter: '/', maxKeys: 1000, startAfter: '' })).toEqual({
      contents: ['b'],
      commonPrefixes: ['a/', 'c/'],
      truncated: false,
    });
    expect(listKeys(keys, { prefix: 'a/', delimiter: '/', maxKeys: 1000, startAfter: '' })).toEqual({
      contents: ['a/1', 'a/2'],
      commonPrefixes: ['a/b/'],
      truncated: false,
    });
    expect(listKeys(keys, { prefix: '', delimiter: '', maxKeys: 0, startAfter: '' }).contents).toEqual([]);
    expect(listKeys(keys, { prefix: '', delimiter: '', maxKeys: 9, startAfter: 'a/2' }).contents).toEqual([
      'a/b/3',
      'b',
      'c/4',
    ]);
  });

  it('pages to the same result as one listing, for any page size', () => {
    fc.assert(
      fc.property(
        fc.array(keyArb, { maxLength: 25 }),
        fc.constantFrom('', 'a', 'a/', 'b'),
        fc.constantFrom('', '/', 'b'),
        fc.integer({ min: 1, max: 5 }),
        (raw, prefix, delimiter, maxKeys) => {
          const keys = sortKeys(raw);
          const whole = listKeys(keys, { prefix, delimiter, maxKeys: 1000, startAfter: '' });
          const contents: string[] = [];
          const prefixes: string[] = [];
          let after: ListPosition | undefined;
          for (let pages = 0; pages < 100; pages++) {
            const page = listKeys(keys, { prefix, delimiter, maxKeys, startAfter: '', after });
            expect(page.contents.length + page.commonPrefixes.length).toBeLessThanOrEqual(maxKeys);
            contents.push(...page.contents);
            prefixes.push(...page.commonPrefixes);
            if (!page.truncated) break;
            after = decodeContinuationToken(encodeContinuationToken(page.next as ListPosition));
          }
          expect(contents).toEqual(whole.contents);
          expect(prefixes).toEqual(whole.commonPrefixes);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('round-trips tokens and rejects forged ones', () => {
    const position = { key: 'a/é', commonPrefix: true };
    expect(decodeContinuationToken(encodeContinuationToken(position))).toEqual(position);
    for (const token of [
      '',
      'x',
      'lov2.',
      'lov2.!!!',
      `lov2.${Buffer.from('[1,true]').toString('base64url')}`,
    ]) {
      expect(() => decodeContinuationToken(token)).toThrow(
        expect.objectContaining({ code: 'InvalidArgument' }),
      );
    }
  });
});
