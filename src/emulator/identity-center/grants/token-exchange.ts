/**
 * The `urn:ietf:params:oauth:grant-type:token-exchange` grant: an IdC access token issued to another
 * application, exchanged for a token of this one (RFC 8693).
 */
import { findUserById, isAssigned } from '../directory.js';
import { oidcError } from '../errors.js';
import {
  type CreateTokenWithIamOutput,
  issueTokens,
  TOKEN_TYPE_ACCESS,
  TOKEN_TYPE_REFRESH,
} from '../issue.js';
import { type GrantRequest, grantedScopes, stringMember } from '../request.js';

/** The grant type URN. */
export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';

/**
 * Handles a token-exchange request. `subjectTokenType` must be the access-token URN; `requestedTokenType`
 * the access-token URN (default) or the refresh-token URN (then a refresh token comes too, when the
 * application has the refresh_token grant).
 *
 * @throws UnauthorizedClientException (grant not enabled), InvalidRequestException (missing or wrong
 *   token types), InvalidGrantException (unknown subject token, or issued to an application not accepted),
 *   ExpiredTokenException (subject token expired), AccessDeniedException (user not assigned).
 */
export async function tokenExchangeGrant(req: GrantRequest): Promise<CreateTokenWithIamOutput> {
  const { app, ctx, now, state } = req;
  if (!app.tokenExchange) {
    throw oidcError(
      'UnauthorizedClientException',
      'The application is not authorized for the token-exchange grant',
    );
  }
  const subjectToken = stringMember(ctx.input, 'subjectToken', true);
  const subjectTokenType = stringMember(ctx.input, 'subjectTokenType', true);
  const requestedTokenType = stringMember(ctx.input, 'requestedTokenType', false) ?? TOKEN_TYPE_ACCESS;
  if (subjectTokenType !== TOKEN_TYPE_ACCESS) {
    throw oidcError('InvalidRequestException', `subjectTokenType must be ${TOKEN_TYPE_ACCESS}`);
  }
  if (requestedTokenType !== TOKEN_TYPE_ACCESS && requestedTokenType !== TOKEN_TYPE_REFRESH) {
    throw oidcError(
      'InvalidRequestException',
      `requestedTokenType must be ${TOKEN_TYPE_ACCESS} or ${TOKEN_TYPE_REFRESH}`,
    );
  }
  const scopes = grantedScopes(ctx.input, app.scopes);
  const subject = state.tokens.accessToken(subjectToken);
  if (!subject)
    throw oidcError(
      'InvalidGrantException',
      'The subject token is not a valid IAM Identity Center access token',
    );
  if (!app.tokenExchange.fromApplications.includes(subject.applicationArn)) {
    throw oidcError(
      'InvalidGrantException',
      'The subject token was issued to an application whose tokens this application does not accept',
    );
  }
  if (subject.expiresAt <= now) throw oidcError('ExpiredTokenException', 'The subject token has expired');
  const user = findUserById(state.runtime.config, subject.userId);
  if (!user) throw oidcError('InvalidGrantException', 'The user of the subject token no longer exists');
  if (!isAssigned(app, user))
    throw oidcError('AccessDeniedException', 'The user is not assigned to the application');
  const withRefresh = requestedTokenType === TOKEN_TYPE_REFRESH && app.refreshToken;
  return issueTokens(req, {
    user,
    scopes,
    authTime: subject.authTime,
    refreshExpiresAt: withRefresh ? now + app.refreshTokenLifetimeSeconds * 1000 : undefined,
    withIdentity: true,
    issuedTokenType: withRefresh ? TOKEN_TYPE_REFRESH : TOKEN_TYPE_ACCESS,
  });
}
