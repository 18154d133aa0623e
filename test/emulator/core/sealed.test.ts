import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSealer } from '../../../src/emulator/core/sealed.js';

const a = createSealer({ prefix: 'a1.', purpose: 'test/a', aad: 'test a v1' });
const b = createSealer({ prefix: 'a1.', purpose: 'test/b', aad: 'test a v1' });
const secret = randomBytes(32);

describe('createSealer', () => {
  it('opens what it sealed, and nothing sealed for another purpose or run', () => {
    const token = a.seal(secret, Buffer.from('hello'));
    expect(token.startsWith('a1.')).toBe(true);
    const opened = a.open(secret, token);
    expect(opened.ok && opened.plain.toString()).toBe('hello');
    expect(b.open(secret, token)).toEqual({ ok: false, reason: 'tampered' });
    expect(a.open(randomBytes(32), token)).toEqual({ ok: false, reason: 'tampered' });
  });

  it.each([
    ['a1.', 'malformed'],
    ['a1.$$$', 'malformed'],
    ['a1.AAAA', 'malformed'],
    [`a1.${'A'.repeat(44)}`, 'tampered'],
  ])('refuses %j as %s', (token, reason) => {
    expect(a.open(secret, token)).toEqual({ ok: false, reason });
  });

  it('detects any change to a token', () => {
    const token = a.seal(secret, Buffer.from('payload of some length'));
    fc.assert(
      fc.property(
        fc.integer({ min: 3, max: token.length - 1 }),
        fc.constantFrom('A', 'b', '-', '_'),
        (at, ch) => {
          const changed = token.slice(0, at) + ch + token.slice(at + 1);
          fc.pre(changed !== token);
          expect(a.open(secret, changed).ok).toBe(false);
        },
      ),
    );
  });
});
