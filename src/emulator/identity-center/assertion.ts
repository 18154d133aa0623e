/**
 * Verification of the external JWT presented in a jwt-bearer grant, as IdC does it: the issuer must be a
 * trusted token issuer authorized for the application, the signature must verify with a key from the
 * issuer's JWKS (found through OpenID discovery), the audience must be one authorized for that issuer on
 * this application, and `exp` / `nbf` / `iat` must hold with a small clock skew.
 */
import {
  decodeJwt,
  decodeProtectedHeader,
  errors as joseErrors,
  type JWTPayload,
  type JWTVerifyGetKey,
  jwtVerify,
} from 'jose';
import type { EmulatorConfig } from '../config/types.js';
import { oidcError } from './errors.js';
import { IssuerKeysError } from './issuer-keys.js';
import type { GrantRequest } from './request.js';

/** Asymmetric algorithms accepted; `none` and HMAC algorithms are refused. */
export const ASSERTION_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
];
/** Allowed clock skew for `exp`, `nbf`, `iat`, seconds. */
export const ASSERTION_CLOCK_SKEW_SECONDS = 60;
/** Largest assertion accepted, characters. */
const MAX_ASSERTION_LENGTH = 16 * 1024;

type TrustedTokenIssuer = EmulatorConfig['identityCenter']['trustedTokenIssuers'][number];

/** A verified assertion and the trusted token issuer it came from. */
export interface VerifiedAssertion {
  readonly issuer: string;
  readonly tti: TrustedTokenIssuer;
  readonly payload: JWTPayload;
}

const invalid = (message: string) => oidcError('InvalidGrantException', message);

function decode(assertion: string): { alg: unknown; kid: unknown; iss: unknown } {
  try {
    const header = decodeProtectedHeader(assertion);
    const payload = decodeJwt(assertion);
    return { alg: header.alg, kid: header.kid, iss: payload.iss };
  } catch {
    throw invalid('The assertion is not a well-formed signed JWT');
  }
}

function mapVerifyError(error: unknown): Error {
  if (error instanceof joseErrors.JWTExpired) return invalid('The assertion has expired');
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    if (error.claim === 'aud')
      return invalid('The assertion audience is not authorized for this application and issuer');
    if (error.claim === 'nbf') return invalid('The assertion is not yet valid (nbf)');
    if (error.claim === 'exp') return invalid('The assertion has no valid exp claim');
    return invalid(`The assertion claim ${error.claim} is invalid`);
  }
  if (error instanceof joseErrors.JWSSignatureVerificationFailed)
    return invalid('The assertion signature does not verify');
  if (error instanceof joseErrors.JWKSNoMatchingKey) {
    return invalid('No key of the trusted token issuer matches the assertion kid and alg');
  }
  if (error instanceof joseErrors.JWKSMultipleMatchingKeys) {
    return invalid('Several keys of the trusted token issuer match the assertion; it must name a kid');
  }
  if (error instanceof joseErrors.JOSEAlgNotAllowed)
    return invalid('The assertion algorithm is not accepted');
  return invalid('The assertion could not be verified');
}

/**
 * Finds the trusted token issuer authorized for `req.app` whose issuer URL equals `iss`.
 */
function findIssuer(
  req: Pick<GrantRequest, 'state' | 'app'>,
  iss: string,
): { tti: TrustedTokenIssuer; audiences: string[] } | undefined {
  const { runtime } = req.state;
  for (const authorized of req.app.jwtBearer?.authorizedTokenIssuers ?? []) {
    const tti = runtime.config.identityCenter.trustedTokenIssuers.find(
      (t) => t.name === authorized.tokenIssuer,
    );
    if (!tti) continue;
    const url = tti.issuerUrl === 'idp' ? runtime.idpIssuer : tti.issuerUrl;
    if (url !== undefined && url === iss) return { tti, audiences: authorized.audiences };
  }
  return undefined;
}

/**
 * Verifies a jwt-bearer assertion for `req.app`.
 *
 * @throws InvalidGrantException naming what failed (never echoing the token).
 */
export async function verifyAssertion(
  req: Pick<GrantRequest, 'state' | 'app' | 'now'>,
  assertion: string,
): Promise<VerifiedAssertion> {
  if (assertion.length > MAX_ASSERTION_LENGTH) throw invalid('The assertion is too large');
  const { alg, kid, iss } = decode(assertion);
  if (typeof alg !== 'string' || !ASSERTION_ALGORITHMS.includes(alg)) {
    throw invalid(
      'The assertion algorithm is not accepted; use an asymmetric algorithm such as RS256 or ES256',
    );
  }
  if (typeof iss !== 'string') throw invalid('The assertion has no iss claim');
  const match = findIssuer(req, iss);
  if (!match)
    throw invalid('The assertion issuer is not a trusted token issuer authorized for this application');
  let getKey: JWTVerifyGetKey;
  try {
    getKey = await req.state.issuerKeys.resolver(iss, typeof kid === 'string' ? kid : undefined);
  } catch (error) {
    throw invalid(
      error instanceof IssuerKeysError ? error.message : 'The trusted token issuer keys are unavailable',
    );
  }
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(assertion, getKey, {
      issuer: iss,
      audience: match.audiences,
      algorithms: ASSERTION_ALGORITHMS,
      clockTolerance: ASSERTION_CLOCK_SKEW_SECONDS,
      currentDate: new Date(req.now),
      requiredClaims: ['exp'],
    }));
  } catch (error) {
    throw mapVerifyError(error);
  }
  if (typeof payload.iat === 'number' && payload.iat > req.now / 1000 + ASSERTION_CLOCK_SKEW_SECONDS) {
    throw invalid('The assertion is issued in the future (iat)');
  }
  if (payload.jti !== undefined && (typeof payload.jti !== 'string' || payload.jti.length === 0)) {
    throw invalid('The assertion jti claim must be a non-empty string');
  }
  return { issuer: iss, tti: match.tti, payload };
}

/**
 * The value of the claim at dot path `path` (e.g. `email`, `ext.upn`), when it is a non-empty string.
 */
export function claimAt(payload: JWTPayload, path: string): string | undefined {
  let node: unknown = payload;
  for (const segment of path.split('.')) {
    if (typeof node !== 'object' || node === null || Array.isArray(node)) return undefined;
    if (!Object.hasOwn(node, segment)) return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return typeof node === 'string' && node.length > 0 ? node : undefined;
}
