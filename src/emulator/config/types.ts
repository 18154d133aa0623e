/**
 * The emulator's declarative configuration, as users write it (object or JSON file). Validation
 * (`validate.ts`) turns it into a frozen {@link EmulatorConfig} with defaults filled in, or throws a
 * TipError `ERR_EMULATOR_CONFIG` naming the bad path (e.g. `identityCenter.applications[0].arn`).
 */

/** A user of the identity store, also a user of the embedded IdP. */
export interface UserConfig {
  /** Identity store `userName`, e.g. `alice`. Also the IdP login name and `sub`. */
  userName: string;
  /** Primary email; `emails.value` in the identity store, `email` claim at the IdP. */
  email: string;
  /** Display name. Default: `userName`. */
  displayName?: string;
  /** Identity store user id (UUID-like). Default: derived deterministically from `userName`. */
  userId?: string;
  /** Names of groups this user belongs to. Default: none. */
  groups?: string[];
}

/** A group of the identity store. */
export interface GroupConfig {
  /** Display name, e.g. `analysts`. Grants refer to groups by this name. */
  name: string;
  /** Identity store group id. Default: derived from `name`. */
  groupId?: string;
}

/** A trusted token issuer (TTI) of type OIDC_JWT. */
export interface TrustedTokenIssuerConfig {
  /** Name, referred to by application grants. */
  name: string;
  /** TTI ARN. Default: derived from the instance and name. */
  arn?: string;
  /** Issuer URL (discovery base). `"idp"` means the embedded IdP's issuer. */
  issuerUrl: string;
  /** JWT claim mapped to the identity store, e.g. `email`. Default `email`. */
  claimAttributePath?: string;
  /** Identity store attribute, `emails.value` or `userName`. Default `emails.value`. */
  identityStoreAttributePath?: 'emails.value' | 'userName';
}

/** A customer-managed IdC application. */
export interface ApplicationConfig {
  /** Application ARN `arn:aws:sso::<acct>:application/ssoins-<16>/apl-<16>`. */
  arn: string;
  /** Name for logs. Default: last ARN segment. */
  name?: string;
  /** jwt-bearer grant: authorized TTIs (by name) with 1..10 audiences each. Absent = grant not enabled. */
  jwtBearer?: { authorizedTokenIssuers: { tokenIssuer: string; audiences: string[] }[] };
  /** refresh_token grant enabled. Default true. */
  refreshToken?: boolean;
  /** token-exchange grant: ARNs of applications whose IdC access tokens may be exchanged. */
  tokenExchange?: { fromApplications: string[] };
  /** authorization_code grant: allowed redirect URIs. */
  authorizationCode?: { redirectUris: string[] };
  /** Scopes the application has. Default `['openid', 'aws', 'sts:identity_context']` plus service scopes. */
  scopes?: string[];
  /** Whether users must be assigned. Default true. */
  assignmentRequired?: boolean;
  /** Assigned users (userName) and groups (name). */
  assignments?: { users?: string[]; groups?: string[] };
  /** Principal ARNs (role ARN or account root) allowed by the ActorPolicy to call CreateTokenWithIAM. Default: every caller of the instance account. */
  actorPrincipals?: string[];
  /** Lifetime of issued access tokens and identity contexts, seconds. Default 3600. */
  tokenLifetimeSeconds?: number;
  /** Lifetime of issued refresh tokens, seconds. Default 86400. */
  refreshTokenLifetimeSeconds?: number;
  /**
   * Whether a refresh_token grant answer carries a new `idToken` and `awsAdditionalDetails.identityContext`
   * (open on AWS: the model's example has neither). Default false.
   */
  refreshReturnsIdentityContext?: boolean;
  /** Resource tags (used by the Athena driver convention `AthenaDriverOidcAppArn`). */
  tags?: Record<string, string>;
}

/** The IAM Identity Center instance. */
export interface IdentityCenterConfig {
  /** Instance ARN. Default `arn:aws:sso:::instance/ssoins-<16 hex>` derived from the account. */
  instanceArn?: string;
  /** Identity store id. Default `d-<10 hex>` derived from the account. */
  identityStoreId?: string;
  users: UserConfig[];
  groups?: GroupConfig[];
  trustedTokenIssuers: TrustedTokenIssuerConfig[];
  applications: ApplicationConfig[];
}

/** A statement of an IAM policy (trust or permissions). Only what the emulator evaluates. */
export interface PolicyStatementConfig {
  Effect: 'Allow' | 'Deny';
  /** Principal: `{ AWS: arn | arn[] }`, `{ Federated: issuerHostOrArn }` or `'*'`. */
  Principal?: '*' | { AWS?: string | string[]; Federated?: string | string[]; Service?: string | string[] };
  Action: string | string[];
  /** Resource ARNs with `*` wildcards (permission policies only). Default `*`. */
  Resource?: string | string[];
  /** Conditions: only `StringEquals` / `StringLike` on request keys the emulator knows. */
  Condition?: Record<string, Record<string, string | string[]>>;
}

/** An IAM role. */
export interface RoleConfig {
  /** Role ARN `arn:aws:iam::<acct>:role/<name>`. */
  arn: string;
  /** Trust policy statements. */
  trustPolicy: PolicyStatementConfig[];
  /** Permission policy statements. Default: allow `*` on `*`. */
  permissions?: PolicyStatementConfig[];
  /** Maximum session duration, seconds (3600..43200). Default 3600. */
  maxSessionDuration?: number;
  /** Resource tags. */
  tags?: Record<string, string>;
}

/** A long-term caller: an access key pair bound to a principal (IAM user or role). */
export interface CallerConfig {
  accessKeyId: string;
  secretAccessKey: string;
  /** Principal ARN the key acts as, e.g. `arn:aws:iam::123456789012:user/service`. */
  principalArn: string;
  /** Permission policy statements for this caller. Default: allow `*` on `*`. */
  permissions?: PolicyStatementConfig[];
}

/** A Lake Formation-style grant on an Athena table. */
export interface AthenaGrantConfig {
  /** `user:<userName>` or `group:<name>`. */
  principal: string;
  /** Table as `database.table`. */
  table: string;
  /** Columns allowed. Default: all. */
  columns?: string[];
  /** SQL row filter expression, e.g. `region = 'eu'`. Default: all rows. */
  rowFilter?: string;
}

/** A table: columns with Athena/Presto types and rows. */
export interface TableConfig {
  /** `database.table`. */
  name: string;
  columns: { name: string; type: string }[];
  rows: unknown[][];
}

/** An Athena workgroup. */
export interface AthenaWorkGroupConfig {
  name: string;
  /** IdC-enabled (Trino, identity-enhanced sessions only). Default false. */
  identityCenter?: boolean;
  /** IdC instance ARN for an IdC-enabled workgroup. Default: the configured instance. */
  identityCenterInstanceArn?: string;
  /** Output location, `s3://bucket/prefix/`. */
  outputLocation?: string;
  /** Engine version string. Default `Trino engine version 3` for IdC workgroups. */
  engineVersion?: string;
  tags?: Record<string, string>;
}

/** Athena section. */
export interface AthenaConfig {
  workGroups: AthenaWorkGroupConfig[];
  tables: TableConfig[];
  grants: AthenaGrantConfig[];
  /** Rows per GetQueryResults page (max). Default 1000 as AWS. */
  maxPageSize?: number;
  /** Time a query stays QUEUED then RUNNING, milliseconds. Default 0 and 20. */
  queuedMs?: number;
  runningMs?: number;
}

/** A grant in a Redshift database. */
export interface RedshiftGrantConfig {
  /** `user:<userName>` (becomes `AWSIDC:<userName>`), `group:<name>` (a role), or a plain database user name. */
  principal: string;
  table: string;
  /** Privileges. Default `['SELECT']`. */
  privileges?: string[];
  /** Row-level security expression. Default none. */
  rowFilter?: string;
}

/** A Redshift Serverless workgroup or a provisioned cluster with its databases. */
export interface RedshiftTargetConfig {
  /** Serverless workgroup name (exclusive with `clusterIdentifier`). */
  workgroupName?: string;
  /** Provisioned cluster identifier. */
  clusterIdentifier?: string;
  /** IdC namespace of the identity provider. Default `AWSIDC`. */
  idcNamespace?: string;
  databases: { name: string; tables: TableConfig[]; grants: RedshiftGrantConfig[] }[];
}

/** Redshift section. */
export interface RedshiftConfig {
  targets: RedshiftTargetConfig[];
  /** Whether identity-enhanced sessions may call redshift-data and GetIdentityCenterAuthToken. Default true. */
  allowIdentityEnhanced?: boolean;
  /** Lifetime of GetIdentityCenterAuthToken tokens, seconds. Default 900. */
  authTokenLifetimeSeconds?: number;
  /** Rows per GetStatementResult(V2) page (max). Default 1000. */
  maxPageSize?: number;
  /** Time a Data API statement stays SUBMITTED, then PICKED, then STARTED, milliseconds. Default 0, 0, 0. */
  submittedMs?: number;
  pickedMs?: number;
  runningMs?: number;
}

/** An S3 bucket with objects. */
export interface BucketConfig {
  name: string;
  /** Key -> UTF-8 content. */
  objects?: Record<string, string>;
}

/** An S3 Access Grants location. */
export interface AccessGrantsLocationConfig {
  /** Id. Default derived. */
  id?: string;
  /** `s3://` or `s3://bucket/prefix/`. */
  scope: string;
  /** Role S3 Access Grants assumes to vend credentials. */
  iamRoleArn?: string;
}

/** An S3 Access Grant. */
export interface AccessGrantConfig {
  /** `user:<userName>`, `group:<name>` or `iam:<principalArn>`. */
  grantee: string;
  /** Target under a location, e.g. `s3://lake/team-a/*` or an object key `s3://lake/a.csv`. */
  target: string;
  permission: 'READ' | 'WRITE' | 'READWRITE';
}

/** S3 and S3 Access Grants section. */
export interface S3Config {
  buckets: BucketConfig[];
  accessGrants?: { accountId?: string; locations: AccessGrantsLocationConfig[]; grants: AccessGrantConfig[] };
}

/** Embedded IdP settings. */
export interface IdpConfig {
  /** Port, 0 = any. Default 0. */
  port?: number;
  /** Audience of access tokens, the resource indicator. Default `tip-sdk-demo`. */
  audience?: string;
  /** Access-token lifetime, seconds. Default 600. */
  accessTokenTtlSeconds?: number;
  /** Extra OAuth clients. */
  clients?: { clientId: string; clientSecret?: string; redirectUris?: string[] }[];
}

/** The whole emulator configuration. */
export interface EmulatorConfigInput {
  /** Region. Default `us-east-1`. */
  region?: string;
  /** Account id (12 digits). Default `123456789012`. */
  accountId?: string;
  /** Port of the AWS endpoint, 0 = any. Default 0. */
  port?: number;
  /** Embedded IdP; `false` to not start one. Default `{}`. */
  idp?: IdpConfig | false;
  identityCenter: IdentityCenterConfig;
  roles: RoleConfig[];
  callers: CallerConfig[];
  /** Actions identity-enhanced sessions may call (`service:Action`, `*` wildcards). Default PROTOCOL.md §2 list. */
  identityContextAllowList?: string[];
  athena?: AthenaConfig;
  redshift?: RedshiftConfig;
  s3?: S3Config;
  /** Allowed clock skew for SigV4, seconds. Default 900. */
  maxClockSkewSeconds?: number;
  /** Maximum request body, bytes. Default 1 MiB. */
  maxBodyBytes?: number;
  /** STS choices where AWS leaves the behaviour open. */
  sts?: StsConfig;
}

/** STS settings for points PROTOCOL.md leaves open. */
export interface StsConfig {
  /**
   * Error code AssumeRole answers for an expired `ProvidedContexts` assertion. Default
   * `InvalidContextAssertion` (the STS model documents it for malformed, expired or untrusted contexts).
   */
  expiredContextError?: 'InvalidContextAssertion' | 'ExpiredTokenException';
}

/** `T` with the keys `K` made required (validation fills their defaults). */
export type WithDefaults<T, K extends keyof T> = T & { [P in K]-?: Exclude<T[P], undefined> };

/**
 * The validated configuration: every default filled in, frozen. Produced by `validateEmulatorConfig`.
 * Handlers read this, never {@link EmulatorConfigInput}.
 */
export interface EmulatorConfig {
  readonly region: string;
  readonly accountId: string;
  readonly port: number;
  readonly idp: WithDefaults<IdpConfig, 'port' | 'audience' | 'accessTokenTtlSeconds' | 'clients'> | false;
  readonly identityCenter: {
    readonly instanceArn: string;
    readonly identityStoreId: string;
    readonly users: readonly WithDefaults<UserConfig, 'userId' | 'displayName' | 'groups'>[];
    readonly groups: readonly WithDefaults<GroupConfig, 'groupId'>[];
    readonly trustedTokenIssuers: readonly WithDefaults<
      TrustedTokenIssuerConfig,
      'arn' | 'claimAttributePath' | 'identityStoreAttributePath'
    >[];
    readonly applications: readonly WithDefaults<
      ApplicationConfig,
      | 'name'
      | 'refreshToken'
      | 'scopes'
      | 'assignmentRequired'
      | 'assignments'
      | 'tokenLifetimeSeconds'
      | 'refreshTokenLifetimeSeconds'
      | 'tags'
    >[];
  };
  readonly roles: readonly WithDefaults<RoleConfig, 'permissions' | 'maxSessionDuration' | 'tags'>[];
  readonly callers: readonly WithDefaults<CallerConfig, 'permissions'>[];
  readonly identityContextAllowList: readonly string[];
  readonly athena: WithDefaults<AthenaConfig, 'maxPageSize' | 'queuedMs' | 'runningMs'>;
  readonly redshift: WithDefaults<RedshiftConfig, 'allowIdentityEnhanced' | 'authTokenLifetimeSeconds'>;
  readonly s3: S3Config;
  readonly maxClockSkewSeconds: number;
  readonly maxBodyBytes: number;
  /** STS choices; validation always fills it (optional only for hand-built configs). */
  readonly sts?: { readonly expiredContextError: 'InvalidContextAssertion' | 'ExpiredTokenException' };
}
