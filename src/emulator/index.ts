/**
 * The tip-sdk AWS emulator (`tip-sdk/emulator`): a loopback endpoint speaking the real AWS protocols to
 * the unmodified AWS SDK v3 clients (STS, SSO OIDC, Athena, Redshift, S3, S3 Control), and an embedded
 * OIDC identity provider.
 *
 * @packageDocumentation
 */
export { startEmulator } from './start.js';
export type { RunningEmulator, StartEmulatorOptions } from './start.js';
export { DEFAULT_SERVICES } from './assemble.js';
export { reuseClosedSqlDatabases } from './sql/idle-databases.js';
export { ssoOidcService } from './identity-center/service.js';
export { TOKEN_STORE_DEFAULTS } from './identity-center/tokens.js';
export type { TokenStoreOptions } from './identity-center/tokens.js';
export type { AssembleOptions } from './assemble.js';
export { validateEmulatorConfig, loadEmulatorConfig } from './config/validate.js';
export { defaultIdentityContextAllowList } from './config/allow-list.js';
export type {
  AccessGrantConfig,
  AccessGrantsLocationConfig,
  ApplicationConfig,
  AthenaConfig,
  AthenaGrantConfig,
  AthenaWorkGroupConfig,
  BucketConfig,
  CallerConfig,
  EmulatorConfig,
  EmulatorConfigInput,
  GroupConfig,
  IdentityCenterConfig,
  IdpConfig,
  ManagedPolicyConfig,
  PolicyStatementConfig,
  RedshiftConfig,
  RedshiftGrantConfig,
  RedshiftSqlEndpointConfig,
  RedshiftTargetConfig,
  RoleConfig,
  S3Config,
  StsConfig,
  TableConfig,
  TrustedTokenIssuerConfig,
  UserConfig,
} from './config/types.js';
export type { ClientConfigOptions, ClientService, EmulatorClientConfig } from './core/client-config.js';
export type { RedshiftSqlEndpoint, RedshiftSqlEndpoints } from './redshift/wire/listener.js';
export type {
  EmulatorTrustedIdentityOptions,
  TrustedIdentityOptionsRequest,
} from './core/trusted-identity-options.js';
export type { TestTokenOptions } from './idp/mint-token.js';
export type { Counters, CounterSnapshot } from './core/counters.js';
export type { AuditEntry, AuditLog } from './core/audit-log.js';
export type { FaultSpec, Faults } from './core/faults.js';
export type { EmulatorClock } from './core/clock.js';
export type {
  AccessGrantScope,
  AuthorizationDecision,
  Caller,
  CredentialRegistry,
  EmulatorRuntime,
  IamRequest,
  IdentityContextClaims,
  JsonMemberType,
  IssuedCredentials,
  ServiceFactory,
  OperationContext,
  OperationHandler,
  RawReply,
  RawRequest,
  ServiceModule,
  ServiceName,
  WireProtocol,
} from './core/types.js';
export { AwsServiceError } from './core/types.js';
export { startIdp } from './idp/index.js';
export type {
  EmbeddedIdp,
  IdpClientOptions,
  IdpOptions,
  IdpRequestCounts,
  IdpSignOptions,
  IdpTokenRequest,
  IdpUser,
} from './idp/index.js';
