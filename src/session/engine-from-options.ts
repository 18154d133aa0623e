/**
 * The session engine built from the public options, with their defaults: the one place
 * `createTrustedIdentity` and `fromTrustedIdentity` turn options into engine settings.
 *
 * @module
 */
import { createSsoOidcClient, createStsClient } from '../aws/clients.js';
import type { AwsClientConfig } from '../aws/clients.js';
import { resolveRetry } from '../aws/retry.js';
import type { Clock } from '../cache/types.js';
import { defaultSessionName } from '../credentials/session-name.js';
import type { TrustedIdentityOptions } from './config.js';
import { type Engine, createEngine } from './engine.js';
import { createEmit } from './events.js';

/** The options the engine reads (inbound verification is not its concern). */
export type EngineOptions = Omit<TrustedIdentityOptions, 'issuers' | 'verifier' | 'verifierOptions'>;

/**
 * Creates the engine for validated `options`. Defaults: 3600 s sessions, the default session name,
 * refresh tokens on, refresh 300 000 ms before expiry, SSO OIDC and STS clients for the region.
 *
 * @param clientConfig - The frozen client settings (also used for the default SSO OIDC and STS clients).
 * @param clock - Milliseconds since the epoch.
 * @param defaultMaxUsers - Cache size when `options.cache.maxUsers` is not set.
 */
export function createEngineFromOptions(
  options: EngineOptions,
  clientConfig: AwsClientConfig,
  clock: Clock,
  defaultMaxUsers: number,
): Engine {
  return createEngine({
    region: options.region,
    applicationArn: options.applicationArn,
    accessRoleArn: options.accessRoleArn,
    applicationRoleArn: options.applicationRoleArn,
    scopes: options.scopes === undefined ? undefined : Object.freeze([...options.scopes]),
    durationSeconds: options.durationSeconds ?? 3600,
    sessionName: options.sessionName ?? defaultSessionName,
    sourceIdentity: options.sourceIdentity,
    sessionTags: options.sessionTags,
    useRefreshTokens: options.useRefreshTokens ?? true,
    clientConfig,
    ssoOidc: options.ssoOidcClient ?? createSsoOidcClient(options.region, clientConfig),
    sts: options.stsClient ?? createStsClient(options.region, clientConfig),
    clock,
    retry: resolveRetry(options.timeouts),
    maxUsers: options.cache?.maxUsers ?? defaultMaxUsers,
    refreshBeforeExpiryMs: options.cache?.refreshBeforeExpiry ?? 300_000,
    store: options.cache?.store,
    emit: createEmit(options.events, options.logger),
  });
}
