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
  // STS
  ERR_STS_ACCESS_DENIED: 'STS denied AssumeRole (trust policy, sts:SetContext or permissions).',
  ERR_STS_CONTEXT_REJECTED: 'STS rejected the identity context (expired, tampered or malformed).',
  ERR_STS_RESPONSE_INVALID: 'STS answered with a response tip-sdk cannot use.',
  // Services
  ERR_ACCESS_DENIED: 'The AWS service denied the call for this user.',
  ERR_NOT_FOUND: 'The named AWS resource does not exist.',
  ERR_QUERY_FAILED: 'The query failed or was cancelled by the service.',
  ERR_SERVICE_RESPONSE_INVALID: 'An AWS service answered with a response tip-sdk cannot use.',
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
  ERR_CACHE_STORE: 'The shared cache store failed or returned data that does not decrypt.',
  // Emulator
  ERR_EMULATOR_CONFIG: 'The emulator configuration is invalid.',
  ERR_MISSING_DEPENDENCY: 'An optional peer dependency the feature needs is not installed.',
} as const;

/** A stable error code. Switch on it; codes are never renamed within a major version. */
export type TipErrorCode = keyof typeof TIP_ERROR_CODES;

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
