/**
 * The `urn:ietf:params:oauth:grant-type:jwt-bearer` grant: an external IdP's JWT exchanged for IdC tokens
 * and the user's identity context.
 */
import { ASSERTION_CLOCK_SKEW_SECONDS, claimAt, verifyAssertion } from '../assertion.js';
import type { JWTPayload } from 'jose';
import { type DirectoryUser, findUserByAttribute, isAssigned } from '../directory.js';
import { oidcError } from '../errors.js';
import { type CreateTokenWithIamOutput, issueTokens } from '../issue.js';
import { type GrantRequest, grantedScopes, stringMember } from '../request.js';

/** The grant type URN. */
export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/**
 * Handles a jwt-bearer request.
 *
 * @throws UnauthorizedClientException (grant not enabled), InvalidRequestException (no assertion),
 *   InvalidScopeException, InvalidGrantException (assertion refused, no or several matching users, jti
 *   reused), AccessDeniedException (user not assigned).
 */
export async function jwtBearerGrant(req: GrantRequest): Promise<CreateTokenWithIamOutput> {
  const { app, ctx, now } = req;
  if (!app.jwtBearer)
    throw oidcError(
      'UnauthorizedClientException',
      'The application is not authorized for the jwt-bearer grant',
    );
  const assertion = stringMember(ctx.input, 'assertion', true);
  const scopes = grantedScopes(ctx.input, app.scopes);
  const { user, payload } = await assertionUser(req, assertion);
  return issueTokens(req, {
    user,
    scopes,
    authTime: authTimeOf(payload.auth_time, now),
    refreshExpiresAt: app.refreshToken ? now + app.refreshTokenLifetimeSeconds * 1000 : undefined,
    withIdentity: true,
  });
}

/**
 * The one user an external JWT stands for at `req.app`: the assertion verified against the application's
 * trusted token issuers, its claim mapped to exactly one identity store user, the user's assignment
 * checked, and its `jti` recorded so the same JWT is never accepted twice (here or at any other use of
 * the ledger, such as a Redshift SQL login with `token_type=EXT_JWT`).
 *
 * @throws InvalidGrantException (assertion refused, no or several matching users, jti reused),
 *   AccessDeniedException (user not assigned).
 */
export async function assertionUser(
  req: Pick<GrantRequest, 'state' | 'app' | 'now'>,
  assertion: string,
): Promise<{ user: DirectoryUser; payload: JWTPayload }> {
  const { app, now, state } = req;
  const verified = await verifyAssertion(req, assertion);
  const { tti, payload } = verified;
  const value = claimAt(payload, tti.claimAttributePath);
  if (value === undefined) {
    throw oidcError(
      'InvalidGrantException',
      `The assertion has no string claim ${tti.claimAttributePath} to map to a user`,
    );
  }
  const match = findUserByAttribute(state.runtime.config, tti.identityStoreAttributePath, value);
  if (match.kind === 'none') {
    throw oidcError(
      'InvalidGrantException',
      `No user in the identity store has ${tti.identityStoreAttributePath} equal to the assertion's ${tti.claimAttributePath} claim`,
    );
  }
  if (match.kind === 'many') {
    throw oidcError(
      'InvalidGrantException',
      `${match.count} users in the identity store have ${tti.identityStoreAttributePath} equal to the assertion's ` +
        `${tti.claimAttributePath} claim; it must match exactly one user`,
    );
  }
  if (!isAssigned(app, match.user)) {
    throw oidcError('AccessDeniedException', 'The user is not assigned to the application');
  }
  // Checked and recorded with no await in between, so two concurrent exchanges of one JWT cannot both pass.
  const jti = typeof payload.jti === 'string' ? payload.jti : undefined;
  if (jti !== undefined) {
    if (state.tokens.jtiUsed(verified.issuer, jti)) {
      throw oidcError(
        'InvalidGrantException',
        'The assertion was already exchanged (its jti was used before)',
      );
    }
    const exp = (payload.exp as number) * 1000 + ASSERTION_CLOCK_SKEW_SECONDS * 1000;
    state.tokens.recordJti(verified.issuer, jti, exp, now);
  }
  return { user: match.user, payload };
}

/** The user's authentication time from the assertion's `auth_time` (seconds), when plausible; else now. */
function authTimeOf(authTime: unknown, now: number): number {
  if (typeof authTime !== 'number' || !Number.isFinite(authTime) || authTime <= 0) return now;
  return Math.min(authTime * 1000, now);
}
