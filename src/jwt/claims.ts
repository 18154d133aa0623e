import { TipError, type TipErrorCode } from '../errors.js';
import { type IssuerPolicy, normalizeTyp } from './options.js';

function fail(code: TipErrorCode, issuer: string, claim: string, reason: string, message: string): TipError {
  return new TipError(code, message, { details: { issuer, claim, reason } });
}

/** Time and audience facts extracted while checking the claims. */
export interface CheckedClaims {
  readonly expMs: number | undefined;
  readonly nbfMs: number | undefined;
  readonly iatMs: number | undefined;
  readonly audience: readonly string[];
  readonly subject: string | undefined;
}

function numericDate(
  payload: Record<string, unknown>,
  claim: 'exp' | 'nbf' | 'iat',
  issuer: string,
): number | undefined {
  const v = payload[claim];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
    throw fail('ERR_JWT_CLAIM', issuer, claim, 'type', `The token "${claim}" claim is not a NumericDate.`);
  }
  return v * 1000;
}

/** Checks `exp` and `nbf` against `nowMs`; run on every verification, cached or not. */
export function checkTimes(
  expMs: number | undefined,
  nbfMs: number | undefined,
  nowMs: number,
  policy: IssuerPolicy,
): void {
  const toleranceMs = policy.toleranceMs;
  if (expMs !== undefined && nowMs >= expMs + toleranceMs) {
    throw fail(
      'ERR_JWT_EXPIRED',
      policy.issuer,
      'exp',
      'expired',
      'The token has expired. Obtain a new token.',
    );
  }
  if (nbfMs !== undefined && nbfMs > nowMs + toleranceMs) {
    throw fail(
      'ERR_JWT_NOT_YET_VALID',
      policy.issuer,
      'nbf',
      'in_future',
      'The token is not valid yet ("nbf"). Check the clocks of the issuer and this host, or raise ' +
        'clockToleranceSeconds.',
    );
  }
}

/** Whether `exp` and `nbf` hold at `nowMs` (what {@link checkTimes} checks, as a boolean). */
export function timesHold(
  expMs: number | undefined,
  nbfMs: number | undefined,
  nowMs: number,
  policy: IssuerPolicy,
): boolean {
  const toleranceMs = policy.toleranceMs;
  return (
    (expMs === undefined || nowMs < expMs + toleranceMs) &&
    (nbfMs === undefined || nbfMs <= nowMs + toleranceMs)
  );
}

function audienceOf(payload: Record<string, unknown>, issuer: string): string[] {
  const aud = payload.aud;
  if (aud === undefined) return [];
  if (typeof aud === 'string') return [aud];
  if (Array.isArray(aud) && aud.every((a) => typeof a === 'string')) return [...(aud as string[])];
  throw fail(
    'ERR_JWT_CLAIM',
    issuer,
    'aud',
    'type',
    'The token "aud" claim is not a string or an array of strings.',
  );
}

function grantedScopes(payload: Record<string, unknown>): Set<string> {
  const out = new Set<string>();
  const add = (v: unknown) => {
    if (typeof v === 'string') for (const s of v.split(' ')) if (s !== '') out.add(s);
  };
  add(payload.scope);
  const scp = payload.scp;
  if (Array.isArray(scp)) for (const s of scp) add(s);
  else add(scp);
  return out;
}

/**
 * Checks the issuer's policy after the signature verified: `typ`, times, audience, required claims,
 * scopes. Throws a `TipError` naming the claim, never its value.
 */
export function checkClaims(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  policy: IssuerPolicy,
  nowMs: number,
): CheckedClaims {
  const issuer = policy.issuer;
  // The token kind first: an ID token sent as an access token is told so, whatever its claims.
  if (policy.typ !== null) {
    const typ = header.typ;
    if (typeof typ !== 'string' || !policy.typ.has(normalizeTyp(typ))) {
      throw fail(
        'ERR_JWT_TYPE',
        issuer,
        'typ',
        typ === undefined ? 'missing' : 'mismatch',
        'The token "typ" header is not the expected one; an ID token or another kind of token was sent ' +
          'where an access token is required.',
      );
    }
  }
  const expMs = numericDate(payload, 'exp', issuer);
  const nbfMs = numericDate(payload, 'nbf', issuer);
  const iatMs = numericDate(payload, 'iat', issuer);
  if (expMs === undefined && policy.requireExpiration) {
    throw fail(
      'ERR_JWT_CLAIM',
      issuer,
      'exp',
      'missing',
      'The token has no "exp" claim; tokens must expire.',
    );
  }
  checkTimes(expMs, nbfMs, nowMs, policy);
  if (iatMs !== undefined && iatMs > nowMs + policy.toleranceMs) {
    throw fail(
      'ERR_JWT_NOT_YET_VALID',
      issuer,
      'iat',
      'in_future',
      'The token was issued in the future ("iat"). Check the clocks of the issuer and this host, or raise ' +
        'clockToleranceSeconds.',
    );
  }
  const sub = payload.sub;
  if (sub !== undefined && typeof sub !== 'string') {
    throw fail('ERR_JWT_CLAIM', issuer, 'sub', 'type', 'The token "sub" claim is not a string.');
  }
  const audience = audienceOf(payload, issuer);
  if (policy.audiences !== null) {
    const accepted = policy.audiences;
    if (!audience.some((a) => accepted.has(a))) {
      throw fail(
        'ERR_JWT_AUDIENCE',
        issuer,
        'aud',
        audience.length === 0 ? 'missing' : 'mismatch',
        'The token was not issued for this audience. Request the token for one of the audiences configured ' +
          'for its issuer.',
      );
    }
  }
  for (const claim of policy.requiredClaims) {
    if (payload[claim] === undefined || payload[claim] === null) {
      throw fail(
        'ERR_JWT_CLAIM',
        issuer,
        claim,
        'missing',
        'The token lacks a claim its issuer policy requires.',
      );
    }
  }
  if (policy.requiredScopes.length > 0) {
    const granted = grantedScopes(payload);
    for (const scope of policy.requiredScopes) {
      if (!granted.has(scope)) {
        throw fail(
          'ERR_JWT_SCOPE',
          issuer,
          'scope',
          'missing',
          `The token lacks the required scope "${scope}". Request a token with that scope.`,
        );
      }
    }
  }
  return { expMs, nbfMs, iatMs, audience, subject: sub as string | undefined };
}
