import { expect } from 'vitest';
import { isTipError } from '../../src/errors.js';

/** Asserts that nothing an error exposes (message, details, JSON, stack) contains the token or a segment. */
export function expectNoTokenLeak(error: unknown, token: unknown): void {
  if (typeof token !== 'string' || token.length === 0) return;
  const exposed = isTipError(error)
    ? [error.message, JSON.stringify(error), JSON.stringify(error.details), String(error.stack)].join('\n')
    : String(error);
  const parts = [token, ...token.split('.')].filter((p) => p.length >= 8);
  for (const part of parts) expect(exposed.includes(part), 'error exposes a token segment').toBe(false);
}
