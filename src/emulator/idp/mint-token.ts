/**
 * User access tokens for tests, signed in process with the embedded IdP's current key. They carry what
 * the IdP's own authorization-code sign-in issues (`at+jwt`, RS256 with `kid`, `iss`, `sub` = userName,
 * `aud`, `email`, `groups`, `scope`, `client_id`, `jti`, `iat`, `exp`) and are verified like any other:
 * through the IdP's real discovery document and JWKS. No HTTP is involved in issuing them, so they work
 * the same with or without msw intercepting requests.
 */
import { TipError, optionError } from '../../errors.js';
import type { EmulatorConfig } from '../config/types.js';
import { DEFAULT_RESOURCE_SCOPE, DEFAULT_USER_SCOPE } from './resources.js';
import type { EmbeddedIdp, IdpTokenRequest } from './types.js';

/** Options of a minted user token. */
export interface TestTokenOptions extends IdpTokenRequest {
  /** Lifetime in seconds; negative gives an already expired token. Default: the IdP's access-token TTL. */
  readonly expiresInSeconds?: number;
}

/** The OpenID scopes shape the ID token only; the access token's `scope` holds the others. */
const OPENID_SCOPES = new Set(['openid', 'email', 'profile', 'groups', 'offline_access']);

function resourceScope(scope: string): string {
  const resource = scope.split(' ').filter((s) => s !== '' && !OPENID_SCOPES.has(s));
  return resource.length > 0 ? [...new Set(resource)].join(' ') : DEFAULT_RESOURCE_SCOPE;
}

/**
 * Mints a user access token.
 *
 * @param idp - The running embedded IdP; undefined when it is disabled.
 * @returns Rejects with TipError `ERR_EMULATOR_CONFIG` when the IdP is disabled, and with a TypeError
 *   when `userName` is not a configured Identity Center user.
 */
export function mintUserToken(
  idp: EmbeddedIdp | undefined,
  config: EmulatorConfig,
  userName: string,
  options: TestTokenOptions = {},
): Promise<string> {
  if (!idp) {
    return Promise.reject(
      new TipError(
        'ERR_EMULATOR_CONFIG',
        'The embedded IdP is disabled (config `idp: false` or option `idp: false`): enable it to get user tokens.',
        { details: { path: 'idp', reason: 'idp_disabled' } },
      ),
    );
  }
  const user = config.identityCenter.users.find((u) => u.userName === userName);
  if (user === undefined) {
    const known = config.identityCenter.users.map((u) => u.userName).join(', ');
    return Promise.reject(optionError('userName', `must name a configured user (${known})`));
  }
  const settings = config.idp;
  const audience = options.audience ?? (settings ? settings.audience : 'tip-sdk-demo');
  return idp.signToken(
    {
      sub: user.userName,
      aud: audience,
      email: user.email,
      ...(user.groups.length > 0 ? { groups: [...user.groups] } : {}),
      scope: resourceScope(options.scope ?? DEFAULT_USER_SCOPE),
      client_id: idp.userClient.clientId,
    },
    {
      alg: 'RS256',
      header: { typ: 'at+jwt' },
      ...(options.expiresInSeconds === undefined ? {} : { expiresInSeconds: options.expiresInSeconds }),
    },
  );
}
