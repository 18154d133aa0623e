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
  jwtBearer?: {
    /** Trusted token issuers the grant accepts, each with its audiences. */
    authorizedTokenIssuers: {
      /** The `name` of a configured trusted token issuer. */
      tokenIssuer: string;
      /** Audiences accepted from that issuer (1..10); the JWT `aud` must contain one. */
      audiences: string[];
    }[];
  };
  /** refresh_token grant enabled. Default true. */
  refreshToken?: boolean;
  /** token-exchange grant: ARNs of applications whose IdC access tokens may be exchanged. */
  tokenExchange?: {
    /** ARNs of the applications whose IdC access tokens may be exchanged. */
    fromApplications: string[];
  };
  /** authorization_code grant: allowed redirect URIs. */
  authorizationCode?: {
    /** Redirect URIs accepted, compared exactly. */
    redirectUris: string[];
  };
  /** Scopes the application has. Default `['openid', 'aws', 'sts:identity_context']` plus service scopes. */
  scopes?: string[];
  /** Whether users must be assigned. Default true. */
  assignmentRequired?: boolean;
  /** Assigned users (userName) and groups (name). */
  assignments?: {
    /** Assigned users, by `userName`. Default none. */
    users?: string[];
    /** Assigned groups, by `name`. Default none. */
    groups?: string[];
  };
  /** Principal ARNs (role ARN or account root) allowed by the ActorPolicy to call CreateTokenWithIAM. Default: every caller of the instance account. */
  actorPrincipals?: string[];
  /** Lifetime of issued access tokens and identity contexts, seconds. Default 3600. */
  tokenLifetimeSeconds?: number;
  /** Lifetime of issued refresh tokens, seconds. Default 86400. */
  refreshTokenLifetimeSeconds?: number;
  /**
   * Whether a refresh_token grant answer carries a new `idToken` and `awsAdditionalDetails.identityContext`.
   * Default true: AWS's own TIP plugin (aws-sdk-plugin/trusted-identity-propagation-js), written against
   * the real service, refreshes and then requires the identity context in the answer. `false` tests a
   * client's fallback to the jwt-bearer grant.
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
  /** Users of the identity store (and of the embedded IdP). */
  users: UserConfig[];
  /** Groups of the identity store. Default none. */
  groups?: GroupConfig[];
  /** Trusted token issuers of the instance. */
  trustedTokenIssuers: TrustedTokenIssuerConfig[];
  /** Customer-managed applications (the `clientId` of CreateTokenWithIAM). */
  applications: ApplicationConfig[];
}

/** A statement of an IAM policy (trust or permissions). Only what the emulator evaluates. */
export interface PolicyStatementConfig {
  /** Whether the statement allows or denies; an explicit Deny wins. */
  Effect: 'Allow' | 'Deny';
  /** Principal: `{ AWS: arn | arn[] }`, `{ Federated: issuerHostOrArn }` or `'*'`. */
  Principal?:
    | '*'
    | {
        /** Principal ARNs, account ids or account roots. */
        AWS?: string | string[];
        /** An IAM OIDC provider ARN, issuer host/path or URL, or `idp` for the embedded IdP. */
        Federated?: string | string[];
        /** Service principals, e.g. `access-grants.s3.amazonaws.com`. */
        Service?: string | string[];
      };
  /** Actions as `service:Action`, with `*` and `?` wildcards. */
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

/** A customer managed policy, usable as a session policy (`PolicyArns` of AssumeRole). */
export interface ManagedPolicyConfig {
  /** Policy ARN `arn:aws:iam::<acct>:policy/<path/>name`. */
  arn: string;
  /** Its statements (no `Principal`). */
  statements: PolicyStatementConfig[];
}

/** A long-term caller: an access key pair bound to a principal (IAM user or role). */
export interface CallerConfig {
  /** Access key id the caller signs with, e.g. `AKIAEMULATORSERVICE1`. */
  accessKeyId: string;
  /** Secret access key: a development value of your own configuration, never a real one. */
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
  /** Columns in order. */
  columns: {
    /** Column name. */
    name: string;
    /** Athena/Presto type, e.g. `varchar`, `integer`, `double`, `timestamp`. */
    type: string;
  }[];
  /** Rows, each an array of values in column order. */
  rows: unknown[][];
}

/** An Athena workgroup. */
export interface AthenaWorkGroupConfig {
  /** Workgroup name. */
  name: string;
  /** IdC-enabled (Trino, identity-enhanced sessions only). Default false. */
  identityCenter?: boolean;
  /** IdC instance ARN for an IdC-enabled workgroup. Default: the configured instance. */
  identityCenterInstanceArn?: string;
  /** Output location, `s3://bucket/prefix/`. */
  outputLocation?: string;
  /** Engine version string. Default `Trino engine version 3` for IdC workgroups. */
  engineVersion?: string;
  /** Resource tags (the Athena driver convention `AthenaDriverOidcAppArn`). Default none. */
  tags?: Record<string, string>;
}

/** Athena section. */
export interface AthenaConfig {
  /** Workgroups. */
  workGroups: AthenaWorkGroupConfig[];
  /** Tables with their rows. */
  tables: TableConfig[];
  /** Lake Formation-style grants; a table without a grant is invisible to the user. */
  grants: AthenaGrantConfig[];
  /** Rows per GetQueryResults page (max). Default 1000 as AWS. */
  maxPageSize?: number;
  /** Time a query stays QUEUED then RUNNING, milliseconds. Default 0 and 20. */
  queuedMs?: number;
  /** Time a query stays RUNNING, milliseconds. Default 20. */
  runningMs?: number;
}

/** A grant in a Redshift database. */
export interface RedshiftGrantConfig {
  /** `user:<userName>` (becomes `AWSIDC:<userName>`), `group:<name>` (a role), or a plain database user name. */
  principal: string;
  /** Table as `schema.table`. */
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
  /**
   * The IAM Identity Center application of the target's identity provider (`CREATE IDENTITY PROVIDER …
   * APPLICATION_ARN`): SQL-endpoint logins with an external JWT (`token_type=EXT_JWT`) are verified against
   * its trusted token issuers and audiences, and the user must be assigned to it. Default: the first
   * application with a jwt-bearer grant.
   */
  identityCenterApplicationArn?: string;
  /** A Postgres-wire SQL endpoint (TLS) serving this target, as drivers connect to Redshift. Default none. */
  sqlEndpoint?: RedshiftSqlEndpointConfig;
  /** Databases of the target. */
  databases: {
    /** Database name, e.g. `dev`. */
    name: string;
    /** Tables (name `schema.table`) with their rows. */
    tables: TableConfig[];
    /** GRANTs and row-level security. */
    grants: RedshiftGrantConfig[];
  }[];
}

/** The SQL endpoint of a Redshift target: a TLS Postgres-wire listener on loopback. */
export interface RedshiftSqlEndpointConfig {
  /** Port on 127.0.0.1. Default `0` (any free port; see `RunningEmulator.redshiftSql`). */
  port?: number;
  /** Name of the administrator, who logs in with a password (for setup). Default `admin`. */
  adminUser?: string;
  /** The administrator's password. Default none: password logins are refused. */
  adminPassword?: string;
  /** Most open connections; more are refused with SQLSTATE 53300. Default 100. */
  maxConnections?: number;
}

/** Redshift section. */
export interface RedshiftConfig {
  /** Serverless workgroups and provisioned clusters. */
  targets: RedshiftTargetConfig[];
  /** Whether identity-enhanced sessions may call redshift-data and GetIdentityCenterAuthToken. Default true. */
  allowIdentityEnhanced?: boolean;
  /** Lifetime of GetIdentityCenterAuthToken tokens, seconds. Default 900. */
  authTokenLifetimeSeconds?: number;
  /** Rows per GetStatementResult(V2) page (max). Default 1000. */
  maxPageSize?: number;
  /** Time a Data API statement stays SUBMITTED, then PICKED, then STARTED, milliseconds. Default 0, 0, 0. */
  submittedMs?: number;
  /** Time a statement stays PICKED, milliseconds. Default 0. */
  pickedMs?: number;
  /** Time a statement stays STARTED, milliseconds. Default 0. */
  runningMs?: number;
}

/** An S3 bucket with objects. */
export interface BucketConfig {
  /** Bucket name. */
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
  /** Access granted. */
  permission: 'READ' | 'WRITE' | 'READWRITE';
}

/** S3 and S3 Access Grants section. */
export interface S3Config {
  /** Buckets with their objects. */
  buckets: BucketConfig[];
  /**
   * Largest body of one `PutObject` or `UploadPart`, bytes (1024..5 GiB); a larger one is answered
   * `EntityTooLarge`. Objects are kept in memory. Default 64 MiB (S3 allows 5 GiB).
   */
  maxObjectBytes?: number;
  /** The S3 Access Grants instance. Default none. */
  accessGrants?: {
    /** Account owning the instance. Default the emulator account. */
    accountId?: string;
    /** Registered locations. */
    locations: AccessGrantsLocationConfig[];
    /** Grants to users, groups or IAM principals. */
    grants: AccessGrantConfig[];
  };
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
  clients?: {
    /** OAuth client id. */
    clientId: string;
    /** Client secret; absent for a public client (PKCE). */
    clientSecret?: string;
    /** Redirect URIs for the authorization-code flow. */
    redirectUris?: string[];
  }[];
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
  /** The IAM Identity Center instance, users, issuers and applications. */
  identityCenter: IdentityCenterConfig;
  /** IAM roles with trust and permission policies. */
  roles: RoleConfig[];
  /** Long-term access keys (at least one); the first is the default of `clientConfig()`. */
  callers: CallerConfig[];
  /** Customer managed policies that AssumeRole's `PolicyArns` may name. Default none. */
  managedPolicies?: ManagedPolicyConfig[];
  /** Actions identity-enhanced sessions may call (`service:Action`, `*` wildcards). Default PROTOCOL.md §2 list. */
  identityContextAllowList?: string[];
  /** Athena workgroups, tables and grants. Default none. */
  athena?: AthenaConfig;
  /** Redshift targets, databases and grants. Default none. */
  redshift?: RedshiftConfig;
  /** S3 buckets and Access Grants. Default none. */
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
  /** Region. */
  readonly region: string;
  /** Account id (12 digits). */
  readonly accountId: string;
  /** Port of the AWS endpoint, 0 = any. */
  readonly port: number;
  /** Embedded IdP settings, or `false` when none runs. */
  readonly idp: WithDefaults<IdpConfig, 'port' | 'audience' | 'accessTokenTtlSeconds' | 'clients'> | false;
  /** The IAM Identity Center instance with every id filled. */
  readonly identityCenter: {
    /** Instance ARN. */
    readonly instanceArn: string;
    /** Identity store id. */
    readonly identityStoreId: string;
    /** Users. */
    readonly users: readonly WithDefaults<UserConfig, 'userId' | 'displayName' | 'groups'>[];
    /** Groups. */
    readonly groups: readonly WithDefaults<GroupConfig, 'groupId'>[];
    /** Trusted token issuers. */
    readonly trustedTokenIssuers: readonly WithDefaults<
      TrustedTokenIssuerConfig,
      'arn' | 'claimAttributePath' | 'identityStoreAttributePath'
    >[];
    /** Applications. */
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
  /** IAM roles. */
  readonly roles: readonly WithDefaults<RoleConfig, 'permissions' | 'maxSessionDuration' | 'tags'>[];
  /** Long-term callers. */
  readonly callers: readonly WithDefaults<CallerConfig, 'permissions'>[];
  /** Customer managed policies (validation always fills it; optional only for hand-built configs). */
  readonly managedPolicies?: readonly ManagedPolicyConfig[];
  /** Actions identity-enhanced sessions may call. */
  readonly identityContextAllowList: readonly string[];
  /** Athena section (empty when not configured). */
  readonly athena: WithDefaults<AthenaConfig, 'maxPageSize' | 'queuedMs' | 'runningMs'>;
  /** Redshift section (empty when not configured). */
  readonly redshift: WithDefaults<RedshiftConfig, 'allowIdentityEnhanced' | 'authTokenLifetimeSeconds'>;
  /** S3 section (empty when not configured). */
  readonly s3: S3Config;
  /** Allowed SigV4 clock skew, seconds. */
  readonly maxClockSkewSeconds: number;
  /** Maximum request body, bytes. */
  readonly maxBodyBytes: number;
  /** STS choices; validation always fills it (optional only for hand-built configs). */
  readonly sts?: {
    /** The error answered for an expired identity context. */
    readonly expiredContextError: 'InvalidContextAssertion' | 'ExpiredTokenException';
  };
}
