import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  TIP_ERROR_CATEGORIES,
  TIP_ERROR_CODES,
  TipError,
  type TipErrorCode,
  errorCategory,
  isTipError,
} from '../../src/errors.js';

describe('TipError', () => {
  it('carries a stable code, details, cause and request id', () => {
    const cause = new Error('low level');
    const err = new TipError('ERR_JWT_AUDIENCE', 'wrong audience', {
      cause,
      details: { claim: 'aud', reason: 'mismatch' },
      requestId: 'req-1',
    });
    expect(err.code).toBe('ERR_JWT_AUDIENCE');
    expect(err.name).toBe('TipError');
    expect(err.cause).toBe(cause);
    expect(err.details).toEqual({ claim: 'aud', reason: 'mismatch' });
    expect(Object.isFrozen(err.details)).toBe(true);
    expect(err.requestId).toBe('req-1');
    expect(err.toJSON()).toEqual({
      name: 'TipError',
      code: 'ERR_JWT_AUDIENCE',
      message: 'wrong audience',
      details: { claim: 'aud', reason: 'mismatch' },
      requestId: 'req-1',
    });
  });

  it('is recognised by isTipError, optionally by code', () => {
    const err = new TipError('ERR_TIMEOUT', 'late');
    expect(isTipError(err)).toBe(true);
    expect(isTipError(err, 'ERR_TIMEOUT', 'ERR_ABORTED')).toBe(true);
    expect(isTipError(err, 'ERR_ABORTED')).toBe(false);
    expect(isTipError(new Error('x'))).toBe(false);
    expect(isTipError({ code: 'ERR_TIMEOUT', name: 'TipError' })).toBe(false);
    expect(isTipError(null)).toBe(false);
  });

  it('documents every code', () => {
    for (const [code, text] of Object.entries(TIP_ERROR_CODES)) {
      expect(code).toMatch(/^ERR_[A-Z0-9_]+$/);
      expect(text.length).toBeGreaterThan(10);
    }
  });
});

describe('error categories', () => {
  it('gives every code the category docs/errors.md lists for it', () => {
    const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
    const section = doc.slice(doc.indexOf('## Categories'), doc.indexOf('## Codes by where they come from'));
    const listed = new Map<string, string>();
    for (const row of section.split('\n').filter((l) => /^\| `[a-z]+` \|/.test(l))) {
      const category = /^\| `([a-z]+)`/.exec(row)![1]!;
      const codes = row.split('|').at(-2)!;
      for (const [, code] of codes.matchAll(/`(ERR_[A-Z_]+)`/g)) listed.set(code!, category);
    }
    for (const code of Object.keys(TIP_ERROR_CODES) as TipErrorCode[]) {
      const expected = code.startsWith('ERR_JWT_') && code !== 'ERR_JWT_SCOPE' ? 'token' : listed.get(code);
      expect({ code, category: TIP_ERROR_CATEGORIES[code] }).toEqual({ code, category: expected });
      expect(new TipError(code, 'm').category).toBe(expected);
    }
    expect(errorCategory('ERR_NOT_A_CODE')).toBe('remote');
  });
});
