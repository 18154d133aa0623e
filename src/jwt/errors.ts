import { TipError, type TipErrorDetails } from '../errors.js';
import type { KeyMiss } from './key-set.js';

const SAFE_KID = /^[\w.:+=/-]{1,128}$/;

/** Details naming the issuer and, when it is a plain short identifier, the token's `kid`. */
export function keyDetails(issuer: string, kid: string | undefined, reason: string): TipErrorDetails {
  return kid !== undefined && SAFE_KID.test(kid) ? { issuer, kid, reason } : { issuer, reason };
}

/** The error for a key that could not be selected. */
export function keyMissError(miss: KeyMiss, issuer: string, kid: string | undefined): TipError {
  const details = keyDetails(issuer, kid, miss.reason);
  switch (miss.code) {
    case 'ERR_JWKS_NO_MATCHING_KEY':
      return new TipError(
        miss.code,
        `No key of issuer ${issuer} matches the token. If the issuer rotated its keys, retry after the JWKS ` +
          'cooldown; otherwise the token was not signed by this issuer.',
        { details },
      );
    case 'ERR_JWKS_MULTIPLE_MATCHING_KEYS':
      return new TipError(
        miss.code,
        `The token has no "kid" and several keys of issuer ${issuer} could verify it. Have the issuer put a ` +
          '"kid" in its token headers.',
        { details },
      );
    case 'ERR_JWT_ALGORITHM':
      return new TipError(
        miss.code,
        `The token algorithm does not fit the key of issuer ${issuer} it names (kty, crv or alg disagree).`,
        { details: { ...details, claim: 'alg' } },
      );
    case 'ERR_JWK_INVALID':
      return new TipError(
        miss.code,
        `The key of issuer ${issuer} that the token names is not usable (${miss.reason}): too weak, private, ` +
          'not for signatures, or malformed. The issuer must publish a valid public signing key.',
        { details },
      );
  }
}

/** The error for an issuer that is not configured. The token's `iss` value is not echoed. */
export function unknownIssuerError(reason: 'missing' | 'unknown'): TipError {
  return new TipError(
    'ERR_JWT_ISSUER',
    reason === 'missing'
      ? 'The token has no "iss" claim. Send a token from one of the configured issuers.'
      : 'The token issuer is not one of the configured issuers. Configure it, or send a token from a ' +
          'configured issuer (the "iss" value must match exactly, including case and trailing slash).',
    { details: { claim: 'iss', reason } },
  );
}

/** The error for an algorithm the issuer's policy does not allow. */
export function algorithmNotAllowedError(issuer: string): TipError {
  return new TipError(
    'ERR_JWT_ALGORITHM',
    `The token algorithm is not in the algorithms allowed for issuer ${issuer}. Add it to that issuer's ` +
      '`algorithms` option if the issuer really signs with it.',
    { details: { issuer, claim: 'alg', reason: 'not_allowed' } },
  );
}

/** The error for a signature that does not verify. */
export function signatureError(issuer: string): TipError {
  return new TipError(
    'ERR_JWT_SIGNATURE',
    `The token signature does not verify with the key of issuer ${issuer}. The token was altered or not ` +
      'signed by this issuer.',
    { details: { issuer, reason: 'invalid' } },
  );
}

/** The error for a custom check that refused the token; the check's own error is kept as `cause`. */
export function checkFailedError(issuer: string, cause?: unknown): TipError {
  return new TipError(
    'ERR_JWT_CHECK_FAILED',
    `The custom check configured for issuer ${issuer} refused the token.`,
    { cause, details: { issuer, reason: 'check' } },
  );
}
