/**
 * The token a Redshift driver sends in message `'i'`, checked the way its `token_type` says:
 *
 * - `SUBJECT_TOKEN`: a `GetIdentityCenterAuthToken` token of this emulator run, for this workgroup or
 *   cluster, not expired (see {@link verifyRedshiftAuthToken});
 * - `ACCESS_TOKEN`: an IAM Identity Center access token the emulator issued (`CreateTokenWithIAM`), not
 *   expired, with the `redshift:connect` scope;
 * - `EXT_JWT`: an external IdP's JWT, verified against the trusted token issuers and audiences of the
 *   target's IdC application and mapped to one assigned user, exactly as the jwt-bearer grant does. Its
 *   `jti` goes into the same ledger, so a JWT already used (for a login or a `CreateTokenWithIAM`) is
 *   refused.
 *
 * Failures carry a reason fit for the client's FATAL message; it never echoes the token.
 */
import type { EmulatorRuntime } from '../../core/types.js';
import { AwsServiceError } from '../../core/types.js';
import { findApplication, findUserById } from '../../identity-center/directory.js';
import { assertionUser } from '../../identity-center/grants/jwt-bearer.js';
import { ssoOidcStateOf } from '../../identity-center/service.js';
import { verifyRedshiftAuthToken } from '../auth-token.js';
import type { RedshiftTarget } from '../targets.js';

/** The `token_type` values of the Redshift drivers' `IdpTokenAuthPlugin`. */
export const TOKEN_TYPES = ['ACCESS_TOKEN', 'EXT_JWT', 'SUBJECT_TOKEN'] as const;
/** One of {@link TOKEN_TYPES}. */
export type TokenType = (typeof TOKEN_TYPES)[number];

/** The IdC scope an access token needs for a Redshift login. */
const CONNECT_SCOPE = 'redshift:connect';
/** Longest token accepted, characters. */
const MAX_TOKEN_LENGTH = 16 * 1024;

/** Outcome of {@link verifyLoginToken}. */
export type LoginVerdict =
  | { readonly ok: true; readonly userName: string; readonly idcUserId: string }
  | { readonly ok: false; readonly reason: string };

const refuse = (reason: string): LoginVerdict => ({ ok: false, reason });

function subjectToken(runtime: EmulatorRuntime, target: RedshiftTarget, token: string): LoginVerdict {
  const verified = verifyRedshiftAuthToken(runtime, token, target);
  if (verified.ok)
    return { ok: true, userName: verified.claims.userName, idcUserId: verified.claims.idcUserId };
  switch (verified.reason) {
    case 'expired':
      return refuse('the token has expired');
    case 'wrong-target':
      return refuse(`the token was not issued for ${target.kind} ${target.name}`);
    default:
      return refuse('the token is not a GetIdentityCenterAuthToken token of this endpoint');
  }
}

function accessToken(runtime: EmulatorRuntime, token: string): LoginVerdict {
  const grant = ssoOidcStateOf(runtime)?.tokens.accessToken(token);
  if (!grant) return refuse('the token is not an IAM Identity Center access token');
  if (grant.expiresAt <= runtime.now()) return refuse('the access token has expired');
  if (!grant.scopes.includes(CONNECT_SCOPE))
    return refuse(`the access token lacks the ${CONNECT_SCOPE} scope`);
  const user = findUserById(runtime.config, grant.userId);
  if (!user) return refuse('the user of the access token no longer exists');
  return { ok: true, userName: user.userName, idcUserId: user.userId };
}

async function externalJwt(
  runtime: EmulatorRuntime,
  target: RedshiftTarget,
  token: string,
): Promise<LoginVerdict> {
  const state = ssoOidcStateOf(runtime);
  const arn = target.config.identityCenterApplicationArn;
  const app =
    arn === undefined
      ? runtime.config.identityCenter.applications.find((a) => a.jwtBearer !== undefined)
      : findApplication(runtime.config, arn);
  if (!state || !app?.jwtBearer) {
    return refuse(
      `no IAM Identity Center application with trusted token issuers serves ${target.kind} ${target.name}`,
    );
  }
  try {
    const { user } = await assertionUser({ state, app, now: runtime.now() }, token);
    return { ok: true, userName: user.userName, idcUserId: user.userId };
  } catch (error) {
    // The grant's messages name what failed and never echo the token.
    if (error instanceof AwsServiceError) return refuse(error.message.replace(/^The assertion/, 'the JWT'));
    return refuse('the JWT could not be verified');
  }
}

/**
 * Checks a login token. Never throws.
 *
 * @param tokenType - The startup packet's `token_type` (already one of {@link TOKEN_TYPES}).
 */
export async function verifyLoginToken(
  runtime: EmulatorRuntime,
  target: RedshiftTarget,
  tokenType: TokenType,
  token: string,
): Promise<LoginVerdict> {
  if (token.length === 0 || token.length > MAX_TOKEN_LENGTH) return refuse('the token is empty or too long');
  if (tokenType === 'SUBJECT_TOKEN') return subjectToken(runtime, target, token);
  if (tokenType === 'ACCESS_TOKEN') return accessToken(runtime, token);
  return externalJwt(runtime, target, token);
}
