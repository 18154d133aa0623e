/**
 * Test keys and a raw JWS signer that can build any header, payload or signature — including broken ones.
 */
import { readFileSync } from 'node:fs';
import {
  type JsonWebKey,
  type KeyObject,
  constants,
  createHmac,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
} from 'node:crypto';
import type { JwtAlgorithm, PublicJwk } from '../../src/index.js';

export const ISSUER = 'https://idp.example.com';
export const TOLERANT_ISSUER = 'https://idp.example.com/tolerant';
export const AUDIENCE = 'analytics-api';
export const JWKS_URI = 'https://idp.example.com/jwks.json';
/** Fixed test clock, epoch milliseconds. */
export const NOW_MS = 1_800_000_000_000;
export const NOW = NOW_MS / 1000;

export interface TestKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly jwk: PublicJwk;
}

/**
 * The RSA keys, generated once and kept in a fixture: generating them costs about 1 s of CPU in each test
 * worker. EC and Ed25519 keys are cheap and generated each time.
 */
const RSA_KEYS = JSON.parse(
  readFileSync(new URL('./fixtures/rsa-test-keys.json', import.meta.url), 'utf8'),
) as Record<string, JsonWebKey>;

function rsaPair(name: string): { privateKey: KeyObject; publicKey: KeyObject } {
  const privateKey = createPrivateKey({ key: RSA_KEYS[name]!, format: 'jwk' });
  return { privateKey, publicKey: createPublicKey(privateKey) };
}

function makeKey(
  kid: string,
  type: 'rsa' | 'ec' | 'ed25519',
  opts: { rsa?: string; curve?: string; alg?: string },
): TestKey {
  const pair =
    type === 'rsa'
      ? rsaPair(opts.rsa!)
      : type === 'ec'
        ? generateKeyPairSync('ec', { namedCurve: opts.curve ?? 'P-256' })
        : generateKeyPairSync('ed25519');
  const exported = pair.publicKey.export({ format: 'jwk' });
  const jwk: PublicJwk = {
    ...exported,
    kty: exported.kty!,
    kid,
    use: 'sig',
    ...(opts.alg ? { alg: opts.alg } : {}),
  };
  return { kid, privateKey: pair.privateKey, publicKey: pair.publicKey, jwk };
}

/** Keys published by the test issuer, plus an attacker's key that is never published. */
export const KEYS = {
  rsa: makeKey('rsa-1', 'rsa', { rsa: 'rsa', alg: 'RS256' }),
  rsa2: makeKey('rsa-2', 'rsa', { rsa: 'rsa2' }),
  ec: makeKey('ec-1', 'ec', { alg: 'ES256' }),
  ec384: makeKey('ec-384', 'ec', { curve: 'P-384' }),
  ed: makeKey('ed-1', 'ed25519', {}),
  weak: makeKey('weak-1', 'rsa', { rsa: 'weak' }),
  attacker: makeKey('attacker-1', 'rsa', { rsa: 'attacker', alg: 'RS256' }),
} as const;

export type KeyName = keyof typeof KEYS;

/** The published JWKS: every key but the attacker's. */
export function publishedJwks(): { keys: PublicJwk[] } {
  return { keys: [KEYS.rsa, KEYS.rsa2, KEYS.ec, KEYS.ec384, KEYS.ed, KEYS.weak].map((k) => k.jwk) };
}

export const b64 = (value: unknown): string =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** Signs `input` the way `alg` prescribes (ECDSA as raw R||S unless `der`). */
export function signInput(alg: string, key: KeyObject, input: string, der = false): Buffer {
  const data = Buffer.from(input);
  const digest = `sha${alg.slice(2)}`;
  if (alg.startsWith('RS')) return sign(digest, data, key);
  if (alg.startsWith('PS')) {
    return sign(digest, data, {
      key,
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
    });
  }
  if (alg.startsWith('ES')) {
    const d = alg === 'ES512' ? 'sha512' : digest;
    return sign(d, data, { key, dsaEncoding: der ? 'der' : 'ieee-p1363' });
  }
  if (alg === 'EdDSA') return sign(null, data, key);
  throw new Error(`cannot sign ${alg}`);
}

/** Default valid claims for the main issuer at {@link NOW}. */
export function claims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    iss: ISSUER,
    sub: 'user-1',
    aud: AUDIENCE,
    iat: NOW - 60,
    exp: NOW + 600,
    jti: 'jti-1',
    scope: 'openid analytics:read',
    ...overrides,
  };
}

export interface SignOptions {
  readonly key?: KeyName;
  readonly header?: Record<string, unknown>;
  readonly der?: boolean;
}

/** A signed compact JWS. The header defaults to `{ alg, kid, typ: 'at+jwt' }` for the key. */
export function signJwt(payload: unknown, alg: JwtAlgorithm = 'RS256', options: SignOptions = {}): string {
  const key = KEYS[options.key ?? defaultKey(alg)];
  const header = options.header ?? { alg, kid: key.kid, typ: 'at+jwt' };
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${signInput(alg, key.privateKey, input, options.der).toString('base64url')}`;
}

/** An HS256 token whose HMAC secret is the RSA public key (the classic key-confusion attack). */
export function hmacWithPublicKey(payload: unknown): string {
  const input = `${b64({ alg: 'HS256', kid: KEYS.rsa.kid, typ: 'at+jwt' })}.${b64(payload)}`;
  const pem = KEYS.rsa.publicKey.export({ format: 'pem', type: 'spki' });
  return `${input}.${createHmac('sha256', pem).update(input).digest('base64url')}`;
}

function defaultKey(alg: JwtAlgorithm): KeyName {
  if (alg.startsWith('RS')) return 'rsa';
  if (alg.startsWith('PS')) return 'rsa2';
  if (alg === 'ES256') return 'ec';
  if (alg === 'ES384') return 'ec384';
  return 'ed';
}

/** Replaces the character at `index` (negative counts from the end) with another base64url character. */
export function flipChar(s: string, index: number): string {
  const i = index < 0 ? s.length + index : index;
  const c = s[i] === 'A' ? 'B' : 'A';
  return s.slice(0, i) + c + s.slice(i + 1);
}
