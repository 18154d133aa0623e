import { type KeyObject, verify as cryptoVerify } from 'node:crypto';
import { ALGORITHMS } from './algorithms.js';
import type { KeyEntry } from './jwk.js';
import type { JwtAlgorithm } from './types.js';

type VerifyKey =
  | KeyObject
  | { key: KeyObject; padding?: number; saltLength?: number; dsaEncoding?: 'ieee-p1363' };

// Prepared `crypto.verify` key arguments per key and algorithm, built once.
const prepared = new WeakMap<KeyEntry, Partial<Record<JwtAlgorithm, VerifyKey>>>();

function keyArgument(entry: KeyEntry, alg: JwtAlgorithm): VerifyKey {
  let byAlg = prepared.get(entry);
  if (byAlg === undefined) {
    byAlg = {};
    prepared.set(entry, byAlg);
  }
  let arg = byAlg[alg];
  if (arg === undefined) {
    const spec = ALGORITHMS[alg];
    if (spec.kty === 'RSA') {
      arg =
        spec.saltLength === undefined
          ? { key: entry.key, padding: spec.padding! }
          : { key: entry.key, padding: spec.padding!, saltLength: spec.saltLength };
    } else if (spec.kty === 'EC') {
      // JOSE carries ECDSA signatures as raw R || S, not DER (RFC 7518 §3.4).
      arg = { key: entry.key, dsaEncoding: 'ieee-p1363' };
    } else {
      arg = entry.key;
    }
    byAlg[alg] = arg;
  }
  return arg;
}

/**
 * Verifies a JWS signature with `node:crypto`. The signature length is checked first: RSA signatures are
 * exactly as long as the modulus, ECDSA signatures exactly 2 × the curve size (which refuses DER), Ed25519
 * signatures 64 bytes.
 */
export function verifySignature(
  alg: JwtAlgorithm,
  entry: KeyEntry,
  input: Buffer,
  signature: Buffer,
): boolean {
  const spec = ALGORITHMS[alg];
  const expected = spec.kty === 'RSA' ? entry.modulusBytes : spec.signatureBytes;
  if (signature.length !== expected) return false;
  try {
    return cryptoVerify(spec.digest, input, keyArgument(entry, alg), signature);
  } catch {
    return false;
  }
}
