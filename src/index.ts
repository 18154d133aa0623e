/**
 * tip-sdk — AWS trusted identity propagation for Node services and BI connectors.
 *
 * @packageDocumentation
 */
export { TIP_ERROR_CATEGORIES, TIP_ERROR_CODES, TipError, errorCategory, isTipError } from './errors.js';
export type {
  TipErrorCategory,
  TipErrorCode,
  TipErrorDetails,
  TipErrorOptions,
  TipOptionError,
} from './errors.js';
export { createJwtVerifier } from './jwt/verifier.js';
export { allowInsecureRequests } from './jwt/insecure.js';
export type {
  FetchLike,
  IssuerOptions,
  JSONObject,
  JSONValue,
  JwksCacheOptions,
  JwksCacheSnapshot,
  JwksDocument,
  JwtAlgorithm,
  JwtCheck,
  JwtHeader,
  JwtVerifier,
  JwtVerifierLogger,
  JwtVerifierOptions,
  PublicJwk,
  VerifiedJwt,
  VerifyOptions,
} from './jwt/types.js';
export { createTrustedIdentity } from './tip.js';
export type {
  ForTokenOptions,
  ForgetUser,
  TrustedIdentity,
  UserClientConfig,
  UserIdentity,
  UserSession,
} from './tip.js';
export type {
  TrustedIdentityCacheOptions,
  TrustedIdentityOptions,
  TrustedIdentityTimeouts,
} from './session/config.js';
export type {
  CacheStoreEvent,
  ExchangeGrant,
  TipEvent,
  TipEventSink,
  TipEventType,
  TipLogger,
} from './session/events.js';
export type { DebugLogger } from './logger.js';
export { fromTrustedIdentity } from './credentials/from-trusted-identity.js';
export type { FromTrustedIdentityInit } from './credentials/from-trusted-identity.js';
export { defaultSessionName, sanitizeSessionName } from './credentials/session-name.js';
export type { SessionNameInput } from './credentials/session-name.js';
export type { RoleCredentials, SessionTag } from './credentials/types.js';
export { createTokenWithIam } from './identity-center/exchange.js';
export type { IdcExchangeContext, IdcExchangeOptions } from './identity-center/exchange.js';
export type {
  AuthorizationCodeGrant,
  IdcGrant,
  IdcIdentity,
  IdcTokenSet,
  JwtBearerGrant,
  RefreshTokenGrant,
  TokenExchangeGrant,
} from './identity-center/types.js';
export { createMemo } from './cache/memo.js';
export { createMemoryCacheStore } from './cache/memory-store.js';
export type { MemoryCacheStoreOptions } from './cache/memory-store.js';
export { createMemoryCacheLock } from './cache/memory-lock.js';
export type { SharedCacheStore } from './session/shared-store.js';
export type {
  ClaimOptions,
  ExchangeLedger,
  ExchangeLedgerInit,
  LedgerClaim,
} from './identity-center/exchange-ledger.js';
export type {
  CacheCodec,
  CacheLock,
  CacheLockLease,
  CacheStore,
  Clock,
  Expiring,
  KeyBinding,
  LoadContext,
  LoadReason,
  Loader,
  HandleMemo,
  Memo,
  MemoEvent,
  MemoHandle,
  MemoGetOptions,
  MemoOptions,
} from './cache/types.js';
export type { AwsClientConfig } from './aws/clients.js';
export type { RetryOptions } from './aws/retry.js';
export type { ServiceEvent, ServiceIdentity } from './services/context.js';
export type { SessionAthena, SessionRedshift, SessionS3 } from './services/session-services.js';
