/**
 * Mints arbitrary tokens with the embedded IdP's current keys, for negative tests of verifiers.
 */
import { randomUUID } from 'node:crypto';
import { type JWTHeaderParameters, SignJWT } from 'jose';
import { optionError } from '../../errors.js';
import type { IdpKeyGeneration } from './keys.js';
import type { IdpSignOptions } from './types.js';

/**
 * Signs `claims` with the current key for `opts.alg`. Fills `iss`, `iat`, `exp` and `jti` unless `claims`
 * has the member (a member with the value `undefined` is left out of the token).
 */
export async function signWithKeys(
  keys: IdpKeyGeneration,
  issuer: string,
  defaultTtlSeconds: number,
  claims: Record<string, unknown>,
  opts: IdpSignOptions = {},
): Promise<string> {
  const alg = opts.alg ?? 'RS256';
  if (alg !== 'RS256' && alg !== 'ES256') throw optionError('alg', "must be 'RS256' or 'ES256'");
  const key = keys[alg];
  if (opts.header !== undefined && 'alg' in opts.header && opts.header.alg !== alg) {
    throw optionError('header.alg', 'cannot differ from `alg`; pass `alg` instead');
  }
  if (opts.expiresInSeconds !== undefined && !Number.isSafeInteger(opts.expiresInSeconds)) {
    throw optionError(
      'expiresInSeconds',
      'must be an integer number of seconds (negative for an expired token)',
    );
  }
  const now = Math.floor(Date.now() / 1000);
  const ttl = opts.expiresInSeconds ?? defaultTtlSeconds;
  const defaults: Record<string, unknown> = { iss: issuer, iat: now, exp: now + ttl, jti: randomUUID() };
  const payload: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(defaults)) {
    if (!(name in claims)) payload[name] = value;
  }
  for (const [name, value] of Object.entries(claims)) {
    if (value !== undefined) payload[name] = value;
  }
  // `header: { kid: undefined }` asks for a token without `kid`.
  const omitKid =
    opts.kid === undefined &&
    opts.header !== undefined &&
    'kid' in opts.header &&
    opts.header.kid === undefined;
  const kid = opts.kid ?? (typeof opts.header?.kid === 'string' ? opts.header.kid : key.kid);
  const header: Record<string, unknown> = { ...opts.header, alg, kid };
  if (omitKid) delete header.kid;
  return new SignJWT(payload).setProtectedHeader(header as JWTHeaderParameters).sign(key.privateKey);
}
