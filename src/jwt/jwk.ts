import { type KeyObject, createPublicKey } from 'node:crypto';
import { ALGORITHMS, ALL_ALGORITHMS, MIN_RSA_BITS, isJwtAlgorithm } from './algorithms.js';
import { decodeBase64url } from './base64url.js';
import type { JwtAlgorithm, PublicJwk } from './types.js';

/** A usable verification key with the algorithms it may verify. */
export interface KeyEntry {
  readonly kid: string | undefined;
  readonly key: KeyObject;
  /** Algorithms this key may verify: from `kty`/`crv`, narrowed by the JWK's own `alg`. */
  readonly algorithms: ReadonlySet<JwtAlgorithm>;
  /** RSA modulus length in bytes (the exact signature length); 0 for other key types. */
  readonly modulusBytes: number;
  /** The public members only, for export. */
  readonly jwk: PublicJwk;
  /** The public members as JSON; equal fingerprints mean the same key, so a refresh can keep the entry. */
  readonly fingerprint: string;
  /** Cleared when a refresh no longer lists the key; cached verifications made with it are then dropped. */
  alive: boolean;
}

/** A JWK that was listed but cannot be used, with a short machine-readable reason. */
export interface RejectedKey {
  readonly kid: string | undefined;
  readonly reason: string;
}

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;
const CURVE_BYTES: Readonly<Record<string, number>> = { 'P-256': 32, 'P-384': 48, 'P-521': 66, Ed25519: 32 };
const PUBLIC_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  RSA: ['n', 'e'],
  EC: ['crv', 'x', 'y'],
  OKP: ['crv', 'x'],
};

const reject = (kid: string | undefined, reason: string): RejectedKey => ({ kid, reason });

function bytesOf(value: unknown): Buffer | undefined {
  return typeof value === 'string' ? decodeBase64url(value) : undefined;
}

/** Bit length of a big-endian unsigned integer. */
function bitLength(bytes: Buffer): number {
  let i = 0;
  while (i < bytes.length && bytes[i] === 0) i++;
  if (i === bytes.length) return 0;
  return (bytes.length - i - 1) * 8 + (32 - Math.clz32(bytes[i]!));
}

function candidateAlgorithms(kty: string, crv: string | undefined): JwtAlgorithm[] {
  return ALL_ALGORITHMS.filter((a) => {
    const spec = ALGORITHMS[a];
    return spec.kty === kty && (spec.crv === undefined || spec.crv === crv);
  });
}

/**
 * Validates one untrusted JWK and imports it once as a `KeyObject`. Refuses private keys, keys not meant
 * for signature verification (`use`, `key_ops`), unsupported types and curves, RSA keys under 2048 bits,
 * and an `alg` that does not fit the key type.
 */
export function parseJwk(value: unknown): KeyEntry | RejectedKey {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return reject(undefined, 'not_object');
  const jwk = value as Record<string, unknown>;
  const kid = jwk.kid;
  if (kid !== undefined && (typeof kid !== 'string' || kid.length === 0 || kid.length > 256)) {
    return reject(undefined, 'kid');
  }
  const { kty } = jwk;
  if (typeof kty !== 'string' || !Object.hasOwn(PUBLIC_MEMBERS, kty)) return reject(kid, 'kty');
  for (const m of PRIVATE_MEMBERS) if (jwk[m] !== undefined) return reject(kid, 'private_key');
  if (jwk.use !== undefined && jwk.use !== 'sig') return reject(kid, 'use');
  if (jwk.key_ops !== undefined) {
    const ops = jwk.key_ops;
    if (!Array.isArray(ops) || !ops.every((o) => typeof o === 'string') || !ops.includes('verify')) {
      return reject(kid, 'key_ops');
    }
  }
  const crv = typeof jwk.crv === 'string' ? jwk.crv : undefined;
  let algorithms = candidateAlgorithms(kty, crv);
  if (algorithms.length === 0) return reject(kid, 'crv');
  if (jwk.alg !== undefined) {
    const alg = jwk.alg;
    if (!isJwtAlgorithm(alg) || !algorithms.includes(alg)) return reject(kid, 'alg');
    algorithms = [alg];
  }
  let modulusBytes = 0;
  if (kty === 'RSA') {
    const n = bytesOf(jwk.n);
    const e = bytesOf(jwk.e);
    if (n === undefined || e === undefined || e.length === 0 || e.length > 8)
      return reject(kid, 'rsa_params');
    const bits = bitLength(n);
    if (bits < MIN_RSA_BITS) return reject(kid, 'rsa_too_small');
    if (bits > 16384) return reject(kid, 'rsa_too_large');
    modulusBytes = Math.ceil(bits / 8);
  } else {
    const size = CURVE_BYTES[crv as string]!;
    const x = bytesOf(jwk.x);
    if (x === undefined || x.length !== size) return reject(kid, 'curve_point');
    if (kty === 'EC') {
      const y = bytesOf(jwk.y);
      if (y === undefined || y.length !== size) return reject(kid, 'curve_point');
    }
  }
  const pub: Record<string, unknown> = { kty };
  for (const m of PUBLIC_MEMBERS[kty]!) pub[m] = jwk[m];
  let key: KeyObject;
  try {
    key = createPublicKey({ key: pub as import('node:crypto').JsonWebKey, format: 'jwk' });
  } catch {
    return reject(kid, 'unusable');
  }
  if (kid !== undefined) pub.kid = kid;
  if (jwk.alg !== undefined) pub.alg = jwk.alg;
  if (jwk.use !== undefined) pub.use = jwk.use;
  return {
    kid,
    key,
    algorithms: new Set(algorithms),
    modulusBytes,
    jwk: Object.freeze(pub) as PublicJwk,
    fingerprint: JSON.stringify(pub),
    alive: true,
  };
}

/** True when `parseJwk` returned a usable key. */
export function isKeyEntry(value: KeyEntry | RejectedKey): value is KeyEntry {
  return 'key' in value;
}
