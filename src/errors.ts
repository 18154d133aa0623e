/**
 * Errors raised by tip-sdk.
 *
 * Every failure caused by a token, a key, a remote document or an AWS answer is a {@link TipError} with a
 * stable {@link TipErrorCode}. Mistakes in options passed by the caller are `TypeError`s thrown when the
 * object is created; the two never mix. No error message or detail ever contains a token, an assertion,
 * an identity context or a secret.
 *
 * @packageDocumentation
 */

/**
 * Every stable error code with a one-line description. The description is what the code means; the
 * message of each error says what to do about it.
 */
export const TIP_ERROR_CODES = {
  // Inbound JWT validation
  ERR_JWT_INVALID: 'The token is not a well-formed compact JWS JWT.',
  ERR_JWT_TOO_LARGE: 'The token is larger than the configured maximum size.',
  ERR_JWT_ALGORITHM: 'The token algorithm is not allowed for its issuer, or disagrees with the key.',
  ERR_JWT_SIGNATURE: 'The token signature does not verify.',
  ERR_JWT_EXPIRED: 'The token `exp` claim is in the past.',
  ERR_JWT_NOT_YET_VALID: 'The token `nbf` or `iat` claim is in the future.',
  ERR_JWT_ISSUER: 'The token issuer is not one of the configured issuers.',
  ERR_JWT_AUDIENCE: 'The token audience is not one the issuer accepts.',
  ERR_JWT_CLAIM: 'A required claim is missing or has the wrong type or value.',
  ERR_JWT_TYPE: 'The token `typ` header is not the expected one.',
  ERR_JWT_SCOPE: 'The token lacks a required scope.',
  ERR_JWT_CRIT: 'The token has a `crit` header parameter that is not understood.',
  ERR_JWT_CHECK_FAILED: 'A custom check rejected the token.',
  ERR_JWKS_NO_MATCHING_KEY: 'No key of the issuer matches the token `kid`/`alg`.',
  ERR_JWKS_MULTIPLE_MATCHING_KEYS: 'The token has no `kid` and several keys of the issuer could match.',
  ERR_JWKS_UNAVAILABLE: 'The JWKS or discovery endpoint could not be reached in time.',
  ERR_JWKS_INVALID: 'The JWKS document is malformed.',
  ERR_JWK_INVALID: 'A JSON Web Key is malformed, too weak or not usable for signature verification.',
  ERR_DISCOVERY_INVALID: 'The OpenID discovery document is malformed or names another issuer.',
  // AWS IAM Identity Center (CreateTokenWithIAM)
  ERR_IDC_INVALID_GRANT: 'IAM Identity Center rejected the assertion or grant.',
  ERR_IDC_ACCESS_DENIED: 'IAM Identity Center denied the exchange.',
  ERR_IDC_INVALID_CLIENT: 'IAM Identity Center does not know the application (clientId).',
  ERR_IDC_UNAUTHORIZED_CLIENT: 'The application is not authorized for this grant type.',
  ERR_IDC_UNSUPPORTED_GRANT_TYPE: 'The grant type is not supported by the application.',
  ERR_IDC_INVALID_SCOPE: 'A requested scope is not valid for the application.',
  ERR_IDC_INVALID_REQUEST: 'IAM Identity Center found the request malformed.',
  ERR_IDC_WRONG_REGION: 'IAM Identity Center must be called in another region.',
  ERR_IDC_EXPIRED_TOKEN: 'The IAM Identity Center token (refresh or subject) has expired.',
  ERR_IDC_RESPONSE_INVALID: 'IAM Identity Center answered with a response tip-sdk cannot use.',
  ERR_IDC_TOKEN_REUSED: 'The JWT was already exchanged with IAM Identity Center (a `jti` is single-use).',
  ERR_IDC_JWT_REQUIRED:
    'New IAM Identity Center tokens were required, no refresh token could give them, and the JWT at hand was already exchanged.',
  // STS
  ERR_STS_ACCESS_DENIED: 'STS denied AssumeRole (trust policy, sts:SetContext or permissions).',
  ERR_STS_CONTEXT_REJECTED: 'STS rejected the identity context (expired, tampered or malformed).',
  ERR_STS_RESPONSE_INVALID: 'STS answered with a response tip-sdk cannot use.',
  // Services
  ERR_ACCESS_DENIED: 'The AWS service denied the call for this user.',
  ERR_NOT_FOUND: 'The named AWS resource does not exist.',
  ERR_QUERY_FAILED: 'The query failed or was cancelled by the service.',
  ERR_SERVICE_RESPONSE_INVALID: 'An AWS service answered with a response tip-sdk cannot use.',
  // Redshift SQL connections (Postgres wire)
  ERR_REDSHIFT_TOKEN_REFUSED:
    'Redshift refused the identity token of a SQL connection (expired, invalid, reused or for another target).',
  ERR_REDSHIFT_TLS_REQUIRED:
    'The Redshift endpoint did not complete TLS (it refused it, or its certificate is not trusted); IdC logins need it.',
  ERR_REDSHIFT_IDP_AUTH_UNSUPPORTED:
    'The endpoint asked for another login method than identity-provider tokens (not a Redshift with IdC auth).',
  // Transport and control
  ERR_AWS_THROTTLED: 'AWS throttled the call and retries ran out.',
  ERR_AWS_UNAVAILABLE: 'AWS answered with a server error or could not be reached and retries ran out.',
  ERR_AWS_CREDENTIALS: 'The service credentials used to call AWS are missing, invalid or expired.',
  ERR_AWS_UNKNOWN: 'AWS answered with an error tip-sdk does not map to a more specific code.',
  ERR_TIMEOUT: 'The operation did not finish within its deadline.',
  ERR_ABORTED: 'The operation was aborted through its AbortSignal.',
  ERR_BEARER_MISSING: 'The HTTP request carries no bearer token (Authorization header or configured cookie).',
  ERR_BEARER_MALFORMED:
    'The HTTP Authorization header or token cookie is not one well-formed Bearer credential.',
  ERR_CROSS_SITE_REQUEST:
    'A request authenticated by the token cookie, with an unsafe method, came from another site (CSRF).',
  ERR_INVALID_ARGUMENT: 'An argument of a call is not acceptable (e.g. an S3 key with `.` or `..` segments).',
  ERR_CACHE_STORE: 'The shared cache store failed or returned data that does not decrypt.',
  ERR_MISSING_DEPENDENCY: 'An optional package the feature needs is not installed, or does not load.',
  ERR_INTERNAL:
    'A failure that is not a TipError (a bug, or an exception from your own code), as the HTTP adapters and telemetry report it.',
  // Connector (browser sign-in, token cache, profiles)
  ERR_SIGN_IN_REQUIRED: 'No usable sign-in is cached for the profile; the user must sign in in the browser.',
  ERR_SIGN_IN_FAILED:
    'The browser sign-in failed: the identity provider refused it or its answer was invalid.',
  ERR_SIGN_IN_PORT_IN_USE: 'The loopback port of the sign-in redirect is already in use.',
  ERR_TOKEN_CACHE: 'The token cache file is unreadable, corrupt, foreign or not owned by this user.',
  ERR_PROFILE_INVALID: 'The connector profile (file or flags) is invalid.',
  // Emulator
  ERR_EMULATOR_CONFIG: 'The emulator configuration is invalid.',
} as const;

/** A stable error code. Switch on it; codes are never renamed within a major version. */
export type TipErrorCode = keyof typeof TIP_ERROR_CODES;

/**
 * Who or what a failure comes from, which decides how to answer it (the HTTP adapters map categories, not
 * single codes, to statuses):
 * - `token` — the token (or the identity it names) the client presented is refused: HTTP 401. A client can
 *   always cause these, so they are never logged above `info`.
 * - `request` — the HTTP request itself is refused (no or a malformed bearer credential, a cross-site
 *   request in cookie mode): HTTP 400, 401 or 403.
 * - `forbidden` — the user is known but lacks the permission: HTTP 403.
 * - `unavailable` — AWS or the issuer is throttled, down or slow: retry later, HTTP 503.
 * - `aborted` — the caller gave up through its AbortSignal.
 * - `configuration` — the service's own setup is refused (application, role, region, credentials): HTTP 500.
 * - `remote` — AWS or the issuer answered something tip-sdk cannot use, or did not expect: HTTP 500.
 * - `argument` — an argument the calling code passed is not acceptable.
 */
export type TipErrorCategory =
  | 'token'
  | 'request'
  | 'forbidden'
  | 'unavailable'
  | 'aborted'
  | 'configuration'
  | 'remote'
  | 'argument';

/** The category of every code; see {@link TipErrorCategory}. */
export const TIP_ERROR_CATEGORIES: Readonly<Record<TipErrorCode, TipErrorCategory>> = Object.freeze({
  ERR_JWT_INVALID: 'token',
  ERR_JWT_TOO_LARGE: 'token',
  ERR_JWT_ALGORITHM: 'token',
  ERR_JWT_SIGNATURE: 'token',
  ERR_JWT_EXPIRED: 'token',
  ERR_JWT_NOT_YET_VALID: 'token',
  ERR_JWT_ISSUER: 'token',
  ERR_JWT_AUDIENCE: 'token',
  ERR_JWT_CLAIM: 'token',
  ERR_JWT_TYPE: 'token',
  ERR_JWT_SCOPE: 'forbidden',
  ERR_JWT_CRIT: 'token',
  ERR_JWT_CHECK_FAILED: 'token',
  ERR_JWKS_NO_MATCHING_KEY: 'token',
  ERR_JWKS_MULTIPLE_MATCHING_KEYS: 'token',
  ERR_JWKS_UNAVAILABLE: 'unavailable',
  ERR_JWKS_INVALID: 'remote',
  // The token's `kid` chose the unusable key.
  ERR_JWK_INVALID: 'token',
  ERR_DISCOVERY_INVALID: 'remote',
  ERR_IDC_INVALID_GRANT: 'token',
  ERR_IDC_ACCESS_DENIED: 'forbidden',
  ERR_IDC_INVALID_CLIENT: 'configuration',
  ERR_IDC_UNAUTHORIZED_CLIENT: 'configuration',
  ERR_IDC_UNSUPPORTED_GRANT_TYPE: 'configuration',
  ERR_IDC_INVALID_SCOPE: 'configuration',
  ERR_IDC_INVALID_REQUEST: 'remote',
  ERR_IDC_WRONG_REGION: 'configuration',
  ERR_IDC_EXPIRED_TOKEN: 'token',
  ERR_IDC_RESPONSE_INVALID: 'remote',
  ERR_IDC_TOKEN_REUSED: 'token',
  // The session's JWT was already exchanged: the client must present a new one.
  ERR_IDC_JWT_REQUIRED: 'token',
  ERR_STS_ACCESS_DENIED: 'forbidden',
  ERR_STS_CONTEXT_REJECTED: 'remote',
  ERR_STS_RESPONSE_INVALID: 'remote',
  ERR_ACCESS_DENIED: 'forbidden',
  ERR_NOT_FOUND: 'configuration',
  ERR_QUERY_FAILED: 'remote',
  ERR_SERVICE_RESPONSE_INVALID: 'remote',
  ERR_AWS_THROTTLED: 'unavailable',
  ERR_AWS_UNAVAILABLE: 'unavailable',
  ERR_AWS_CREDENTIALS: 'configuration',
  ERR_AWS_UNKNOWN: 'remote',
  ERR_TIMEOUT: 'unavailable',
  ERR_ABORTED: 'aborted',
  ERR_BEARER_MISSING: 'request',
  ERR_BEARER_MALFORMED: 'request',
  ERR_CROSS_SITE_REQUEST: 'request',
  ERR_INVALID_ARGUMENT: 'argument',
  ERR_CACHE_STORE: 'remote',
  ERR_EMULATOR_CONFIG: 'configuration',
  ERR_REDSHIFT_TOKEN_REFUSED: 'forbidden',
  ERR_REDSHIFT_TLS_REQUIRED: 'configuration',
  ERR_REDSHIFT_IDP_AUTH_UNSUPPORTED: 'configuration',
  ERR_MISSING_DEPENDENCY: 'configuration',
  ERR_INTERNAL: 'remote',
  // Connector: the user must sign in (again); the rest is the desktop's own setup.
  ERR_SIGN_IN_REQUIRED: 'token',
  ERR_SIGN_IN_FAILED: 'token',
  ERR_SIGN_IN_PORT_IN_USE: 'configuration',
  ERR_TOKEN_CACHE: 'configuration',
  ERR_PROFILE_INVALID: 'configuration',
});

/** The category of `code` (see {@link TipErrorCategory}); `remote` for a string that is no known code. */
export function errorCategory(code: string): TipErrorCategory {
  return Object.hasOwn(TIP_ERROR_CATEGORIES, code) ? TIP_ERROR_CATEGORIES[code as TipErrorCode] : 'remote';
}

/**
 * Structured, non-secret facts about a failure. Never holds a token, an assertion, an identity context
 * or a key's private part.
 */
export interface TipErrorDetails {
  /** The claim or header parameter at fault, e.g. `aud` or `kid`. */
  readonly claim?: string;
  /** A short machine-readable reason, e.g. `missing`, `mismatch`, `too_large`. */
  readonly reason?: string;
  /** The issuer the token claimed or was checked against. */
  readonly issuer?: string;
  /** The key id from the token header. */
  readonly kid?: string;
  /** The AWS service involved, e.g. `sso-oidc`, `sts`. */
  readonly service?: string;
  /** The AWS operation involved, e.g. `CreateTokenWithIAM`. */
  readonly operation?: string;
  /** The AWS error code as the service sent it, e.g. `AccessDeniedException`. */
  readonly awsErrorCode?: string;
  /** The HTTP status of the AWS answer. */
  readonly httpStatusCode?: number;
  /** The region to use instead, for {@link TipErrorCode | ERR_IDC_WRONG_REGION}. */
  readonly region?: string;
  /** The endpoint to use instead, for {@link TipErrorCode | ERR_IDC_WRONG_REGION}. */
  readonly endpoint?: string;
  /** A query or statement id, for service errors. */
  readonly queryId?: string;
  /** Further non-secret facts. */
  readonly [key: string]: string | number | boolean | undefined;
}

/** Options for constructing a {@link TipError}. */
export interface TipErrorOptions {
  /** The underlying error, kept as `cause`. */
  readonly cause?: unknown;
  /** Structured, non-secret details. */
  readonly details?: TipErrorDetails;
  /** The AWS request id of the failed call, where there is one. */
  readonly requestId?: string;
}

const BRAND = Symbol.for('tip-sdk.TipError');

/**
 * The one error class of tip-sdk. `code` is stable; `message` says what to do; `details` carries
 * structured facts; `cause` keeps the lower-level error; `requestId` is the AWS request id, if any.
 */
export class TipError extends Error {
  /** A stable code; see {@link TIP_ERROR_CODES}. */
  readonly code: TipErrorCode;
  /** Structured, non-secret facts about the failure. */
  readonly details: TipErrorDetails;
  /** The AWS request id of the failed call, where there is one. */
  readonly requestId: string | undefined;

  constructor(code: TipErrorCode, message: string, options: TipErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TipError';
    this.code = code;
    this.details = Object.freeze({ ...(options.details ?? {}) });
    this.requestId = options.requestId;
    Object.defineProperty(this, BRAND, { value: true });
  }

  /** The category of {@link TipError.code}: who or what the failure comes from. */
  get category(): TipErrorCategory {
    return errorCategory(this.code);
  }

  /** A JSON form with code, message, details and request id (no cause, no stack). */
  toJSON(): {
    /** Always `TipError`. */
    name: string;
    /** The stable code. */
    code: TipErrorCode;
    /** What to do about it. */
    message: string;
    /** Structured, non-secret facts. */
    details: TipErrorDetails;
    /** The AWS request id, where there is one. */
    requestId?: string;
  } {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      details: this.details,
      ...(this.requestId === undefined ? {} : { requestId: this.requestId }),
    };
  }
}

/**
 * True when `value` is a {@link TipError} (optionally with one of the given codes). Works across the ESM
 * and CJS copies of the package, where `instanceof` would not.
 */
export function isTipError<C extends TipErrorCode>(
  value: unknown,
  ...codes: C[]
): value is TipError & { readonly code: C } {
  if (typeof value !== 'object' || value === null) return false;
  if ((value as Record<symbol, unknown>)[BRAND] !== true) return false;
  return codes.length === 0 || codes.includes((value as TipError).code as C);
}

/** The `TypeError` thrown at construction for a bad option; the message names the option path. */
export function optionError(path: string, problem: string): TypeError {
  return new TypeError(`tip-sdk: option \`${path}\` ${problem}`);
}
