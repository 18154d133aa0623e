import { constants } from 'node:crypto';
import type { JwtAlgorithm } from './types.js';

/** How one JWS algorithm maps to `crypto.verify` and which keys it may use. */
export interface AlgorithmSpec {
  readonly alg: JwtAlgorithm;
  /** The digest name for `crypto.verify`, or `null` for EdDSA. */
  readonly digest: string | null;
  readonly kty: 'RSA' | 'EC' | 'OKP';
  /** The curve for EC/OKP keys. */
  readonly crv?: string;
  readonly padding?: number;
  readonly saltLength?: number;
  /** Exact signature length in bytes for EC/OKP; RSA signatures are as long as the modulus. */
  readonly signatureBytes?: number;
}

const rsa = (alg: JwtAlgorithm, digest: string): AlgorithmSpec => ({
  alg,
  digest,
  kty: 'RSA',
  padding: constants.RSA_PKCS1_PADDING,
});
const pss = (alg: JwtAlgorithm, digest: string): AlgorithmSpec => ({
  alg,
  digest,
  kty: 'RSA',
  padding: constants.RSA_PKCS1_PSS_PADDING,
  // RFC 7518 §3.5: the salt is as long as the digest.
  saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
});

/** Every supported algorithm. */
export const ALGORITHMS: Readonly<Record<JwtAlgorithm, AlgorithmSpec>> = Object.freeze({
  RS256: rsa('RS256', 'sha256'),
  RS384: rsa('RS384', 'sha384'),
  RS512: rsa('RS512', 'sha512'),
  PS256: pss('PS256', 'sha256'),
  PS384: pss('PS384', 'sha384'),
  PS512: pss('PS512', 'sha512'),
  ES256: { alg: 'ES256', digest: 'sha256', kty: 'EC', crv: 'P-256', signatureBytes: 64 },
  ES384: { alg: 'ES384', digest: 'sha384', kty: 'EC', crv: 'P-384', signatureBytes: 96 },
  ES512: { alg: 'ES512', digest: 'sha512', kty: 'EC', crv: 'P-521', signatureBytes: 132 },
  EdDSA: { alg: 'EdDSA', digest: null, kty: 'OKP', crv: 'Ed25519', signatureBytes: 64 },
});

/** Every supported algorithm name, in a stable order. */
export const ALL_ALGORITHMS: readonly JwtAlgorithm[] = Object.freeze(
  Object.keys(ALGORITHMS) as JwtAlgorithm[],
);

/** True for a supported algorithm name. */
export function isJwtAlgorithm(value: unknown): value is JwtAlgorithm {
  return typeof value === 'string' && Object.hasOwn(ALGORITHMS, value);
}

/** True for algorithms that are never acceptable: `none` and symmetric (HMAC) ones. */
export function isForbiddenAlgorithm(value: string): boolean {
  return value.toLowerCase() === 'none' || /^HS\d+$/i.test(value);
}

/** Smallest accepted RSA modulus, in bits (NIST SP 800-131A). */
export const MIN_RSA_BITS = 2048;
