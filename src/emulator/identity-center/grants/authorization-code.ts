/**
 * The `authorization_code` grant, with IdC itself as the identity provider. The emulator has no IdC sign-in
 * page: codes come from {@link createAuthorizationCode} (emulator-only; reached through
 * `issueAuthorizationCode` of the service module), standing for a user who signed in and consented.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { type DirectoryUser, isAssigned } from '../directory.js';
import { findApplication, findUserById } from '../directory.js';
import { oidcError } from '../errors.js';
import { type CreateTokenWithIamOutput, issueTokens } from '../issue.js';
import { type GrantRequest, type SsoOidcState, stringMember } from '../request.js';

/** The grant type. */
export const AUTHORIZATION_CODE_GRANT = 'authorization_code';
/** Default lifetime of an authorization code, seconds. */
export const AUTHORIZATION_CODE_TTL_SECONDS = 600;

/** What the (emulated) IdC authorize step decided. */
export interface AuthorizationCodeRequest {
  /** Application ARN (the `client_id` of the authorize request). */
  readonly applicationArn: string;
  /** The identity store `userName` of the user who signed in. */
  readonly userName: string;
  /** Redirect URI of the authorize request; must be one of the application's. */
  readonly redirectUri: string;
  /** PKCE S256 challenge: base64url(SHA-256(code_verifier)). Omit for a code without PKCE. */
  readonly codeChallenge?: string;
  /** Scopes consented. Default: all scopes of the application. */
  readonly scopes?: readonly string[];
  /** Code lifetime, seconds. Default 600. */
  readonly lifetimeSeconds?: number;
}

/**
 * Issues an authorization code as if `userName` signed in at IdC for `applicationArn`. Emulator-only.
 *
 * @returns The one-time code.
 * @throws TypeError when the application, user, redirect URI or scopes are not configured, or the user is
 *   not assigned (IdC would not let them sign in to the application).
 */
export function createAuthorizationCode(state: SsoOidcState, request: AuthorizationCodeRequest): string {
  const { config } = state.runtime;
  const app = findApplication(config, request.applicationArn);
  if (!app?.authorizationCode)
    throw new TypeError('issueAuthorizationCode: the application has no authorization_code grant');
  if (!app.authorizationCode.redirectUris.includes(request.redirectUri)) {
    throw new TypeError('issueAuthorizationCode: redirectUri is not one of the application');
  }
  const user: DirectoryUser | undefined = config.identityCenter.users.find(
    (u) => u.userName === request.userName,
  );
  if (!user) throw new TypeError('issueAuthorizationCode: no such user in the identity store');
  if (!isAssigned(app, user))
    throw new TypeError('issueAuthorizationCode: the user is not assigned to the application');
  const scopes = request.scopes ?? app.scopes;
  if (scopes.some((s) => !app.scopes.includes(s)))
    throw new TypeError('issueAuthorizationCode: a scope is not of the application');
  const now = state.runtime.now();
  return state.tokens.issueCode(
    {
      userId: user.userId,
      applicationArn: app.arn,
      scopes: [...scopes],
      authTime: now,
      expiresAt: now + (request.lifetimeSeconds ?? AUTHORIZATION_CODE_TTL_SECONDS) * 1000,
      redirectUri: request.redirectUri,
      codeChallenge: request.codeChallenge,
    },
    now,
  );
}

function pkceMatches(challenge: string, verifier: string): boolean {
  const computed = Buffer.from(createHash('sha256').update(verifier).digest('base64url'));
  const expected = Buffer.from(challenge);
  return computed.length === expected.length && timingSafeEqual(computed, expected);
}

/**
 * Handles an authorization_code request. Codes are single-use: a failed redemption burns the code too.
 *
 * @throws UnauthorizedClientException (grant not enabled), InvalidRequestException (missing members,
 *   redirect URI not registered, PKCE verifier missing), InvalidGrantException (unknown, used, expired or
 *   another application's code, redirect URI differs from the authorize step, PKCE verifier wrong).
 */
export async function authorizationCodeGrant(req: GrantRequest): Promise<CreateTokenWithIamOutput> {
  const { app, ctx, now, state } = req;
  if (!app.authorizationCode) {
    throw oidcError(
      'UnauthorizedClientException',
      'The application is not authorized for the authorization_code grant',
    );
  }
  const code = stringMember(ctx.input, 'code', true);
  const redirectUri = stringMember(ctx.input, 'redirectUri', true);
  const codeVerifier = stringMember(ctx.input, 'codeVerifier', false);
  if (!app.authorizationCode.redirectUris.includes(redirectUri)) {
    throw oidcError('InvalidRequestException', 'redirectUri is not a redirect URI of the application');
  }
  const grant = state.tokens.takeCode(code);
  if (!grant || grant.applicationArn !== app.arn) {
    throw oidcError('InvalidGrantException', 'The authorization code is not valid for this application');
  }
  if (grant.expiresAt <= now) throw oidcError('InvalidGrantException', 'The authorization code has expired');
  if (grant.redirectUri !== redirectUri) {
    throw oidcError('InvalidGrantException', 'redirectUri differs from the one of the authorization request');
  }
  if (grant.codeChallenge !== undefined) {
    if (codeVerifier === undefined)
      throw oidcError('InvalidRequestException', 'Missing required parameter: codeVerifier');
    if (!pkceMatches(grant.codeChallenge, codeVerifier)) {
      throw oidcError('InvalidGrantException', 'The PKCE code verifier does not match the code challenge');
    }
  }
  const user = findUserById(state.runtime.config, grant.userId);
  if (!user) throw oidcError('InvalidGrantException', 'The user of the authorization code no longer exists');
  return issueTokens(req, {
    user,
    scopes: grant.scopes,
    authTime: grant.authTime,
    refreshExpiresAt: app.refreshToken ? now + app.refreshTokenLifetimeSeconds * 1000 : undefined,
    withIdentity: true,
  });
}
