import { TipError } from '../errors.js';
import { type KeyEntry, type RejectedKey, isKeyEntry, parseJwk } from './jwk.js';

/** The usable keys of one JWKS, with the listed keys that were refused and why. */
export interface KeySet {
  readonly keys: readonly KeyEntry[];
  readonly rejected: readonly RejectedKey[];
}

/** Most keys accepted in one JWKS; real sets hold a handful. */
export const MAX_JWKS_KEYS = 100;

function invalid(issuer: string, reason: string): TipError {
  return new TipError(
    'ERR_JWKS_INVALID',
    `The JWKS of issuer ${issuer} is malformed (${reason}). Check that the issuer's jwks_uri serves ` +
      'a JSON object with a "keys" array of public keys.',
    { details: { issuer, reason } },
  );
}

/**
 * Validates an untrusted JWKS document. Unusable keys are set aside with a reason (a token naming one
 * fails with `ERR_JWK_INVALID`); a document that is not a JWKS at all throws `ERR_JWKS_INVALID`.
 */
export function parseJwks(doc: unknown, issuer: string): KeySet {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw invalid(issuer, 'not_object');
  const list = (doc as { keys?: unknown }).keys;
  if (!Array.isArray(list)) throw invalid(issuer, 'keys_not_array');
  if (list.length > MAX_JWKS_KEYS) throw invalid(issuer, 'too_many_keys');
  const keys: KeyEntry[] = [];
  const rejected: RejectedKey[] = [];
  for (const item of list) {
    const parsed = parseJwk(item);
    if (isKeyEntry(parsed)) keys.push(parsed);
    else rejected.push(parsed);
  }
  return { keys, rejected };
}
