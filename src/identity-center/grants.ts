/**
 * Turns an {@link IdcGrant} into the wire input of `CreateTokenWithIAM` (PROTOCOL.md §1).
 *
 * @module
 */
import type { CreateTokenWithIAMRequest } from '@aws-sdk/client-sso-oidc';
import type { IdcGrant } from './types.js';

/** The OAuth grant type URNs IdC expects. */
export const GRANT_TYPES = Object.freeze({
  'jwt-bearer': 'urn:ietf:params:oauth:grant-type:jwt-bearer',
  'refresh-token': 'refresh_token',
  'token-exchange': 'urn:ietf:params:oauth:grant-type:token-exchange',
  'authorization-code': 'authorization_code',
} as const);

const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';
const REFRESH_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:refresh_token';

/**
 * The `CreateTokenWithIAM` input for `grant`.
 *
 * @param applicationArn - The IdC customer-managed application ARN (`clientId`).
 * @param grant - The grant.
 * @param scopes - Scopes to request; omitted = every scope of the application.
 */
export function grantInput(
  applicationArn: string,
  grant: IdcGrant,
  scopes: readonly string[] | undefined,
): CreateTokenWithIAMRequest {
  const base: CreateTokenWithIAMRequest = {
    clientId: applicationArn,
    grantType: GRANT_TYPES[grant.type],
    ...(scopes === undefined ? {} : { scope: [...scopes] }),
  };
  switch (grant.type) {
    case 'jwt-bearer':
      return { ...base, assertion: grant.assertion };
    case 'refresh-token':
      return { ...base, refreshToken: grant.refreshToken };
    case 'token-exchange':
      return {
        ...base,
        subjectToken: grant.subjectToken,
        subjectTokenType: ACCESS_TOKEN_TYPE,
        requestedTokenType:
          grant.requestedTokenType === 'refresh_token' ? REFRESH_TOKEN_TYPE : ACCESS_TOKEN_TYPE,
      };
    case 'authorization-code':
      return {
        ...base,
        code: grant.code,
        redirectUri: grant.redirectUri,
        ...(grant.codeVerifier === undefined ? {} : { codeVerifier: grant.codeVerifier }),
      };
  }
}
