/**
 * Builds a successful `CreateTokenWithIAM` answer: the opaque IdC tokens, and for identity-bearing
 * answers the ID token and the identity context.
 */
import { issueIdentityContext } from './context.js';
import { type DirectoryUser, groupsOf } from './directory.js';
import { oidcError } from './errors.js';
import { signIdToken } from './id-token.js';
import type { GrantRequest } from './request.js';
import type { Grant } from './tokens.js';

/** `issuedTokenType` values. */
export const TOKEN_TYPE_ACCESS = 'urn:ietf:params:oauth:token-type:access_token';
/** `issuedTokenType` when a refresh token comes with the access token. */
export const TOKEN_TYPE_REFRESH = 'urn:ietf:params:oauth:token-type:refresh_token';

/** The `CreateTokenWithIAM` response members (restJson1 body). */
export interface CreateTokenWithIamOutput {
  accessToken: string;
  tokenType: 'Bearer';
  /** Seconds until the access token expires. */
  expiresIn: number;
  refreshToken?: string;
  idToken?: string;
  issuedTokenType: string;
  scope: string[];
  awsAdditionalDetails?: { identityContext: string };
}

/** What to issue. */
export interface IssueOptions {
  readonly user: DirectoryUser;
  readonly scopes: readonly string[];
  /** When the user authenticated, epoch ms. */
  readonly authTime: number;
  /** Issue a refresh token expiring at this epoch ms; undefined for none. */
  readonly refreshExpiresAt: number | undefined;
  /** Include the ID token and identity context (subject to the `openid` / `sts:identity_context` scopes). */
  readonly withIdentity: boolean;
  /** `issuedTokenType`; default: refresh_token when a refresh token is issued, else access_token. */
  readonly issuedTokenType?: string;
}

/**
 * Issues the tokens of a granted request.
 *
 * @throws InternalServerException when the user's groups cannot fit an identity context.
 */
export async function issueTokens(req: GrantRequest, opts: IssueOptions): Promise<CreateTokenWithIamOutput> {
  const { state, app, now } = req;
  const { runtime, tokens } = state;
  const expiresAt = now + app.tokenLifetimeSeconds * 1000;
  // One literal shape for every grant the store keeps (a spread copy can get a hidden class of its own).
  const scopes = Object.freeze([...opts.scopes]);
  const grantUntil = (until: number): Grant => ({
    userId: opts.user.userId,
    applicationArn: app.arn,
    scopes,
    authTime: opts.authTime,
    expiresAt: until,
  });
  const output: CreateTokenWithIamOutput = {
    accessToken: tokens.issueAccessToken(grantUntil(expiresAt), now),
    tokenType: 'Bearer',
    expiresIn: app.tokenLifetimeSeconds,
    issuedTokenType:
      opts.issuedTokenType ?? (opts.refreshExpiresAt !== undefined ? TOKEN_TYPE_REFRESH : TOKEN_TYPE_ACCESS),
    scope: [...opts.scopes],
  };
  if (opts.refreshExpiresAt !== undefined) {
    output.refreshToken = tokens.issueRefreshToken(grantUntil(opts.refreshExpiresAt), now);
  }
  if (!opts.withIdentity) return output;
  let identityContext: string | undefined;
  if (opts.scopes.includes('sts:identity_context')) {
    const groups = groupsOf(runtime.config, opts.user);
    try {
      identityContext = issueIdentityContext(runtime, {
        idcUserId: opts.user.userId,
        userName: opts.user.userName,
        groupIds: groups.ids,
        groupNames: groups.names,
        identityStoreId: runtime.config.identityCenter.identityStoreId,
        instanceArn: runtime.config.identityCenter.instanceArn,
        applicationArn: app.arn,
        expiresAt,
      });
    } catch {
      throw oidcError('InternalServerException', "The user's groups do not fit in an identity context");
    }
    output.awsAdditionalDetails = { identityContext };
  }
  if (opts.scopes.includes('openid')) {
    output.idToken = await signIdToken(runtime, state.signer, {
      userId: opts.user.userId,
      applicationArn: app.arn,
      identityContext,
      authTime: opts.authTime,
      expiresAt,
    });
  }
  return output;
}
