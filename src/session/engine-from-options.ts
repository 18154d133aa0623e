/**
 * The session engine built from the public options, with their defaults: the one place
 * `createTrustedIdentity` and `fromTrustedIdentity` turn options into engine settings.
 *
 * @module
 */
import { createSsoOidcClient, createStsClient, releaseClient } from '../aws/clients.js';
import type { AwsClientConfig } from '../aws/clients.js';
import { resolveRetry } from '../aws/retry.js';
import type { Clock } from '../cache/types.js';
import { defaultSessionName } from '../credentials/session-name.js';
import type { ValidatedOptions } from './config.js';
import { type Engine, createEngine } from './engine.js';
import { createEmit } from './events.js';

/** Default of `cache.refusalTtl`, milliseconds. */
const DEFAULT_REFUSAL_TTL_MS = 10_000;
/** Default floor of `cache.maxExchangedJwts`. */
const DEFAULT_MAX_EXCHANGED_JWTS = 100_000;
/** Default of `cache.lockLeaseMs`, milliseconds. */
const DEFAULT_LOCK_LEASE_MS = 5_000;

/** Default of `maxConcurrentExchanges`: below the SDK's 50 sockets per client, so none waits for one. */
export const DEFAULT_MAX_CONCURRENT_EXCHANGES = 32;

/** The validated options the engine reads (inbound verification is not its concern). */
export type EngineOptions = Omit<ValidatedOptions, 'issuers' | 'verifier' | 'verifierOptions'>;

/**
 * Creates the engine for validated `options`. Defaults: 3600 s sessions, the default session name,
 * refresh tokens on, refresh 300 000 ms before expiry, refusals remembered 10 000 ms, up to
 * max(100 000, maxUsers) exchanged JWTs remembered, 32 credential loads at once, a 5 000 ms lock lease
 * and a lock wait of twice the AWS call deadline plus the lease, SSO OIDC and STS clients for the region.
 * Its `close()` also destroys the SSO OIDC and STS clients created here (not those passed in the options).
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
  const maxUsers = options.cache?.maxUsers ?? defaultMaxUsers;
  const ssoOidc =
    options.ssoOidcClient === undefined ? createSsoOidcClient(options.region, clientConfig) : undefined;
  const sts = options.stsClient === undefined ? createStsClient(options.region, clientConfig) : undefined;
  const retry = resolveRetry(options.timeouts);
  const engine = createEngine({
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
    ssoOidc: options.ssoOidcClient ?? ssoOidc!,
    sts: options.stsClient ?? sts!,
    clock,
    retry,
    maxUsers,
    refreshBeforeExpiryMs: options.cache?.refreshBeforeExpiry ?? 300_000,
    refusalTtlMs: options.cache?.refusalTtl ?? DEFAULT_REFUSAL_TTL_MS,
    maxExchangedJwts: options.cache?.maxExchangedJwts ?? Math.max(DEFAULT_MAX_EXCHANGED_JWTS, maxUsers),
    maxConcurrentExchanges: options.maxConcurrentExchanges ?? DEFAULT_MAX_CONCURRENT_EXCHANGES,
    store: options.cache?.store,
    storeTimeoutMs: options.cache?.storeTimeoutMs ?? 1_000,
    lockLeaseMs: options.cache?.lockLeaseMs ?? DEFAULT_LOCK_LEASE_MS,
    // Long enough for a holder's exchange and AssumeRole, each bounded by the AWS call deadline.
    lockWaitMs: options.cache?.lockWaitMs ?? 2 * retry.timeoutMs + DEFAULT_LOCK_LEASE_MS,
    emit: createEmit(options.events, options.logger),
  });
  return Object.freeze({
    resolve: engine.resolve,
    keyOf: engine.keyOf,
    hot: engine.hot,
    get size() {
      return engine.size;
    },
    clear: engine.clear,
    forget: engine.forget,
    close() {
      engine.close();
      releaseClient(ssoOidc, clientConfig);
      releaseClient(sts, clientConfig);
    },
  });
}
