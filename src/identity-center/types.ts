/**
 * Types of the IAM Identity Center exchange (sso-oidc `CreateTokenWithIAM`).
 *
 * @module
 */

/** The IAM Identity Center identity an exchange resolved to. Not secret. */
export interface IdcIdentity {
  /** The IdC user id (`sub` of the IdC ID token; the `DIRECTORY_USER` grantee id). */
  readonly idcUserId: string;
  /** The identity store id, e.g. `d-1234567890`. */
  readonly identityStoreId: string;
  /** The identity store ARN, when IdC sent it. */
  readonly identityStoreArn: string | undefined;
  /** The IdC instance ARN, when IdC sent it. */
  readonly instanceArn: string | undefined;
  /** The application ARN the tokens were issued to. */
  readonly applicationArn: string;
  /** When the IdC tokens and identity context expire, epoch milliseconds. */
  readonly expiresAt: number;
}

/**
 * What one successful `CreateTokenWithIAM` yields. Holds secrets (`accessToken`, `refreshToken`,
 * `identityContext`): never log it.
 */
export interface IdcTokenSet {
  /** The IdC access token (opaque). Secret. */
  readonly accessToken: string;
  /** The IdC refresh token, when issued. Secret. */
  readonly refreshToken: string | undefined;
  /** The STS context assertion, when issued. Secret. */
  readonly identityContext: string | undefined;
  /** The identity the tokens belong to. */
  readonly identity: IdcIdentity;
  /** When the tokens expire (= `identity.expiresAt`), epoch milliseconds. */
  readonly expiresAt: number;
  /** Granted scopes (empty when IdC did not list them). */
  readonly scopes: readonly string[];
  /** `issuedTokenType` as IdC sent it, if any. */
  readonly issuedTokenType: string | undefined;
}

/** The JWT-bearer grant: exchange an external IdP's JWT (the main path). */
export interface JwtBearerGrant {
  /** Discriminant. */
  readonly type: 'jwt-bearer';
  /** The external JWT. Secret. */
  readonly assertion: string;
}

/** The refresh-token grant. */
export interface RefreshTokenGrant {
  /** Discriminant. */
  readonly type: 'refresh-token';
  /** An IdC refresh token. Secret. */
  readonly refreshToken: string;
}

/** The token-exchange grant: exchange an IdC access token issued to another application. */
export interface TokenExchangeGrant {
  /** Discriminant. */
  readonly type: 'token-exchange';
  /** The other application's IdC access token. Secret. */
  readonly subjectToken: string;
  /** Which token to request. Default `access_token`. */
  readonly requestedTokenType?: 'access_token' | 'refresh_token';
}

/** The authorization-code grant (IdC itself as the IdP), with PKCE. */
export interface AuthorizationCodeGrant {
  /** Discriminant. */
  readonly type: 'authorization-code';
  /** The authorization code. Secret. */
  readonly code: string;
  /** The redirect URI used in the authorization request. */
  readonly redirectUri: string;
  /** The PKCE code verifier. Secret. */
  readonly codeVerifier?: string;
}

/** Every grant `CreateTokenWithIAM` supports. */
export type IdcGrant = JwtBearerGrant | RefreshTokenGrant | TokenExchangeGrant | AuthorizationCodeGrant;
