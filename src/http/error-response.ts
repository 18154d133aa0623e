/**
 * Maps a failure to an HTTP answer: status, RFC 6750 `WWW-Authenticate` challenge, `Retry-After`, and a
 * JSON body `{ error, error_description, code }`. Descriptions are fixed texts chosen by code: nothing from
 * the token, the error message or AWS reaches the client.
 *
 * @module
 */
import { type TipErrorCode, isTipError } from '../errors.js';

/** The `code` of the JSON body: a TipError code, or `ERR_INTERNAL` for anything else. */
export type HttpErrorCode = TipErrorCode | 'ERR_INTERNAL';

/** The JSON body of an error answer. */
export interface HttpErrorBody {
  /** An RFC 6750 / OAuth error code (`invalid_token`, `invalid_request`, `insufficient_scope`…). */
  readonly error: string;
  /** A fixed, human-readable text; never holds request data. */
  readonly error_description: string;
  /** The stable tip-sdk code. */
  readonly code: HttpErrorCode;
}

/** An HTTP error answer, ready to send. */
export interface HttpErrorResponse {
  /** 400, 401, 403, 500 or 503. */
  readonly status: number;
  /** `WWW-Authenticate` and/or `Retry-After` when they apply; `Cache-Control: no-store` always. */
  readonly headers: Readonly<Record<string, string>>;
  /** The JSON body: `error`, `error_description` and `code`. */
  readonly body: HttpErrorBody;
}

/** Settings of the mapping. */
export interface ErrorResponseSettings {
  /** The `realm` of challenges. */
  readonly realm: string;
  /** `Retry-After` of 503 answers, in seconds. */
  readonly retryAfterSeconds: number;
}

const DESCRIPTION: Partial<Record<TipErrorCode, string>> = {
  ERR_JWT_EXPIRED: 'The access token expired.',
  ERR_JWT_NOT_YET_VALID: 'The access token is not valid yet.',
  ERR_JWT_AUDIENCE: 'The access token is not meant for this service.',
  ERR_JWT_ISSUER: 'The access token issuer is not trusted.',
  ERR_IDC_TOKEN_REUSED: 'The access token was already used; sign in again.',
  ERR_IDC_JWT_REQUIRED: 'A new access token is required; sign in again.',
  ERR_IDC_INVALID_GRANT: 'The access token was not accepted for AWS access.',
  ERR_JWT_SCOPE: 'The access token lacks a required scope.',
  ERR_IDC_ACCESS_DENIED: 'The user is not allowed to use this application.',
  ERR_ACCESS_DENIED: 'The user is not allowed to access this resource.',
  ERR_STS_ACCESS_DENIED: 'The service could not act as the user.',
  ERR_AWS_THROTTLED: 'AWS is throttling requests; retry later.',
  ERR_TIMEOUT: 'The request timed out; retry later.',
};

/** `quoted-string` content allowed by RFC 6750 §3 for `realm` and `error_description`. */
const QUOTABLE = /^[\x20\x21\x23-\x5B\x5D-\x7E]*$/;

/** True when `text` may stand inside a challenge's double quotes. */
export function isQuotable(text: string): boolean {
  return QUOTABLE.test(text);
}

function challenge(realm: string, error?: string, description?: string): string {
  let value = `Bearer realm="${realm}"`;
  if (error !== undefined) value += `, error="${error}"`;
  if (description !== undefined) value += `, error_description="${description}"`;
  return value;
}

const NO_STORE = { 'cache-control': 'no-store' } as const;

/** The answer for a request without a token: 401 with a bare challenge (RFC 6750 §3.1). */
export function missingTokenResponse(settings: ErrorResponseSettings): HttpErrorResponse {
  return {
    status: 401,
    headers: { ...NO_STORE, 'www-authenticate': challenge(settings.realm) },
    body: {
      error: 'unauthorized',
      error_description: 'A bearer token is required.',
      code: 'ERR_BEARER_MISSING',
    },
  };
}

/** The answer for a malformed Authorization header or cookie: 400 `invalid_request`. */
export function malformedRequestResponse(settings: ErrorResponseSettings, reason: string): HttpErrorResponse {
  const description = isQuotable(reason) ? reason : 'The bearer credential is malformed.';
  return {
    status: 400,
    headers: {
      ...NO_STORE,
      'www-authenticate': challenge(settings.realm, 'invalid_request', description),
    },
    body: { error: 'invalid_request', error_description: description, code: 'ERR_BEARER_MALFORMED' },
  };
}

/** The answer for a cross-site unsafe request authenticated by the token cookie: 403 `access_denied`. */
export function crossSiteResponse(): HttpErrorResponse {
  return {
    status: 403,
    headers: NO_STORE,
    body: {
      error: 'access_denied',
      error_description: 'Requests from another site may not use the session cookie.',
      code: 'ERR_CROSS_SITE_REQUEST',
    },
  };
}

/**
 * The answer for an error thrown by `forToken` (or anything else), chosen by the error's category
 * (`TipError.category`): 401 `invalid_token` for every `token` failure, 403 `insufficient_scope` for
 * `forbidden`, 503 with `Retry-After` for `unavailable` and `aborted`, 500 otherwise.
 */
export function errorResponse(error: unknown, settings: ErrorResponseSettings): HttpErrorResponse {
  if (!isTipError(error)) {
    return {
      status: 500,
      headers: NO_STORE,
      body: { error: 'server_error', error_description: 'The request failed.', code: 'ERR_INTERNAL' },
    };
  }
  const code = error.code;
  // By category, not by code: every failure a client's token can cause is a 401, whatever its code.
  switch (error.category) {
    case 'token': {
      const text = DESCRIPTION[code] ?? 'The access token is not valid.';
      return {
        status: 401,
        headers: { ...NO_STORE, 'www-authenticate': challenge(settings.realm, 'invalid_token', text) },
        body: { error: 'invalid_token', error_description: text, code },
      };
    }
    case 'forbidden': {
      const text = DESCRIPTION[code] ?? 'Access denied.';
      return {
        status: 403,
        headers: {
          ...NO_STORE,
          'www-authenticate': challenge(settings.realm, 'insufficient_scope', text),
        },
        body: { error: 'insufficient_scope', error_description: text, code },
      };
    }
    case 'request': {
      if (code === 'ERR_BEARER_MISSING') return missingTokenResponse(settings);
      const refused = malformedRequestResponse(settings, 'The request is not acceptable.');
      return { ...refused, body: { ...refused.body, code } };
    }
    case 'unavailable':
    case 'aborted': {
      const text = DESCRIPTION[code] ?? 'A service the request depends on is unavailable; retry later.';
      return {
        status: 503,
        headers: { ...NO_STORE, 'retry-after': String(settings.retryAfterSeconds) },
        body: { error: 'temporarily_unavailable', error_description: text, code },
      };
    }
    default:
      return {
        status: 500,
        headers: NO_STORE,
        body: { error: 'server_error', error_description: 'The request failed.', code },
      };
  }
}
