/**
 * The error answers of sso-oidc `CreateTokenWithIAM`, with the HTTP statuses and OAuth `error` members
 * that AWS sends (PROTOCOL.md §1). Messages never contain a token, an assertion or a code.
 */
import { AwsServiceError } from '../core/types.js';

/** The sso-oidc error codes the emulator answers, with HTTP status and OAuth `error` value. */
const OIDC_ERRORS = {
  AccessDeniedException: [400, 'access_denied'],
  ExpiredTokenException: [400, 'expired_token'],
  InternalServerException: [500, 'server_error'],
  InvalidClientException: [401, 'invalid_client'],
  InvalidGrantException: [400, 'invalid_grant'],
  InvalidRequestException: [400, 'invalid_request'],
  InvalidScopeException: [400, 'invalid_scope'],
  UnauthorizedClientException: [400, 'unauthorized_client'],
  UnsupportedGrantTypeException: [400, 'unsupported_grant_type'],
} as const satisfies Record<string, readonly [number, string]>;

/** An sso-oidc error code. */
export type OidcErrorCode = keyof typeof OIDC_ERRORS;

/**
 * Builds the {@link AwsServiceError} for an sso-oidc refusal: its `extra` carries `error` (the OAuth error
 * value) and `error_description` (= `message`), as the restJson1 body of AWS does.
 *
 * @param code - The sso-oidc exception name.
 * @param message - What went wrong, safe to show: no token or assertion material.
 */
export function oidcError(code: OidcErrorCode, message: string): AwsServiceError {
  const [status, error] = OIDC_ERRORS[code];
  return new AwsServiceError(code, message, status, { error, error_description: message });
}
