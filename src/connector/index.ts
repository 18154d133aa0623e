/**
 * `tip-sdk/connector`: for BI connectors and desktop tools acting for one user — browser sign-in at the
 * external IdP (authorization code + PKCE on a loopback redirect) or at IAM Identity Center itself, an
 * encrypted token cache shared by the user's processes, silent refresh-token-first renewal, and the AWS
 * `credential_process` output.
 *
 * @packageDocumentation
 */
export { createConnector } from './connector.js';
export type {
  Connector,
  ConnectorCallOptions,
  ConnectorCredentials,
  ConnectorOptions,
  ConnectorStatus,
  ConnectorToken,
} from './connector-types.js';
export type { ConnectorRedshiftTarget } from './redshift-token.js';
export { credentialProcessOutput } from './credential-process.js';
export { formatDoctor, runDoctor } from './doctor.js';
export type { DoctorAdmin, DoctorCheck, DoctorOptions } from './doctor.js';
export type { CredentialProcessOutput } from './credential-process.js';
export { PROFILE_SETTINGS, resolveProfile } from './profile.js';
export type { ConnectorProfile, ResolvedProfile, SettingKind, SettingSpec, SignInFlow } from './profile.js';
export { defaultProfileFile, loadProfile, readProfileFile } from './profile-file.js';
export { createTokenCache, defaultCacheDir } from './token-cache/file-cache.js';
export type { CacheRead, TokenCache, TokenCacheOptions } from './token-cache/file-cache.js';
export { defaultKeySource, fileKeySource, keychainKeySource } from './token-cache/key-source.js';
export type { CacheKeySource, Keychain } from './token-cache/key-source.js';
export type { FileLockOptions } from './token-cache/lock.js';
export type { CacheKey } from './token-cache/envelope.js';
export type {
  CachedClient,
  CachedIdcTokens,
  CachedIdpTokens,
  CachedRedshiftToken,
  CachedRoleCredentials,
  CachedStoreEntry,
  CachedUser,
  CacheRecord,
} from './token-cache/record.js';
export { openSystemBrowser } from './open-browser.js';
export type { BrowserOpener } from './open-browser.js';
export type { CacheRejection, ConnectorEvent, ConnectorEventSink } from './events.js';
