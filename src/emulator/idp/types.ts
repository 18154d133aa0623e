/**
 * Public types of the embedded OIDC identity provider.
 */

/** A user who can sign in at the embedded IdP. */
export interface IdpUser {
  /** Unique sign-in name; becomes the `sub` claim of every token issued to the user. */
  userName: string;
  /** E-mail address; carried as the `email` claim in access and ID tokens. */
  email: string;
  /** Display name; the `name` claim of ID tokens (defaults to `userName`). */
  displayName?: string;
  /** Group names; carried as the `groups` claim in access and ID tokens when given. */
  groups?: string[];
}

/** An extra OAuth client registered at the embedded IdP. */
export interface IdpClientOptions {
  /** The `client_id`. */
  clientId: string;
  /**
   * The client secret. With a secret the client is confidential (`client_secret_post`) and may also use
   * `client_credentials`; without one it is public (`none`, PKCE required).
   */
  clientSecret?: string;
  /**
   * Redirect URIs. `http` loopback URIs (127.0.0.1, [::1]) match on any port (RFC 8252). Default: none.
   */
  redirectUris?: string[];
}

/** Options of {@link startIdp}. */
export interface IdpOptions {
  /** The users who may sign in. User names must be unique. */
  users: IdpUser[];
  /** TCP port to listen on. Default 0: any free port. */
  port?: number;
  /** Interface to listen on. Default `'127.0.0.1'`. */
  host?: string;
  /**
   * The default `aud` of access tokens (the resource they are for). Default `'tip-sdk-demo'`. Values that
   * are not absolute URIs are carried as the resource indicator `urn:tip-sdk:audience:<encoded value>`.
   */
  audience?: string;
  /** Lifetime of access tokens, in seconds. Default 600. */
  accessTokenTtlSeconds?: number;
  /** Extra clients, besides the built-in service and user clients. Default none. */
  clients?: IdpClientOptions[];
  /** Suppress the development-keys warning on stderr (for tests). Default false. */
  quiet?: boolean;
}

/** Options of the scripted user login of {@link EmbeddedIdp}. */
export interface IdpTokenRequest {
  /** The `aud` of the access token. Default: the IdP's `audience` option. */
  audience?: string;
  /**
   * The requested scope (space-separated). Default `'openid email profile groups offline_access tip:read'`.
   * OpenID scopes (`openid`, `email`, `profile`, `groups`, `offline_access`) shape the ID token; every
   * other scope is a scope of the resource and lands in the access token's `scope` claim.
   */
  scope?: string;
}

/** Options of {@link EmbeddedIdp.signToken}. */
export interface IdpSignOptions {
  /** Which of the current keys signs. Default `'RS256'`. */
  alg?: 'RS256' | 'ES256';
  /** The `kid` header to write (it need not name a real key). Default: the signing key's id. */
  kid?: string;
  /**
   * Extra protected header parameters, e.g. `typ: 'at+jwt'` (no `typ` is written unless given).
   * `alg` cannot be overridden; `kid: undefined` writes no `kid` at all.
   */
  header?: Record<string, unknown>;
  /**
   * Lifetime used for a missing `exp`, in seconds; negative gives an already expired token.
   * Default: `accessTokenTtlSeconds`.
   */
  expiresInSeconds?: number;
}

/** How many requests each endpoint answered (including failed ones). */
export interface IdpRequestCounts {
  /** `GET /.well-known/openid-configuration`. */
  readonly discovery: number;
  /** `GET /jwks`, including the 503 answers during a simulated outage. */
  readonly jwks: number;
  /** `POST /token`. */
  readonly token: number;
}

/** A running embedded IdP. */
export interface EmbeddedIdp {
  /** The issuer, e.g. `http://127.0.0.1:PORT` (no trailing slash). */
  readonly issuer: string;
  /** The JWKS endpoint, `${issuer}/jwks`. */
  readonly jwksUri: string;
  /** The confidential client for `client_credentials` (authenticates with `client_secret_post`). */
  readonly serviceClient: {
    /** OAuth client id. */
    clientId: string;
    /** Client secret (a development value). */
    clientSecret: string;
  };
  /**
   * The public client for authorization code + PKCE. Its redirect URI is an `http://127.0.0.1/...`
   * loopback URI, which matches on any port.
   */
  readonly userClient: {
    /** OAuth client id. */
    clientId: string;
    /** Loopback redirect URI. */
    redirectUri: string;
  };
  /** A user access token (`at+jwt`, RS256, with `kid`), obtained by a scripted code + PKCE login. */
  tokenFor(userName: string, opts?: IdpTokenRequest): Promise<string>;
  /** A user ID token from the same kind of scripted login. */
  idTokenFor(userName: string, opts?: { nonce?: string }): Promise<string>;
  /** Access, ID and (with `offline_access`) refresh token from one scripted login. */
  tokensFor(
    userName: string,
    opts?: IdpTokenRequest,
  ): Promise<{
    /** Access token (`at+jwt`). */
    accessToken: string;
    /** ID token. */
    idToken: string;
    /** Refresh token, when the client may have one. */
    refreshToken?: string;
  }>;
  /** An `at+jwt` access token for the service client, from the `client_credentials` grant. */
  clientCredentialsToken(opts?: IdpTokenRequest): Promise<string>;
  /**
   * Mints any token with the IdP's current keys, for negative tests. Fills `iss`, `iat`, `exp` and `jti`
   * unless `claims` has the member; a member present with the value `undefined` leaves the claim out.
   */
  signToken(claims: Record<string, unknown>, opts?: IdpSignOptions): Promise<string>;
  /**
   * Creates new signing keys (new kids) and makes them current. The previous public keys stay in the JWKS
   * unless `dropOld`. Sessions and grants survive the rotation.
   */
  rotateKeys(opts?: { dropOld?: boolean }): Promise<void>;
  /** `false` makes the JWKS endpoint answer 503 (outage simulation); `true` restores it. */
  setJwksAvailable(up: boolean): void;
  /** Live request counters. */
  readonly requests: IdpRequestCounts;
  /** Closes the server and every connection. Idempotent. */
  stop(): Promise<void>;
}
