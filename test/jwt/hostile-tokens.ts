/**
 * One table of hostile and edge-case tokens. Every verification path (local keys, explicit JWKS URI,
 * discovery) must give the same answer for each. Issuers: {@link ISSUER} with no clock tolerance and
 * {@link TOLERANT_ISSUER} with 60 s; both require `typ: at+jwt`, audience {@link AUDIENCE}, any algorithm.
 */
import type { TipErrorCode } from '../../src/errors.js';
import {
  AUDIENCE,
  ISSUER,
  KEYS,
  NOW,
  TOLERANT_ISSUER,
  b64,
  claims,
  flipChar,
  hmacWithPublicKey,
  signInput,
  signJwt,
} from './kit.js';

export interface HostileCase {
  readonly name: string;
  readonly token: () => unknown;
  readonly expect: TipErrorCode | 'ok';
}

const tolerant = (o: Record<string, unknown>) => claims({ iss: TOLERANT_ISSUER, ...o });
const rs = (payload: unknown, header?: Record<string, unknown>) =>
  signJwt(
    payload,
    'RS256',
    header ? { header: { alg: 'RS256', kid: 'rsa-1', typ: 'at+jwt', ...header } } : {},
  );
const raw = (header: unknown, payload: unknown, sig = 'c2ln') => `${b64(header)}.${b64(payload)}.${sig}`;
/** Signs header and payload JSON texts exactly as written (so they can repeat a member name). */
const rsText = (header: string, payload: string) => {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${signInput('RS256', KEYS.rsa.privateKey, input).toString('base64url')}`;
};
const HEADER_TEXT = JSON.stringify({ alg: 'RS256', kid: 'rsa-1', typ: 'at+jwt' });
/** The default claims as JSON text with `extra` members spliced in before the closing brace. */
const claimsText = (extra: string) => `${JSON.stringify(claims()).slice(0, -1)},${extra}}`;
const seg = (token: string, i: number) => token.split('.')[i]!;
const withSeg = (token: string, i: number, value: string) => {
  const parts = token.split('.');
  parts[i] = value;
  return parts.join('.');
};
const attackerSigned = (extra: Record<string, unknown>, kid = KEYS.attacker.kid) =>
  signJwt(claims(), 'RS256', { key: 'attacker', header: { alg: 'RS256', kid, typ: 'at+jwt', ...extra } });

/**
 * Replaces the first character of segment `i` with the character 0x100 above it: base64 decoding and
 * Latin-1 encoding read only the low byte, so a lax verifier would see the original token.
 */
function lookAlike(token: string, i: number): string {
  const part = seg(token, i);
  return withSeg(token, i, String.fromCharCode(part.charCodeAt(0) + 0x100) + part.slice(1));
}

/** A payload whose base64url length leaves spare bits, so its last character can be made non-canonical. */
function nonCanonicalPayloadToken(): string {
  for (let pad = 0; ; pad++) {
    const payload = b64(claims({ pad: 'x'.repeat(pad) }));
    if (payload.length % 4 === 2) {
      const token = rs(claims({ pad: 'x'.repeat(pad) }));
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
      const last = alphabet.indexOf(payload.at(-1)!);
      return withSeg(token, 1, payload.slice(0, -1) + alphabet[last | 1]);
    }
  }
}

function nonCanonicalSignatureToken(): string {
  const token = rs(claims());
  const sig = seg(token, 2); // 256 bytes → 342 characters, 4 spare bits in the last one
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  return withSeg(token, 2, sig.slice(0, -1) + alphabet[alphabet.indexOf(sig.at(-1)!) | 1]);
}

export const HOSTILE_CASES: readonly HostileCase[] = [
  // Valid tokens, one per algorithm family: the table must also accept what is right.
  { name: 'valid RS256', token: () => rs(claims()), expect: 'ok' },
  { name: 'valid PS256 (key without alg)', token: () => signJwt(claims(), 'PS256'), expect: 'ok' },
  { name: 'valid ES256', token: () => signJwt(claims(), 'ES256'), expect: 'ok' },
  {
    name: 'valid ES384 without kid (one candidate key)',
    token: () => signJwt(claims(), 'ES384', { header: { alg: 'ES384', typ: 'at+jwt' } }),
    expect: 'ok',
  },
  { name: 'valid EdDSA', token: () => signJwt(claims(), 'EdDSA'), expect: 'ok' },
  // Algorithms
  {
    name: 'alg none, empty signature',
    token: () => raw({ alg: 'none', typ: 'at+jwt' }, claims(), ''),
    expect: 'ERR_JWT_ALGORITHM',
  },
  {
    name: 'alg NONE with a signature',
    token: () => raw({ alg: 'NONE', typ: 'at+jwt' }, claims()),
    expect: 'ERR_JWT_ALGORITHM',
  },
  {
    name: 'HS256 signed with the RSA public key',
    token: () => hmacWithPublicKey(claims()),
    expect: 'ERR_JWT_ALGORITHM',
  },
  {
    name: 'alg HS512',
    token: () => raw({ alg: 'HS512', kid: 'rsa-1' }, claims()),
    expect: 'ERR_JWT_ALGORITHM',
  },
  {
    name: 'unsupported alg ES256K',
    token: () => raw({ alg: 'ES256K', kid: 'ec-1' }, claims()),
    expect: 'ERR_JWT_ALGORITHM',
  },
  {
    name: 'alg missing',
    token: () => raw({ kid: 'rsa-1', typ: 'at+jwt' }, claims()),
    expect: 'ERR_JWT_INVALID',
  },
  {
    name: 'alg not a string',
    token: () => raw({ alg: 256, kid: 'rsa-1' }, claims()),
    expect: 'ERR_JWT_INVALID',
  },
  {
    name: 'header ES256 naming the RSA key',
    token: () =>
      signJwt(claims(), 'ES256', { key: 'ec', header: { alg: 'ES256', kid: 'rsa-1', typ: 'at+jwt' } }),
    expect: 'ERR_JWT_ALGORITHM',
  },
  {
    name: 'header PS256 naming an RS256-only key',
    token: () =>
      signJwt(claims(), 'PS256', { key: 'rsa', header: { alg: 'PS256', kid: 'rsa-1', typ: 'at+jwt' } }),
    expect: 'ERR_JWT_ALGORITHM',
  },
  {
    name: 'header EdDSA naming the EC key',
    token: () =>
      signJwt(claims(), 'EdDSA', { key: 'ed', header: { alg: 'EdDSA', kid: 'ec-1', typ: 'at+jwt' } }),
    expect: 'ERR_JWT_ALGORITHM',
  },
  {
    name: 'DER-encoded ECDSA signature',
    token: () => signJwt(claims(), 'ES256', { der: true }),
    expect: 'ERR_JWT_SIGNATURE',
  },
  // Keys
  { name: 'unknown kid', token: () => rs(claims(), { kid: 'nope' }), expect: 'ERR_JWKS_NO_MATCHING_KEY' },
  {
    name: 'kid not a string',
    token: () => raw({ alg: 'RS256', kid: 7 }, claims()),
    expect: 'ERR_JWT_INVALID',
  },
  {
    name: 'no kid with several candidate keys',
    token: () => signJwt(claims(), 'RS256', { header: { alg: 'RS256', typ: 'at+jwt' } }),
    expect: 'ERR_JWKS_MULTIPLE_MATCHING_KEYS',
  },
  {
    name: 'weak RSA-1024 key listed in the JWKS',
    token: () =>
      signJwt(claims(), 'RS256', { key: 'weak', header: { alg: 'RS256', kid: 'weak-1', typ: 'at+jwt' } }),
    expect: 'ERR_JWK_INVALID',
  },
  {
    name: 'attacker key under a published kid',
    token: () => attackerSigned({}, 'rsa-1'),
    expect: 'ERR_JWT_SIGNATURE',
  },
  {
    name: 'jku pointing elsewhere',
    token: () => attackerSigned({ jku: 'https://attacker.example/jwks.json' }),
    expect: 'ERR_JWKS_NO_MATCHING_KEY',
  },
  {
    name: 'x5u pointing elsewhere',
    token: () => attackerSigned({ x5u: 'https://attacker.example/cert.pem' }),
    expect: 'ERR_JWKS_NO_MATCHING_KEY',
  },
  {
    name: 'embedded jwk',
    token: () => attackerSigned({ jwk: KEYS.attacker.jwk }),
    expect: 'ERR_JWKS_NO_MATCHING_KEY',
  },
  {
    name: 'embedded x5c',
    token: () =>
      attackerSigned({
        x5c: [KEYS.attacker.publicKey.export({ format: 'der', type: 'spki' }).toString('base64')],
      }),
    expect: 'ERR_JWKS_NO_MATCHING_KEY',
  },
  {
    name: 'jku with a published kid and the attacker signature',
    token: () => attackerSigned({ jku: 'https://attacker.example/jwks.json' }, 'rsa-1'),
    expect: 'ERR_JWT_SIGNATURE',
  },
  // JWS extensions
  { name: 'unknown crit', token: () => rs(claims(), { crit: ['exp'], exp: 1 }), expect: 'ERR_JWT_CRIT' },
  { name: 'empty crit', token: () => rs(claims(), { crit: [] }), expect: 'ERR_JWT_INVALID' },
  { name: 'crit not an array', token: () => rs(claims(), { crit: 'exp' }), expect: 'ERR_JWT_INVALID' },
  { name: 'b64 false', token: () => rs(claims(), { b64: false, crit: ['b64'] }), expect: 'ERR_JWT_INVALID' },
  // Integrity
  {
    name: 'tampered payload',
    token: () => {
      const t = rs(claims());
      return withSeg(t, 1, b64(claims({ sub: 'admin' })));
    },
    expect: 'ERR_JWT_SIGNATURE',
  },
  { name: 'tampered signature', token: () => flipChar(rs(claims()), -20), expect: 'ERR_JWT_SIGNATURE' },
  {
    name: 'truncated signature (340 chars)',
    token: () => {
      const t = rs(claims());
      return withSeg(t, 2, seg(t, 2).slice(0, 340));
    },
    expect: 'ERR_JWT_SIGNATURE',
  },
  {
    name: 'two segments',
    token: () => rs(claims()).split('.').slice(0, 2).join('.'),
    expect: 'ERR_JWT_INVALID',
  },
  { name: 'one segment', token: () => seg(rs(claims()), 1), expect: 'ERR_JWT_INVALID' },
  {
    name: 'extra segment',
    token: () => `${rs(claims())}.${seg(rs(claims()), 2)}`,
    expect: 'ERR_JWT_INVALID',
  },
  { name: 'empty payload segment', token: () => withSeg(rs(claims()), 1, ''), expect: 'ERR_JWT_INVALID' },
  { name: 'empty string', token: () => '', expect: 'ERR_JWT_INVALID' },
  { name: 'only dots', token: () => '..', expect: 'ERR_JWT_INVALID' },
  { name: 'not a string (number)', token: () => 12345, expect: 'ERR_JWT_INVALID' },
  { name: 'not a string (object)', token: () => ({ token: 'x' }), expect: 'ERR_JWT_INVALID' },
  { name: 'not a string (undefined)', token: () => undefined, expect: 'ERR_JWT_INVALID' },
  // JSON
  { name: 'header not JSON', token: () => raw('not json', claims()), expect: 'ERR_JWT_INVALID' },
  { name: 'header is an array', token: () => raw([], claims()), expect: 'ERR_JWT_INVALID' },
  { name: 'header is null', token: () => raw(null, claims()), expect: 'ERR_JWT_INVALID' },
  { name: 'header is a string', token: () => raw('"RS256"', claims()), expect: 'ERR_JWT_INVALID' },
  { name: 'payload not JSON', token: () => rs('{"iss":'), expect: 'ERR_JWT_INVALID' },
  { name: 'payload is an array', token: () => rs([claims()]), expect: 'ERR_JWT_INVALID' },
  { name: 'payload is a number', token: () => rs(42), expect: 'ERR_JWT_INVALID' },
  {
    name: 'payload is invalid UTF-8',
    token: () => withSeg(rs(claims()), 1, Buffer.from([0x7b, 0xff, 0xfe, 0x7d]).toString('base64url')),
    expect: 'ERR_JWT_INVALID',
  },
  // Size
  { name: 'huge token (20 KiB of junk)', token: () => 'a'.repeat(20_000), expect: 'ERR_JWT_TOO_LARGE' },
  {
    name: 'huge signed token',
    token: () => rs(claims({ blob: 'x'.repeat(17_000) })),
    expect: 'ERR_JWT_TOO_LARGE',
  },
  // base64url strictness
  { name: 'non-canonical payload bits', token: nonCanonicalPayloadToken, expect: 'ERR_JWT_INVALID' },
  { name: 'non-canonical signature bits', token: nonCanonicalSignatureToken, expect: 'ERR_JWT_INVALID' },
  { name: 'padded signature', token: () => `${rs(claims())}==`, expect: 'ERR_JWT_INVALID' },
  {
    name: 'plus sign in payload',
    token: () => withSeg(rs(claims()), 1, `+${seg(rs(claims()), 1).slice(1)}`),
    expect: 'ERR_JWT_INVALID',
  },
  {
    name: 'slash in signature',
    token: () => withSeg(rs(claims()), 2, `/${seg(rs(claims()), 2).slice(1)}`),
    expect: 'ERR_JWT_INVALID',
  },
  {
    name: 'whitespace in payload',
    token: () => {
      const t = rs(claims());
      const p = seg(t, 1);
      return withSeg(t, 1, `${p.slice(0, 8)} ${p.slice(8, -1)}`);
    },
    expect: 'ERR_JWT_INVALID',
  },
  {
    name: 'newline before signature',
    token: () => rs(claims()).replace(/\.([^.]*)$/, '.\n$1'),
    expect: 'ERR_JWT_INVALID',
  },
  {
    name: 'look-alike above U+00FF in the header',
    token: () => lookAlike(rs(claims()), 0),
    expect: 'ERR_JWT_INVALID',
  },
  {
    name: 'look-alike above U+00FF in the payload',
    token: () => lookAlike(rs(claims()), 1),
    expect: 'ERR_JWT_INVALID',
  },
  {
    name: 'look-alike above U+00FF in the signature',
    token: () => lookAlike(rs(claims()), 2),
    expect: 'ERR_JWT_INVALID',
  },
  {
    name: 'Latin-1 character in the payload',
    token: () => withSeg(rs(claims()), 1, `\u00e9${seg(rs(claims()), 1)}`),
    expect: 'ERR_JWT_INVALID',
  },
  // Times (tolerance 0 on ISSUER, 60 s on TOLERANT_ISSUER)
  { name: 'exp equals now', token: () => rs(claims({ exp: NOW })), expect: 'ERR_JWT_EXPIRED' },
  { name: 'exp one second ahead', token: () => rs(claims({ exp: NOW + 1 })), expect: 'ok' },
  {
    name: 'exp 30 s ago, no tolerance',
    token: () => rs(claims({ exp: NOW - 30 })),
    expect: 'ERR_JWT_EXPIRED',
  },
  { name: 'exp 30 s ago, 60 s tolerance', token: () => rs(tolerant({ exp: NOW - 30 })), expect: 'ok' },
  {
    name: 'exp 60 s ago, 60 s tolerance',
    token: () => rs(tolerant({ exp: NOW - 60 })),
    expect: 'ERR_JWT_EXPIRED',
  },
  { name: 'exp missing', token: () => rs(claims({ exp: undefined })), expect: 'ERR_JWT_CLAIM' },
  { name: 'exp as a string', token: () => rs(claims({ exp: String(NOW + 600) })), expect: 'ERR_JWT_CLAIM' },
  { name: 'exp negative', token: () => rs(claims({ exp: -1 })), expect: 'ERR_JWT_CLAIM' },
  { name: 'nbf now', token: () => rs(claims({ nbf: NOW })), expect: 'ok' },
  {
    name: 'nbf one second ahead',
    token: () => rs(claims({ nbf: NOW + 1 })),
    expect: 'ERR_JWT_NOT_YET_VALID',
  },
  { name: 'nbf 30 s ahead, 60 s tolerance', token: () => rs(tolerant({ nbf: NOW + 30 })), expect: 'ok' },
  {
    name: 'nbf 61 s ahead, 60 s tolerance',
    token: () => rs(tolerant({ nbf: NOW + 61 })),
    expect: 'ERR_JWT_NOT_YET_VALID',
  },
  {
    name: 'iat one second ahead',
    token: () => rs(claims({ iat: NOW + 1 })),
    expect: 'ERR_JWT_NOT_YET_VALID',
  },
  { name: 'iat 30 s ahead, 60 s tolerance', token: () => rs(tolerant({ iat: NOW + 30 })), expect: 'ok' },
  { name: 'iat as a string', token: () => rs(claims({ iat: 'yesterday' })), expect: 'ERR_JWT_CLAIM' },
  // Audience
  { name: 'aud other string', token: () => rs(claims({ aud: 'other-api' })), expect: 'ERR_JWT_AUDIENCE' },
  {
    name: 'aud array containing ours',
    token: () => rs(claims({ aud: ['other-api', AUDIENCE] })),
    expect: 'ok',
  },
  {
    name: 'aud array without ours',
    token: () => rs(claims({ aud: ['other-api'] })),
    expect: 'ERR_JWT_AUDIENCE',
  },
  { name: 'aud empty array', token: () => rs(claims({ aud: [] })), expect: 'ERR_JWT_AUDIENCE' },
  { name: 'aud missing', token: () => rs(claims({ aud: undefined })), expect: 'ERR_JWT_AUDIENCE' },
  {
    name: 'aud different case',
    token: () => rs(claims({ aud: AUDIENCE.toUpperCase() })),
    expect: 'ERR_JWT_AUDIENCE',
  },
  { name: 'aud a number', token: () => rs(claims({ aud: 7 })), expect: 'ERR_JWT_CLAIM' },
  // Issuer
  {
    name: 'iss with a trailing slash',
    token: () => rs(claims({ iss: `${ISSUER}/` })),
    expect: 'ERR_JWT_ISSUER',
  },
  {
    name: 'iss in another case',
    token: () => rs(claims({ iss: ISSUER.toUpperCase() })),
    expect: 'ERR_JWT_ISSUER',
  },
  { name: 'iss unknown', token: () => rs(claims({ iss: 'https://evil.example' })), expect: 'ERR_JWT_ISSUER' },
  { name: 'iss missing', token: () => rs(claims({ iss: undefined })), expect: 'ERR_JWT_ISSUER' },
  { name: 'iss a number', token: () => rs(claims({ iss: 1 })), expect: 'ERR_JWT_ISSUER' },
  // Type
  { name: 'typ JWT (an ID token)', token: () => rs(claims(), { typ: 'JWT' }), expect: 'ERR_JWT_TYPE' },
  { name: 'typ missing', token: () => rs(claims(), { typ: undefined }), expect: 'ERR_JWT_TYPE' },
  { name: 'typ application/AT+JWT', token: () => rs(claims(), { typ: 'application/AT+JWT' }), expect: 'ok' },
  { name: 'typ with trailing space', token: () => rs(claims(), { typ: 'at+jwt ' }), expect: 'ERR_JWT_TYPE' },
  { name: 'typ not a string', token: () => rs(claims(), { typ: 1 }), expect: 'ERR_JWT_INVALID' },
  // Other claims
  { name: 'sub a number', token: () => rs(claims({ sub: 5 })), expect: 'ERR_JWT_CLAIM' },
  // Duplicate member names: JSON.parse keeps the last, so two readers could see two different users.
  {
    name: 'signed JSON text, no duplicate',
    token: () => rsText(HEADER_TEXT, claimsText('"x":1')),
    expect: 'ok',
  },
  {
    name: 'sub twice',
    token: () => rsText(HEADER_TEXT, claimsText('"sub":"admin"')),
    expect: 'ERR_JWT_INVALID',
  },
  {
    name: 'sub twice, the second spelled with an escape',
    token: () => rsText(HEADER_TEXT, claimsText('"s\\u0075b":"admin"')),
    expect: 'ERR_JWT_INVALID',
  },
  {
    name: 'iss twice with whitespace around the colon',
    token: () => rsText(HEADER_TEXT, claimsText(' "iss" \n : "https://evil.example"')),
    expect: 'ERR_JWT_INVALID',
  },
  {
    name: 'a member repeated inside a nested claim',
    token: () => rsText(HEADER_TEXT, claimsText('"realm":{"roles":["a"],"roles":["admin"]}')),
    expect: 'ERR_JWT_INVALID',
  },
  {
    name: 'the same name in two different objects',
    token: () => rsText(HEADER_TEXT, claimsText('"a":{"sub":"x"},"b":[{"sub":"y"},{"sub":"z"}]')),
    expect: 'ok',
  },
  {
    name: 'a value that looks like a member name',
    token: () => rsText(HEADER_TEXT, claimsText('"note":"\\"sub\\":\\"admin\\"","n2":"a\\\\"')),
    expect: 'ok',
  },
  {
    name: 'kid twice in the header',
    token: () => rsText('{"alg":"RS256","kid":"ec-1","kid":"rsa-1","typ":"at+jwt"}', claimsText('"x":1')),
    expect: 'ERR_JWT_INVALID',
  },
  {
    name: 'alg twice in the header (none first)',
    token: () => rsText('{"alg":"none","alg":"RS256","kid":"rsa-1","typ":"at+jwt"}', claimsText('"x":1')),
    expect: 'ERR_JWT_INVALID',
  },
];
