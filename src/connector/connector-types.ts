/**
 * The public types of `createConnector()`: its options, what its calls take and give, and the connector
 * itself.
 *
 * @module
 */
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@aws-sdk/types';
import type { AwsClientConfig } from '../aws/clients.js';
import type { ConnectorEventSink } from './events.js';
import type { BrowserOpener } from './open-browser.js';
import type { ResolvedProfile } from './profile.js';
import type { ConnectorRedshiftTarget } from './redshift-token.js';
import type { TokenCache, TokenCacheOptions } from './token-cache/file-cache.js';
import type { CacheRecord } from './token-cache/record.js';

/** Options of `createConnector`. */
export interface ConnectorOptions {
  /** The token cache, or options for the default one. */
  readonly cache?: TokenCache | TokenCacheOptions;
  /** Opens the sign-in URL. Default: the system browser. */
  readonly open?: BrowserOpener;
  /** Called with the sign-in URL before the browser opens (e.g. to print it). */
  readonly onAuthorizationUrl?: (url: string) => void;
  /** Receives connector events (never a secret). */
  readonly onEvent?: ConnectorEventSink;
  /** Extra AWS SDK settings (e.g. a request handler); the profile's `endpoint` wins. */
  readonly clientConfig?: AwsClientConfig;
  /** Fetch for the IdP's endpoints. Default the global `fetch`. */
  readonly fetch?: typeof fetch;
}

/** Identity-enhanced credentials. Secret. */
export interface ConnectorCredentials extends AwsCredentialIdentity {
  readonly sessionToken: string;
  readonly expiration: Date;
}

/** Options of one connector call. */
export interface ConnectorCallOptions {
  /** When a sign-in is needed: open the browser (`true`) or fail with `ERR_SIGN_IN_REQUIRED` (default). */
  readonly interactive?: boolean;
  /** Aborts the call. */
  readonly signal?: AbortSignal;
}

/** An access token with its expiry. Secret. */
export interface ConnectorToken {
  /** The token. */
  readonly token: string;
  /** Expiry, epoch milliseconds. */
  readonly expiresAt: number;
}

/** What is cached for the profile, without any secret. */
export interface ConnectorStatus {
  /** The profile. */
  readonly profile: string;
  /** Whether a usable record exists. */
  readonly signedIn: boolean;
  /** Why the cache file was not used, if it was not. */
  readonly cacheProblem: string | undefined;
  /** Who signed in (issuer, subject, IdC user id), when known. */
  readonly user: CacheRecord['user'];
  /** Role credentials expiry, epoch ms. */
  readonly credentialsExpireAt: number | undefined;
  /** Whether a refresh token is held. */
  readonly canRefresh: boolean;
}

/** The connector of one profile. */
export interface Connector {
  /** The validated profile. */
  readonly profile: ResolvedProfile;
  /** Signs in with the browser now and fills the cache (and, for `oidc` profiles with an application, the credentials). */
  login(options?: { readonly signal?: AbortSignal }): Promise<ConnectorStatus>;
  /** Identity-enhanced credentials, renewed silently when due. */
  credentials(options?: ConnectorCallOptions): Promise<ConnectorCredentials>;
  /** An `AwsCredentialIdentityProvider` for SDK clients (non-interactive). */
  credentialProvider(): AwsCredentialIdentityProvider;
  /** The IAM Identity Center access token (`ACCESS_TOKEN` for the Redshift drivers). */
  idcAccessToken(options?: ConnectorCallOptions): Promise<ConnectorToken>;
  /**
   * A Redshift driver token for a Serverless workgroup or a provisioned cluster (`GetIdentityCenterAuthToken`
   * with the identity-enhanced credentials; the drivers' `token_type=SUBJECT_TOKEN`). Kept in the token
   * cache, bound to the role credentials it was issued with, and served from there while it has more than
   * a minute left, so processes that each need one (a driver per connection) share it. Needs an `oidc`
   * profile with `applicationArn` and `accessRoleArn`, and the optional peer package of the target's kind.
   *
   * @throws TypeError `ERR_INVALID_OPTION` for a target without exactly one of `workgroupName` and
   *   `clusterIdentifier`; TipError every error of {@link Connector.credentials} and of the Redshift call.
   */
  redshiftToken(target: ConnectorRedshiftTarget, options?: ConnectorCallOptions): Promise<ConnectorToken>;
  /**
   * The cached IdP token of an `oidc` profile (the one exchanged with IAM Identity Center; a Redshift
   * driver's `EXT_JWT`), as cached: it may have expired. `undefined` when none. Secret.
   */
  idpToken(): Promise<string | undefined>;
  /** What is cached, without secrets. */
  status(): Promise<ConnectorStatus>;
  /** Forgets the profile's cached tokens and credentials. */
  logout(): Promise<void>;
  /**
   * Releases the AWS SDK client the connector created (not one built on a `clientConfig.requestHandler`
   * you passed). The token cache stays on disk; a later call creates a new client. Idempotent.
   */
  close(): Promise<void>;
  /** Same as {@link Connector.close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void>;
}
