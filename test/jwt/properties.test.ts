import fc from 'fast-check';
import { anyJsonValue, codePointString } from '../support/code-points.js';
import { describe, expect, it } from 'vitest';
import { createJwtVerifier } from '../../src/index.js';
import type { JwtAlgorithm } from '../../src/index.js';
import { isTipError } from '../../src/errors.js';
import { parseDiscovery } from '../../src/jwt/discovery.js';
import { hasDuplicateMembers } from '../../src/jwt/duplicate-members.js';
import { parseJwks } from '../../src/jwt/jwks.js';
import { fakeFetch, json } from './fake-fetch.js';
import { AUDIENCE, ISSUER, JWKS_URI, KEYS, NOW_MS, b64, claims, publishedJwks, signJwt } from './kit.js';

const DISCOVERY = `${ISSUER}/.well-known/openid-configuration`;
const local = () =>
  createJwtVerifier({
    issuers: [{ issuer: ISSUER, audience: AUDIENCE, algorithms: null, jwks: publishedJwks() }],
    now: () => NOW_MS,
  });

/** Runs `verify` and returns 'ok', or the error if it is a TipError; anything else fails the property. */
async function outcome(p: () => Promise<unknown>): Promise<'ok' | 'tip-error'> {
  let promise: Promise<unknown>;
  try {
    promise = p();
  } catch (error) {
    throw new Error(`verify threw synchronously: ${String(error)}`);
  }
  try {
    await promise;
    return 'ok';
  } catch (error) {
    if (!isTipError(error)) throw new Error(`not a TipError: ${String(error)}`);
    return 'tip-error';
  }
}

const ALGS: JwtAlgorithm[] = ['RS256', 'PS256', 'ES256', 'ES384', 'EdDSA'];
const validTokens = ALGS.map((alg) => signJwt(claims(), alg));
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
// Besides the alphabet and separators: characters whose low byte is a base64url character (U+0141 reads
// as "A" to a lax decoder), Latin-1, control and non-BMP characters.
const CHARS = [
  ...B64,
  ...'.=+/ \n\t\u00e9\u0000\u00ff',
  ...[...B64].map((c) => String.fromCharCode(c.charCodeAt(0) + 0x100)),
  '\u{1F600}',
];

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), c: fc.constantFrom(...CHARS) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), c: fc.constantFrom(...CHARS) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), n: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('swap' as const), a: fc.nat(2), b: fc.nat(2) }),
  fc.record({ kind: fc.constant('bitflip' as const), segment: fc.nat(2), at: fc.nat(), bit: fc.nat(7) }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

function mutate(token: string, m: Mutation): string {
  const at = 'at' in m ? m.at % (token.length + 1) : 0;
  switch (m.kind) {
    case 'replace':
      return token.slice(0, at) + m.c + token.slice(at + 1);
    case 'insert':
      return token.slice(0, at) + m.c + token.slice(at);
    case 'delete':
      return token.slice(0, at) + token.slice(at + m.n);
    case 'truncate':
      return token.slice(0, at);
    case 'swap': {
      const parts = token.split('.');
      [parts[m.a], parts[m.b]] = [parts[m.b]!, parts[m.a]!];
      return parts.join('.');
    }
    case 'bitflip': {
      // Flip one bit of the decoded bytes and re-encode canonically.
      const parts = token.split('.');
      const bytes = Buffer.from(parts[m.segment]!, 'base64url');
      if (bytes.length === 0) return token;
      const i = m.at % bytes.length;
      bytes[i] = bytes[i]! ^ (1 << m.bit);
      parts[m.segment] = bytes.toString('base64url');
      return parts.join('.');
    }
  }
}

describe('verifier properties', () => {
  it('accepts no mutation of a valid token unless it is byte-identical', async () => {
    const verifier = local();
    for (const t of validTokens) await verifier.verify(t); // also warms the verified-token cache
    await fc.assert(
      fc.asyncProperty(fc.nat(validTokens.length - 1), mutation, async (i, m) => {
        const original = validTokens[i]!;
        const mutated = mutate(original, m);
        const result = await outcome(() => verifier.verify(mutated));
        expect(result).toBe(mutated === original ? 'ok' : 'tip-error');
      }),
      { numRuns: 1500 },
    );
  });

  it('answers arbitrary strings with a TipError only', async () => {
    const verifier = local();
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string(), codePointString(), fc.base64String()), async (s) => {
        expect(await outcome(() => verifier.verify(s))).toBe('tip-error');
      }),
      { numRuns: 500 },
    );
  });

  it('answers arbitrary non-string inputs with a TipError only', async () => {
    const verifier = local();
    await fc.assert(
      fc.asyncProperty(fc.anything(), async (value) => {
        expect(await outcome(() => verifier.verify(value as string))).toBe('tip-error');
      }),
      { numRuns: 200 },
    );
  });

  it('answers arbitrary JSON headers and payloads with a TipError only', async () => {
    const verifier = local();
    const header = fc.oneof(
      anyJsonValue(),
      fc.record(
        {
          alg: fc.oneof(fc.constantFrom('RS256', 'ES256', 'EdDSA', 'none', 'HS256', 'PS512'), anyJsonValue()),
          kid: fc.oneof(fc.constantFrom('rsa-1', 'ec-1', 'ed-1', 'weak-1', 'x'), anyJsonValue()),
          typ: fc.oneof(fc.constant('at+jwt'), anyJsonValue()),
          crit: anyJsonValue(),
          b64: anyJsonValue(),
        },
        { requiredKeys: [] },
      ),
    );
    const payload = fc.oneof(
      anyJsonValue(),
      fc.record(
        {
          iss: fc.oneof(fc.constant(ISSUER), anyJsonValue()),
          aud: fc.oneof(fc.constant(AUDIENCE), anyJsonValue()),
          exp: fc.oneof(fc.constant(NOW_MS / 1000 + 60), anyJsonValue()),
          nbf: anyJsonValue(),
          iat: anyJsonValue(),
          sub: anyJsonValue(),
          scope: anyJsonValue(),
        },
        { requiredKeys: [] },
      ),
    );
    const signature = fc.oneof(
      fc.constant(''),
      fc.uint8Array({ maxLength: 600 }).map((a) => Buffer.from(a).toString('base64url')),
    );
    await fc.assert(
      fc.asyncProperty(header, payload, signature, async (h, p, s) => {
        expect(await outcome(() => verifier.verify(`${b64(h)}.${b64(p)}.${s}`))).toBe('tip-error');
      }),
      { numRuns: 800 },
    );
  });
});

const jwkLike = fc.oneof(
  anyJsonValue(),
  fc.constantFrom(...Object.values(KEYS).map((k) => k.jwk)),
  fc.record(
    {
      kty: fc.oneof(fc.constantFrom('RSA', 'EC', 'OKP', 'oct'), anyJsonValue()),
      kid: fc.oneof(fc.constantFrom('rsa-1', 'ec-1'), anyJsonValue()),
      alg: fc.oneof(fc.constantFrom('RS256', 'ES256', 'EdDSA', 'HS256'), anyJsonValue()),
      use: anyJsonValue(),
      key_ops: anyJsonValue(),
      crv: fc.oneof(fc.constantFrom('P-256', 'P-384', 'P-521', 'Ed25519', 'X25519'), anyJsonValue()),
      n: fc.oneof(fc.constant(KEYS.rsa.jwk.n), fc.base64String(), anyJsonValue()),
      e: fc.oneof(fc.constant('AQAB'), anyJsonValue()),
      x: fc.oneof(fc.constant(KEYS.ec.jwk.x), anyJsonValue()),
      y: fc.oneof(fc.constant(KEYS.ec.jwk.y), anyJsonValue()),
      d: anyJsonValue(),
    },
    { requiredKeys: [] },
  ),
);
const jwksLike = fc.oneof(
  anyJsonValue(),
  fc.record({ keys: fc.oneof(fc.array(jwkLike, { maxLength: 6 }), anyJsonValue()) }),
);

describe('duplicate member names', () => {
  /** A JSON text written member by member (names may repeat), with whether any object repeats a name. */
  interface Written {
    readonly text: string;
    readonly duplicate: boolean;
  }
  const space = fc.constantFrom('', ' ', '\n', '\t ', '\r\n');
  const leaf: fc.Arbitrary<Written> = fc
    .oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null), fc.constantFrom('"a":1', '\\', '\\"'))
    .map((v) => ({ text: JSON.stringify(v), duplicate: false }));
  const { value } = fc.letrec<{ value: Written; object: Written; array: Written }>((tie) => ({
    value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('object'), tie('array')),
    object: fc
      .array(fc.tuple(fc.constantFrom('sub', 'iss', 'a', 's\u0075b', '"', ''), tie('value'), space, space), {
        maxLength: 6,
      })
      .map((members) => {
        const names = members.map(([n]) => n);
        return {
          text: `{${members.map(([n, v, s1, s2]) => `${s1}${JSON.stringify(n)}${s2}:${s1}${v.text}${s2}`).join(',')}}`,
          duplicate: new Set(names).size < names.length || members.some(([, v]) => v.duplicate),
        };
      }),
    array: fc.array(tie('value'), { maxLength: 4 }).map((items) => ({
      text: `[${items.map((i) => i.text).join(',')}]`,
      duplicate: items.some((i) => i.duplicate),
    })),
  }));

  it('finds a repeated name in any object at any depth, and only then', () => {
    fc.assert(
      fc.property(value, ({ text, duplicate }) => {
        expect(hasDuplicateMembers(text, JSON.parse(text))).toBe(duplicate);
      }),
      { numRuns: 2_000 },
    );
  });

  it('finds a repeat that a string value holding a name-like colon hides from the colon bound', () => {
    // Each text has as many quote-then-colon pairs as parsed keys only if one of them sits in a value:
    // the cheap bound must not settle these; the exact count must.
    const cases: [string, boolean][] = [
      ['{"sub":"a","sub":"b"}', true],
      ['{"sub" :"a", "sub"\t: "b"}', true],
      [String.raw`{"x":"\":","x":1}`, true],
      [String.raw`{"x":"\":","y":1}`, false],
      [String.raw`{"a":{"b":1,"b":2},"c":"\":"}`, true],
      ['{"iss":"https://idp.example.com","sub":"u","aud":["a:b"]}', false],
      [String.raw`{"k":"\u0022:","k":2}`, true],
    ];
    for (const [text, duplicate] of cases)
      expect(hasDuplicateMembers(text, JSON.parse(text))).toBe(duplicate);
  });

  it('never flags what JSON.stringify wrote', () => {
    fc.assert(
      fc.property(anyJsonValue(), (v) => {
        const text = JSON.stringify(v);
        expect(hasDuplicateMembers(text, JSON.parse(text))).toBe(false);
      }),
      { numRuns: 1_000 },
    );
  });
});

describe('JWKS and discovery properties', () => {
  it('parses arbitrary JWKS documents to keys or ERR_JWKS_INVALID, nothing else', () => {
    fc.assert(
      fc.property(jwksLike, (doc) => {
        try {
          const set = parseJwks(doc, ISSUER);
          for (const k of set.keys) expect(k.jwk).not.toHaveProperty('d');
        } catch (error) {
          expect(isTipError(error, 'ERR_JWKS_INVALID')).toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('answers a token with a TipError or a verified result whatever JWKS the endpoint serves', async () => {
    const token = signJwt(claims());
    await fc.assert(
      fc.asyncProperty(jwksLike, async (doc) => {
        const f = fakeFetch({ [JWKS_URI]: json(doc) });
        const v = createJwtVerifier({
          issuers: [{ issuer: ISSUER, audience: AUDIENCE, algorithms: null, jwksUri: JWKS_URI }],
          fetch: f.fetch,
          now: () => NOW_MS,
        });
        const result = await outcome(() => v.verify(token));
        // Only the real key may verify the token.
        const hasRealKey = JSON.stringify(doc).includes(KEYS.rsa.jwk.n as string);
        if (result === 'ok') expect(hasRealKey).toBe(true);
        let importError: unknown;
        try {
          v.importCache({
            version: 1,
            issuers: { [ISSUER]: { fetchedAt: 1, keys: (doc as { keys?: unknown })?.keys } },
          });
        } catch (error) {
          importError = error;
        }
        if (importError !== undefined) expect(isTipError(importError, 'ERR_JWKS_INVALID')).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('parses arbitrary discovery documents to a jwks_uri or ERR_DISCOVERY_INVALID, nothing else', async () => {
    // URLs of every scheme, host form and path the parser decides on (fc.webUrl builds a table of every
    // percent-encoded character, about 0.5 s of CPU, and draws only http and https).
    const urlLike = fc
      .tuple(
        fc.constantFrom('https://', 'http://', 'HTTPS://', 'file://', 'javascript:', '//', ''),
        fc.constantFrom(
          'idp.example.com',
          'localhost:8443',
          '127.0.0.1',
          '[::1]',
          'user:pw@idp',
          'xn--n3h.example',
          '',
        ),
        fc.array(
          fc.constantFrom('jwks', '.well-known', '%2e%2e', '..', 'a b', '?q=1', '#f', '\u00e9', '\u0000'),
          {
            maxLength: 4,
          },
        ),
      )
      .map(([scheme, host, path]) => `${scheme}${host}/${path.join('/')}`);
    const docLike = fc.oneof(
      anyJsonValue(),
      fc.record(
        {
          issuer: fc.oneof(fc.constantFrom(ISSUER, `${ISSUER}/`, ISSUER.toUpperCase()), anyJsonValue()),
          jwks_uri: fc.oneof(
            fc.constantFrom(JWKS_URI, 'http://idp.example.com/j', '/j'),
            urlLike,
            anyJsonValue(),
          ),
        },
        { requiredKeys: [] },
      ),
    );
    await fc.assert(
      fc.asyncProperty(docLike, async (doc) => {
        try {
          const uri = parseDiscovery(doc, ISSUER, false);
          // Schemes are case-insensitive (RFC 3986 §3.1): HTTPS://… is https.
          expect(new URL(uri).protocol).toBe('https:');
          expect((doc as { issuer: unknown }).issuer).toBe(ISSUER);
        } catch (error) {
          expect(isTipError(error, 'ERR_DISCOVERY_INVALID')).toBe(true);
        }
        const f = fakeFetch({ [DISCOVERY]: json(doc), [JWKS_URI]: json(publishedJwks()) });
        const v = createJwtVerifier({
          issuers: [{ issuer: ISSUER, audience: AUDIENCE, algorithms: null }],
          fetch: f.fetch,
          now: () => NOW_MS,
        });
        await outcome(() => v.verify(signJwt(claims())));
        // Keys are only ever fetched from the jwks_uri of a document that names this issuer.
        if (f.calls.length > 1) {
          expect((doc as { issuer: unknown }).issuer).toBe(ISSUER);
          expect(f.calls[1]).toBe((doc as { jwks_uri: unknown }).jwks_uri);
        }
      }),
      { numRuns: 300 },
    );
  });
});
