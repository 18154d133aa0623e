import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type BearerRequest, extractBearer } from '../../src/http/bearer.js';

const T = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1In0.c2ln';
const req = (authorization?: string, cookie?: string, rawHeaders?: string[]): BearerRequest => ({
  headers: { authorization, cookie },
  ...(rawHeaders === undefined ? {} : { rawHeaders }),
});

describe('extractBearer', () => {
  it.each<[string, BearerRequest, string | undefined, ReturnType<typeof extractBearer>]>([
    ['plain Bearer', req(`Bearer ${T}`), undefined, { kind: 'token', token: T, source: 'header' }],
    ['scheme in any case', req(`bEaReR ${T}`), undefined, { kind: 'token', token: T, source: 'header' }],
    ['several spaces', req(`Bearer    ${T}`), undefined, { kind: 'token', token: T, source: 'header' }],
    ['padding', req('Bearer abc=='), undefined, { kind: 'token', token: 'abc==', source: 'header' }],
    ['no header', req(), undefined, { kind: 'missing' }],
    ['empty header', req(''), undefined, { kind: 'missing' }],
    ['another scheme', req('Basic dXNlcjpwYXNz'), undefined, { kind: 'missing' }],
    [
      'scheme alone',
      req('Bearer'),
      undefined,
      { kind: 'malformed', reason: 'The Bearer credential has no token.' },
    ],
    ['two tokens', req(`Bearer ${T} ${T}`), undefined, expect.objectContaining({ kind: 'malformed' })],
    [
      'credential list',
      req(`Bearer ${T}, Bearer ${T}`),
      undefined,
      expect.objectContaining({ kind: 'malformed' }),
    ],
    ['padding inside', req('Bearer ab=c'), undefined, expect.objectContaining({ kind: 'malformed' })],
    ['quoted token', req(`Bearer "${T}"`), undefined, expect.objectContaining({ kind: 'malformed' })],
    ['tab separator', req(`Bearer\t${T}`), undefined, expect.objectContaining({ kind: 'malformed' })],
    ['non-ASCII', req('Bearer tökén'), undefined, expect.objectContaining({ kind: 'malformed' })],
    ['bad scheme', req('B@arer x'), undefined, expect.objectContaining({ kind: 'malformed' })],
    [
      'repeated header',
      req(`Bearer ${T}`, undefined, ['Authorization', `Bearer ${T}`, 'authorization', `Bearer ${T}`]),
      undefined,
      { kind: 'malformed', reason: 'The request has more than one Authorization header.' },
    ],
    ['cookie', req(undefined, `a=1; tok=${T}; b=2`), 'tok', { kind: 'token', token: T, source: 'cookie' }],
    ['quoted cookie', req(undefined, `tok="${T}"`), 'tok', { kind: 'token', token: T, source: 'cookie' }],
    ['cookie not configured', req(undefined, `tok=${T}`), undefined, { kind: 'missing' }],
    ['cookie prefix name', req(undefined, `xtok=${T}`), 'tok', { kind: 'missing' }],
    ['empty cookie', req(undefined, 'tok='), 'tok', { kind: 'missing' }],
    [
      'repeated cookie',
      req(undefined, `tok=${T}; tok=${T}`),
      'tok',
      { kind: 'malformed', reason: 'The token cookie is set more than once.' },
    ],
    ['cookie with space', req(undefined, 'tok=a b'), 'tok', expect.objectContaining({ kind: 'malformed' })],
    ['header wins', req('Bearer aaa', 'tok=bbb'), 'tok', { kind: 'token', token: 'aaa', source: 'header' }],
    [
      'Basic then cookie',
      req('Basic x', 'tok=bbb'),
      'tok',
      { kind: 'token', token: 'bbb', source: 'cookie' },
    ],
    [
      'malformed header beats cookie',
      req('Bearer', 'tok=bbb'),
      'tok',
      expect.objectContaining({ kind: 'malformed' }),
    ],
  ])('%s', (_name, request, cookieName, expected) => {
    expect(extractBearer(request, cookieName)).toEqual(expected);
  });

  it('returns any b64token unchanged, and never quotes the input in a reason', () => {
    const b64 = fc.stringMatching(/^[A-Za-z0-9\-._~+/]{1,200}={0,2}$/);
    fc.assert(
      fc.property(
        b64,
        fc.constantFrom('Bearer', 'bearer', 'BEARER'),
        fc.integer({ min: 1, max: 3 }),
        (t, s, n) => {
          expect(extractBearer(req(`${s}${' '.repeat(n)}${t}`))).toEqual({
            kind: 'token',
            token: t,
            source: 'header',
          });
        },
      ),
    );
    fc.assert(
      fc.property(fc.string({ minLength: 3, maxLength: 300 }), (value) => {
        const out = extractBearer(req(value), 'tok');
        if (out.kind === 'token') expect(/^[A-Za-z0-9\-._~+/]+=*$/.test(out.token)).toBe(true);
        if (out.kind === 'malformed') expect(out.reason).not.toContain(value);
        const viaCookie = extractBearer(req(undefined, value), 'tok');
        if (viaCookie.kind === 'malformed') expect(viaCookie.reason).not.toContain(value);
      }),
    );
  });

  it('accepts exactly the b64token syntax, padding only at the end', () => {
    const chars = fc.constantFrom('a', 'Z', '9', '-', '.', '_', '~', '+', '/', '=', ' ', '!', ',', '"', 'é');
    fc.assert(
      fc.property(fc.array(chars, { maxLength: 40 }), (parts) => {
        const value = parts.join('');
        const out = extractBearer(req(`Bearer ${value}`));
        const expected = /^[A-Za-z0-9\-._~+/]+=*$/.test(value.trim());
        expect(out.kind).toBe(expected ? 'token' : 'malformed');
        if (out.kind === 'token') expect(out.token).toBe(value.trim());
      }),
    );
    for (const bad of ['=abc', 'a=b', 'ab=c=', '==', 'a==b']) {
      expect(extractBearer(req(`Bearer ${bad}`)).kind).toBe('malformed');
    }
    for (const good of ['a', 'a=', 'a==', 'eyJ.eyJ.sig', 'a/b+c~d']) {
      expect(extractBearer(req(`bearer  ${good}`))).toEqual({ kind: 'token', token: good, source: 'header' });
    }
  });
});
