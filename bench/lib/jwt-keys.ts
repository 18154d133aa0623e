/**
 * Signing keys and JWTs for benchmarks, signed with `node:crypto` directly (RS256, ES256, EdDSA), so a
 * bench can mint thousands of distinct tokens quickly and hand the verifier under test a public JWK.
 */
import { type KeyObject, generateKeyPairSync, sign } from 'node:crypto';

/** The algorithms the benches sign with. */
export type BenchAlg = 'RS256' | 'ES256' | 'EdDSA';

/** A key pair and its public JWK (`kid`, `alg`, `use` set). */
export interface BenchKeys {
  readonly alg: BenchAlg;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly jwk: Record<string, unknown> & { kid: string; alg: BenchAlg };
}

/** A new key pair for `alg` (RSA 2048, P-256 or Ed25519) with key id `kid`. */
export function benchKeys(alg: BenchAlg, kid = 'bench-key'): BenchKeys {
  const pair =
    alg === 'RS256'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : alg === 'ES256'
        ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
        : generateKeyPairSync('ed25519');
  const jwk = { ...pair.publicKey.export({ format: 'jwk' }), kid, alg, use: 'sig' };
  return { alg, privateKey: pair.privateKey, publicKey: pair.publicKey, jwk };
}

/** A signed token with its signing input and raw signature (for a raw `crypto.verify` baseline). */
export interface SignedJwt {
  readonly token: string;
  readonly input: Buffer;
  readonly signature: Buffer;
}

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

/** Signs `claims` with `keys` (header `{ alg, kid, typ }`; `typ` default `JWT`). */
export function signJwt(keys: BenchKeys, claims: Record<string, unknown>, typ = 'JWT'): SignedJwt {
  const input = Buffer.from(`${b64({ alg: keys.alg, kid: keys.jwk.kid, typ })}.${b64(claims)}`);
  const signature =
    keys.alg === 'RS256'
      ? sign('sha256', input, keys.privateKey)
      : keys.alg === 'ES256'
        ? sign('sha256', input, { key: keys.privateKey, dsaEncoding: 'ieee-p1363' })
        : sign(null, input, keys.privateKey);
  return { token: `${input.toString()}.${signature.toString('base64url')}`, input, signature };
}

/** Typical access-token claims for `subject` (issued now, one hour of life, a unique `jti`). */
export function accessClaims(issuer: string, audience: string, subject: string): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: issuer,
    sub: subject,
    aud: audience,
    client_id: 'bench-client',
    scope: 'openid analytics:read',
    jti: `${subject}-${Math.random().toString(36).slice(2)}`,
    iat: now,
    exp: now + 3600,
  };
}
