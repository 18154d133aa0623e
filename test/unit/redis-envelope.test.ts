import { createSecretKey, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { codePointString } from '../support/code-points.js';
import { describe, expect, it } from 'vitest';
import { SealError, createEnvelope } from '../../src/redis/envelope.js';

const a = { id: 'a', key: createSecretKey(randomBytes(32)) };
const b = { id: 'b', key: createSecretKey(randomBytes(32)) };
const envelope = createEnvelope([a]);

function reason(open: () => string): string | undefined {
  try {
    open();
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(SealError);
    return (error as SealError).reason;
  }
}

describe('the Redis envelope (AES-256-GCM, the Redis key as AAD)', () => {
  const sealed = envelope.seal('tip:v:k1', 'plain ✓ text');

  it('opens what it sealed, for the same Redis key only', () => {
    expect(envelope.open('tip:v:k1', sealed)).toBe('plain ✓ text');
    expect(reason(() => envelope.open('tip:v:k2', sealed))).toBe('undecryptable');
    expect(reason(() => envelope.open('other:v:k1', sealed))).toBe('undecryptable');
  });

  const [, id, iv, body, tag] = sealed.split('.') as [string, string, string, string, string];
  const flip = (text: string) => (text[0] === 'A' ? 'B' : 'A') + text.slice(1);
  it.each([
    ['an empty value', '', 'malformed'],
    ['another version', `tip2.${id}.${iv}.${body}.${tag}`, 'malformed'],
    ['a part missing', `tip1.${id}.${iv}.${body}`, 'malformed'],
    ['a part too many', `${sealed}.x`, 'malformed'],
    ['a non-base64url character', `tip1.${id}.${iv}.${body}+.${tag}`, 'malformed'],
    ['a short IV', `tip1.${id}.${iv.slice(4)}.${body}.${tag}`, 'malformed'],
    ['a short tag', `tip1.${id}.${iv}.${body}.${tag.slice(4)}`, 'malformed'],
    ['an unknown key id', `tip1.zz.${iv}.${body}.${tag}`, 'unknown-key'],
    ['a key id switched to another listed key', `tip1.b.${iv}.${body}.${tag}`, 'undecryptable'],
    ['a flipped IV', `tip1.${id}.${flip(iv)}.${body}.${tag}`, 'undecryptable'],
    ['a flipped ciphertext', `tip1.${id}.${iv}.${flip(body)}.${tag}`, 'undecryptable'],
    ['a flipped tag', `tip1.${id}.${iv}.${body}.${flip(tag)}`, 'undecryptable'],
    ['an empty ciphertext', `tip1.${id}.${iv}..${tag}`, 'undecryptable'],
    ['a huge value', `tip1.${id}.${iv}.${'A'.repeat(1_100_000)}.${tag}`, 'too-large'],
  ])('refuses %s', (_name, text, why) => {
    expect(reason(() => createEnvelope([a, b]).open('tip:v:k1', text))).toBe(why);
  });

  it('rotation: a reader with [b, a] opens a’s values and seals with b', () => {
    const rotated = createEnvelope([b, a]);
    expect(rotated.open('tip:v:k1', sealed)).toBe('plain ✓ text');
    const fresh = rotated.seal('tip:v:k1', 'new');
    expect(fresh.startsWith('tip1.b.')).toBe(true);
    expect(reason(() => envelope.open('tip:v:k1', fresh))).toBe('unknown-key');
  });

  it('property: any text read from Redis opens only if sealed for that key, and never throws otherwise', () => {
    fc.assert(
      fc.property(codePointString({ maxLength: 300 }), fc.string({ maxLength: 20 }), (text, key) => {
        const why = reason(() => envelope.open(key, text));
        expect(why === undefined ? text : why).not.toBe(undefined);
        expect(['malformed', 'unknown-key', 'undecryptable', 'too-large', undefined]).toContain(why);
      }),
    );
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string(), fc.string(), (plain, k1, k2) => {
        const text = envelope.seal(k1, plain);
        expect(envelope.open(k1, text)).toBe(plain);
        if (k1 !== k2) expect(reason(() => envelope.open(k2, text))).toBe('undecryptable');
      }),
      { numRuns: 200 },
    );
  });
});
