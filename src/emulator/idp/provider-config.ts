/**
 * The oidc-provider configuration of the embedded IdP: clients, claims, resource servers with JWT access
 * tokens, `client_credentials`, PKCE, and user claims in access tokens (as IAM Identity Center's trusted
 * token issuers need, e.g. `email`).
 */
import type { ClientMetadata, Configuration, KoaContextWithOIDC } from 'oidc-provider';
import type { IdpKeyGeneration } from './keys.js';
import type { IdpMemoryStore } from './memory-store.js';
import { audienceFor, OPENID_SCOPES, resourceIndicatorFor, resourceScopesIn } from './resources.js';
import type { IdpClientOptions, IdpUser } from './types.js';

/** Everything the configuration is built from; stable across key rotations except `keys`. */
export interface ProviderSetup {
  readonly users: ReadonlyMap<string, IdpUser>;
  readonly keys: IdpKeyGeneration;
  readonly store: IdpMemoryStore;
  readonly cookieKeys: string[];
  readonly audience: string;
  readonly accessTokenTtlSeconds: number;
  readonly clients: ClientMetadata[];
}

/** The id token lifetime and the other non-access-token lifetimes, in seconds. */
const ONE_HOUR = 3600;

const CODE_FLOW_GRANTS = ['authorization_code', 'refresh_token'];

function isLoopbackHttp(uri: string): boolean {
  try {
    const url = new URL(uri);
    return url.protocol === 'http:' && ['127.0.0.1', '[::1]', 'localhost'].includes(url.hostname);
  } catch {
    return false;
  }
}

/** The oidc-provider client metadata for an extra client. */
export function clientMetadataFor(client: IdpClientOptions): ClientMetadata {
  const redirectUris = client.redirectUris ?? [];
  const native = redirectUris.length > 0 && redirectUris.every(isLoopbackHttp);
  const base: ClientMetadata = {
    client_id: client.clientId,
    redirect_uris: redirectUris,
    application_type: native ? 'native' : 'web',
    response_types: redirectUris.length > 0 ? ['code'] : [],
  };
  if (client.clientSecret === undefined) {
    return { ...base, token_endpoint_auth_method: 'none', grant_types: CODE_FLOW_GRANTS };
  }
  return {
    ...base,
    client_secret: client.clientSecret,
    token_endpoint_auth_method: 'client_secret_post',
    grant_types:
      redirectUris.length > 0 ? [...CODE_FLOW_GRANTS, 'client_credentials'] : ['client_credentials'],
  };
}

function userClaims(user: IdpUser): Record<string, unknown> {
  return {
    sub: user.userName,
    email: user.email,
    email_verified: true,
    name: user.displayName ?? user.userName,
    preferred_username: user.userName,
    ...(user.groups === undefined ? {} : { groups: [...user.groups] }),
  };
}

/** Scope strings that tell which resource scopes a request may carry. */
function scopeHints(ctx: KoaContextWithOIDC): unknown[] {
  const params = ctx.oidc?.params as Record<string, unknown> | undefined;
  const entities = ctx.oidc?.entities as Record<string, { scope?: unknown } | undefined> | undefined;
  return [params?.scope, entities?.AuthorizationCode?.scope, entities?.RefreshToken?.scope];
}

/** The full oidc-provider configuration for one key generation. */
export function providerConfiguration(setup: ProviderSetup): Configuration {
  const { users, keys } = setup;
  const defaultIndicator = resourceIndicatorFor(setup.audience);
  return {
    adapter: setup.store.adapterFactory,
    clients: setup.clients,
    jwks: {
      keys: [keys.RS256.privateJwk, keys.ES256.privateJwk] as NonNullable<Configuration['jwks']>['keys'],
    },
    cookies: { keys: setup.cookieKeys },
    scopes: OPENID_SCOPES,
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'preferred_username'],
      groups: ['groups'],
    },
    // ID tokens carry the scope claims (email, name) even though an access token is issued too.
    conformIdTokenClaims: false,
    findAccount: (_ctx, sub) => {
      const user = users.get(sub);
      if (user === undefined) return undefined;
      return { accountId: sub, claims: () => ({ ...userClaims(user), sub }) };
    },
    extraTokenClaims: (_ctx, token) => {
      const accountId = (token as { accountId?: unknown }).accountId;
      if (typeof accountId !== 'string') return undefined;
      const user = users.get(accountId);
      if (user === undefined) return undefined;
      return { email: user.email, ...(user.groups === undefined ? {} : { groups: [...user.groups] }) };
    },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: (_ctx, _client, oneOf) => oneOf ?? defaultIndicator,
        useGrantedResource: () => true,
        getResourceServerInfo: (ctx, indicator) => ({
          audience: audienceFor(indicator),
          scope: [...resourceScopesIn(...scopeHints(ctx))].join(' '),
          accessTokenFormat: 'jwt',
          accessTokenTTL: setup.accessTokenTtlSeconds,
          jwt: { sign: { alg: 'RS256', kid: keys.RS256.kid } },
        }),
      },
    },
    ttl: {
      AccessToken: setup.accessTokenTtlSeconds,
      ClientCredentials: setup.accessTokenTtlSeconds,
      IdToken: ONE_HOUR,
      AuthorizationCode: 60,
      Interaction: ONE_HOUR,
      Session: ONE_HOUR * 24,
      Grant: ONE_HOUR * 24,
      RefreshToken: ONE_HOUR * 24,
    },
    // Errors render as plain text with the error code: no request data echoed back.
    renderError: (ctx, out) => {
      ctx.type = 'text/plain; charset=utf-8';
      ctx.body = `${out.error}: ${out.error_description ?? ''}`.replace(/[\r\n]+/g, ' ');
    },
  };
}
