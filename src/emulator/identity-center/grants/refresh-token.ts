/**
 * The `refresh_token` grant: a refresh token issued to this application buys a new access token, and by
 * default a new ID token and identity context (the application option `refreshReturnsIdentityContext`;
 * AWS's own TIP plugin relies on the context in refresh answers).
 */
import { findUserById, isAssigned } from '../directory.js';
import { oidcError } from '../errors.js';
import { type CreateTokenWithIamOutput, issueTokens } from '../issue.js';
import { type GrantRequest, grantedScopes, stringMember } from '../request.js';

/** The grant type. */
export const REFRESH_TOKEN_GRANT = 'refresh_token';

/**
 * Handles a refresh_token request. The new refresh token keeps the original expiry: refreshing never
 * extends a session beyond the refresh token lifetime.
 *
 * @throws UnauthorizedClientException (grant not enabled), InvalidRequestException (no refreshToken),
 *   InvalidGrantException (unknown, or issued to another application), ExpiredTokenException (expired),
 *   InvalidScopeException (scope beyond the original grant), AccessDeniedException (user unassigned since).
 */
export async function refreshTokenGrant(req: GrantRequest): Promise<CreateTokenWithIamOutput> {
  const { app, ctx, now, state } = req;
  if (!app.refreshToken) {
    throw oidcError(
      'UnauthorizedClientException',
      'The application is not authorized for the refresh_token grant',
    );
  }
  const refreshToken = stringMember(ctx.input, 'refreshToken', true);
  const grant = state.tokens.refreshToken(refreshToken);
  if (!grant || grant.applicationArn !== app.arn) {
    throw oidcError('InvalidGrantException', 'The refresh token is not valid for this application');
  }
  if (grant.expiresAt <= now) {
    throw oidcError('ExpiredTokenException', 'The refresh token has expired; exchange a new assertion');
  }
  const scopes = grantedScopes(ctx.input, grant.scopes);
  const user = findUserById(state.runtime.config, grant.userId);
  if (!user) throw oidcError('InvalidGrantException', 'The user of the refresh token no longer exists');
  if (!isAssigned(app, user))
    throw oidcError('AccessDeniedException', 'The user is not assigned to the application');
  return issueTokens(req, {
    user,
    scopes,
    authTime: grant.authTime,
    refreshExpiresAt: grant.expiresAt,
    withIdentity: app.refreshReturnsIdentityContext ?? true,
  });
}
