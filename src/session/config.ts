/**
 * Options of `createTrustedIdentity`, validated at construction (a `TypeError` with code
 * `ERR_INVALID_OPTION` names the bad option, unknown keys included) and frozen.
 *
 * @module
 */
import type { SSOOIDCClient } from '@aws-sdk/client-sso-oidc';
import type { STSClient } from '@aws-sdk/client-sts';
import type { AwsClientConfig } from '../aws/clients.js';
import { resolveRegion } from '../aws/region.js';
import type { RetryOptions } from '../aws/retry.js';
import type { CacheStore, Clock } from '../cache/types.js';
import type { SessionNameInput } from '../credentials/session-name.js';
import type { SessionTag } from '../credentials/types.js';
import { optionError } from '../errors.js';
import { JWKS_CACHE_KEYS, VERIFIER_OPTION_KEYS } from '../jwt/option-keys.js';
import type { IssuerOptions, JwtVerifier, JwtVerifierOptions } from '../jwt/types.js';
import { type OptionShape, optionKeys, rejectUnknownOptions } from '../option-keys.js';
import { RETRY_OPTION_KEYS } from '../services/option-keys.js';
import type { ServiceEvent, ServiceIdentity } from '../services/context.js';
import type { TipEventSink, TipLogger } from './events.js';
import type { SharedCacheStore } from './shared-store.js';

/** Cache settings. */
export interface TrustedIdentityCacheOptions {
  /**
   * Most users whose credentials are kept in process (LRU). Default `100_000`: about 4.5 KiB each with
   * AWS-sized secrets, so up to ≈ 450 MiB when that many users are active within a credential lifetime.
   */
  readonly maxUsers?: number;
  /**
   * Refresh at most this many milliseconds before expiry; the window is the smaller of this and 10 % of
   * the lifetime. Default `300_000` (5 min).
   */
  readonly refreshBeforeExpiry?: number;
  /**
   * A store shared by every replica, behind the in-process cache: `redisCacheStore()` from `tip-sdk/redis`
   * (a {@link SharedCacheStore}: values, a lock so that replicas missing the same user make one exchange,
   * and a shared exchange ledger), or any {@link CacheStore}. Values read from it are used only for the
   * key whose identity they embed. Default none (each process caches on its own).
   */
  readonly store?: CacheStore | SharedCacheStore;
  /**
   * The longest wait for one call to `store` (a read, a write, a lock call), in milliseconds: a call not
   * answered by then counts as failed (event `cache.store`) and the request goes on without the store.
   * From 1 to 60 000. Default `1_000`. The Redis store also bounds each Redis command
   * (`commandTimeoutMs`, 500 ms by default).
   */
  readonly storeTimeoutMs?: number;
  /**
   * With a store that has a lock: the lease taken while one replica loads a user, in milliseconds,
   * renewed every third of it while the load runs. A replica that dies mid-load frees the user within it.
   * From 100 to 60 000. Default `5_000`.
   */
  readonly lockLeaseMs?: number;
  /**
   * With a store that has a lock: the longest a replica waits for another replica's load of the same user
   * (reading the store meanwhile) before loading on its own, in milliseconds. From 0 to 600 000. Default
   * twice `timeouts.timeoutMs` plus `lockLeaseMs` (25 000 with the defaults).
   */
  readonly lockWaitMs?: number;
  /**
   * How long a lasting IAM Identity Center refusal is remembered, in milliseconds: an unassigned user
   * (`ERR_IDC_ACCESS_DENIED`, for any of their tokens) or a token IdC refused (`ERR_IDC_INVALID_GRANT`,
   * for that token) is refused again without a `CreateTokenWithIAM` call meanwhile (event
   * `cache.refusal`). Throttling, 5xx, timeouts and aborts are never remembered. `0` turns it off; at most
   * `600_000`. Default `10_000` (10 s): an assignment fixed by an administrator takes effect within it.
   */
  readonly refusalTtl?: number;
  /**
   * Most exchanged JWTs remembered (a JWT is never sent to IdC twice). Each entry lives until the JWT's
   * `exp` and keeps its user's IdC tokens, so a user the LRU evicted is served again with the same JWT
   * instead of being refused with `ERR_IDC_TOKEN_REUSED`. About 0.2 KB per JWT, plus the IdC token set
   * (about 2–3 KB) of each evicted user whose JWT is still live. Size it to the JWTs exchanged within
   * one token lifetime (≈ the users who sign in per hour). Default `max(100_000, maxUsers)`.
   */
  readonly maxExchangedJwts?: number;
}

/** Deadlines and retries of AWS calls. */
export interface TrustedIdentityTimeouts extends RetryOptions {}

/** Options of `createTrustedIdentity`. */
export interface TrustedIdentityOptions {
  /**
   * The AWS region of IAM Identity Center and STS, e.g. `us-east-1`. Default: `AWS_REGION`, else
   * `AWS_DEFAULT_REGION` from the environment (read once, at construction); one of them is required.
   */
  readonly region?: string;
  /** Trusted issuers for inbound JWTs (passed to `createJwtVerifier`). Exactly one of `issuers`/`verifier`. */
  readonly issuers?: readonly IssuerOptions[];
  /** Further verifier options used with `issuers` (fetch, JWKS cache tuning…). */
  readonly verifierOptions?: Omit<JwtVerifierOptions, 'issuers'>;
  /** A verifier you built. Exactly one of `issuers`/`verifier`. */
  readonly verifier?: Pick<JwtVerifier, 'verify'>;
  /** The IdC customer-managed application ARN (`clientId` of `CreateTokenWithIAM`). Required. */
  readonly applicationArn: string;
  /** The identity-bearer role assumed with the identity context. Required. */
  readonly accessRoleArn: string;
  /**
   * When set, `CreateTokenWithIAM` is signed with credentials from
   * `AssumeRoleWithWebIdentity(applicationRoleArn, JWT)` instead of the service's own. Default unset.
   */
  readonly applicationRoleArn?: string;
  /** Scopes to request from IdC. Default: every scope of the application. */
  readonly scopes?: readonly string[];
  /** Role session duration, 900–3600 seconds. Default `3600`. */
  readonly durationSeconds?: number;
  /** Role session name from the identity; sanitized to `[\w+=,.@-]{2,64}`. Default `tip-<IdC user id>`. */
  readonly sessionName?: (identity: SessionNameInput) => string;
  /** `SourceIdentity` for AssumeRole. Default none. */
  readonly sourceIdentity?: (identity: SessionNameInput) => string | undefined;
  /** Session tags for AssumeRole. Default none. */
  readonly sessionTags?: (identity: SessionNameInput) => readonly SessionTag[];
  /** Use IdC refresh tokens before re-exchanging a JWT. Default `true`. */
  readonly useRefreshTokens?: boolean;
  /**
   * When a session's credential provider (`user.credentials`, and the `fromTrustedIdentity` provider)
   * stops:
   * - `'jwt'` (default): at the JWT's `exp`, with `ERR_JWT_EXPIRED`; a caller then needs a new token.
   * - `'refresh-token'`: it keeps minting credentials from IAM Identity Center refresh tokens for as long
   *   as IdC accepts them (hours, per the application's refresh token lifetime). For long-running jobs
   *   started by a user. **Risk**: the session keeps acting as the user after their sign-in ended, and a
   *   sign-out or a revocation at your identity provider is not seen until IdC refuses the refresh token.
   */
  readonly sessionExpiry?: 'jwt' | 'refresh-token';
  /** Cache settings. */
  readonly cache?: TrustedIdentityCacheOptions;
  /**
   * Most users whose credentials are loaded at once (a `CreateTokenWithIAM` exchange and an `AssumeRole`
   * each, retries included); the others wait their turn, in arrival order, so a burst of new users takes
   * turns instead of queueing for the SDK's sockets. Integer 1–1024. Default `32`, below the 50 sockets
   * an SDK client opens by default; above 50, give the clients a `requestHandler` with more sockets.
   */
  readonly maxConcurrentExchanges?: number;
  /** A pino/console-shaped logger. Default silent. */
  readonly logger?: TipLogger;
  /** Event sink. Default none. */
  readonly events?: TipEventSink;
  /** Events of the session's Athena, Redshift and S3 handles, with the user they concern. Default none. */
  readonly serviceEvents?: (event: ServiceEvent, identity: ServiceIdentity) => void;
  /** Passed to every SDK client created here and returned by `clientConfig()` (without `credentials`). */
  readonly clientConfig?: AwsClientConfig;
  /** AWS call deadline and retries. Defaults: 10 s deadline, 4 attempts, 100 ms base, 2 s cap. */
  readonly timeouts?: TrustedIdentityTimeouts;
  /** An sso-oidc client to use instead of creating one. */
  readonly ssoOidcClient?: Pick<SSOOIDCClient, 'send'>;
  /** An STS client to use instead of creating one. */
  readonly stsClient?: Pick<STSClient, 'send'>;
  /** The clock, epoch milliseconds. Default `Date.now`. */
  readonly clock?: Clock;
}

/** The options once validated: the region resolved. */
export type ValidatedOptions<O extends TrustedIdentityOptions = TrustedIdentityOptions> = O & {
  readonly region: string;
};

const CACHE_KEYS = optionKeys<TrustedIdentityCacheOptions>({
  maxUsers: true,
  refreshBeforeExpiry: true,
  store: true,
  refusalTtl: true,
  maxExchangedJwts: true,
  storeTimeoutMs: true,
  lockLeaseMs: true,
  lockWaitMs: true,
});

/** `timeouts` holds exactly the retry options (`TrustedIdentityTimeouts` adds none). */
const TIMEOUT_KEYS = RETRY_OPTION_KEYS;

/** The keys of {@link TrustedIdentityOptions}. */
export const TRUSTED_IDENTITY_KEYS = optionKeys<TrustedIdentityOptions>({
  region: true,
  issuers: true,
  verifierOptions: true,
  verifier: true,
  applicationArn: true,
  accessRoleArn: true,
  applicationRoleArn: true,
  scopes: true,
  durationSeconds: true,
  sessionName: true,
  sourceIdentity: true,
  sessionTags: true,
  useRefreshTokens: true,
  sessionExpiry: true,
  cache: true,
  logger: true,
  events: true,
  serviceEvents: true,
  clientConfig: true,
  timeouts: true,
  ssoOidcClient: true,
  stsClient: true,
  clock: true,
  maxConcurrentExchanges: true,
});

/** Nested option objects, so a key given at the top level is pointed to where it belongs. */
const NESTED = { cache: CACHE_KEYS, timeouts: TIMEOUT_KEYS, verifierOptions: VERIFIER_OPTION_KEYS };

/** The shape of the top-level options of `owner` (whose keys are `keys`). */
export function trustedIdentityShape(owner: string, keys: ReadonlySet<string>): OptionShape {
  return { owner, keys, nested: NESTED };
}

const APPLICATION_ARN =
  /^arn:aws[a-z-]*:sso::\d{12}:application\/(sso)?ins-[A-Za-z0-9.-]{16}\/apl-[A-Za-z0-9]{16}$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;

function fn(path: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'function') throw optionError(path, 'must be a function');
}

function int(path: string, value: unknown, min: number, max: number): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw optionError(path, `must be an integer from ${min} to ${max}`);
  }
}

/**
 * Validates `options` and resolves the region (see `resolveRegion`); throws a `TypeError` (code
 * `ERR_INVALID_OPTION`) naming the first bad option. Unknown keys are refused, at the top level against
 * `shape` (default: those of `createTrustedIdentity`) and in `cache`, `timeouts` and `verifierOptions`.
 */
export function validateOptions<O extends TrustedIdentityOptions>(
  options: O,
  shape: OptionShape = trustedIdentityShape('createTrustedIdentity', TRUSTED_IDENTITY_KEYS),
): ValidatedOptions<O> {
  if (typeof options !== 'object' || options === null) throw optionError('(options)', 'must be an object');
  rejectUnknownOptions(options, shape);
  const region = resolveRegion(options.region);
  if ((options.issuers === undefined) === (options.verifier === undefined)) {
    throw optionError('issuers', 'or `verifier` must be given (exactly one of them)');
  }
  if (options.issuers !== undefined && (!Array.isArray(options.issuers) || options.issuers.length === 0)) {
    throw optionError('issuers', 'must be a non-empty array');
  }
  if (options.verifier !== undefined && typeof options.verifier.verify !== 'function') {
    throw optionError('verifier', 'must have a verify(token) method');
  }
  const verifierOptions = options.verifierOptions as unknown;
  if (verifierOptions !== undefined) {
    if (typeof verifierOptions !== 'object' || verifierOptions === null) {
      throw optionError('verifierOptions', 'must be an object');
    }
    if (options.verifier !== undefined) {
      throw optionError(
        'verifierOptions',
        'configures the verifier built from `issuers`; drop it with `verifier`',
      );
    }
    const owned = { owner: shape.owner, keys: VERIFIER_OPTION_KEYS };
    rejectUnknownOptions(verifierOptions, owned, 'verifierOptions');
    const jwksCache = (verifierOptions as { jwksCache?: unknown }).jwksCache;
    if (typeof jwksCache === 'object' && jwksCache !== null) {
      rejectUnknownOptions(
        jwksCache,
        { owner: shape.owner, keys: JWKS_CACHE_KEYS },
        'verifierOptions.jwksCache',
      );
    }
  }
  if (typeof options.applicationArn !== 'string' || !APPLICATION_ARN.test(options.applicationArn)) {
    throw optionError(
      'applicationArn',
      'must be an IdC application ARN `arn:aws:sso::<account>:application/ssoins-<16>/apl-<16>`',
    );
  }
  for (const name of ['accessRoleArn', 'applicationRoleArn'] as const) {
    const value = options[name];
    if (name === 'applicationRoleArn' && value === undefined) continue;
    if (typeof value !== 'string' || !ROLE_ARN.test(value)) {
      throw optionError(name, 'must be an IAM role ARN `arn:aws:iam::<account>:role/<name>`');
    }
  }
  if (options.applicationRoleArn !== undefined && options.ssoOidcClient !== undefined) {
    throw optionError(
      'ssoOidcClient',
      'cannot be combined with `applicationRoleArn` (the bootstrap signs its own)',
    );
  }
  if (options.scopes !== undefined) {
    if (
      !Array.isArray(options.scopes) ||
      options.scopes.some((s) => typeof s !== 'string' || s.length === 0)
    ) {
      throw optionError('scopes', 'must be an array of non-empty strings');
    }
  }
  int('durationSeconds', options.durationSeconds, 900, 3600);
  int('maxConcurrentExchanges', options.maxConcurrentExchanges, 1, 1024);
  fn('sessionName', options.sessionName);
  fn('sourceIdentity', options.sourceIdentity);
  fn('sessionTags', options.sessionTags);
  fn('clock', options.clock);
  fn('serviceEvents', options.serviceEvents);
  if (options.useRefreshTokens !== undefined && typeof options.useRefreshTokens !== 'boolean') {
    throw optionError('useRefreshTokens', 'must be a boolean');
  }
  if (
    options.sessionExpiry !== undefined &&
    options.sessionExpiry !== 'jwt' &&
    options.sessionExpiry !== 'refresh-token'
  ) {
    throw optionError('sessionExpiry', "must be 'jwt' or 'refresh-token'");
  }
  const cache = options.cache;
  if (cache !== undefined) {
    if (typeof cache !== 'object' || cache === null) throw optionError('cache', 'must be an object');
    rejectUnknownOptions(cache, { owner: shape.owner, keys: CACHE_KEYS }, 'cache');
    int('cache.maxUsers', cache.maxUsers, 1, 10_000_000);
    int('cache.refreshBeforeExpiry', cache.refreshBeforeExpiry, 0, 3_600_000);
    int('cache.refusalTtl', cache.refusalTtl, 0, 600_000);
    int('cache.maxExchangedJwts', cache.maxExchangedJwts, 1, 100_000_000);
    int('cache.storeTimeoutMs', cache.storeTimeoutMs, 1, 60_000);
    int('cache.lockLeaseMs', cache.lockLeaseMs, 100, 60_000);
    int('cache.lockWaitMs', cache.lockWaitMs, 0, 600_000);
    const store = cache.store as unknown as Record<string, unknown> | undefined;
    if (store !== undefined) {
      if (['get', 'set', 'delete'].some((m) => typeof store[m] !== 'function')) {
        throw optionError('cache.store', 'must have get, set and delete methods');
      }
      const lock = store.lock as Record<string, unknown> | undefined;
      if (lock !== undefined && typeof lock?.acquire !== 'function') {
        throw optionError('cache.store', 'has a `lock` without an acquire(key, leaseMs) method');
      }
      if (store.exchangeLedger !== undefined && typeof store.exchangeLedger !== 'function') {
        throw optionError('cache.store', 'has an `exchangeLedger` that is not a function');
      }
    }
  }
  const logger = options.logger as unknown as Record<string, unknown> | undefined;
  if (
    logger !== undefined &&
    ['debug', 'info', 'warn', 'error'].some((m) => typeof logger[m] !== 'function')
  ) {
    throw optionError('logger', 'must have debug, info, warn and error methods');
  }
  const events = options.events as unknown;
  if (
    events !== undefined &&
    typeof events !== 'function' &&
    typeof (events as { emit?: unknown } | null)?.emit !== 'function'
  ) {
    throw optionError('events', 'must be a function or have an emit method');
  }
  if (
    options.clientConfig !== undefined &&
    (typeof options.clientConfig !== 'object' || options.clientConfig === null)
  ) {
    throw optionError('clientConfig', 'must be an object');
  }
  const t = options.timeouts;
  if (t !== undefined) {
    if (typeof t !== 'object' || t === null) throw optionError('timeouts', 'must be an object');
    rejectUnknownOptions(t, { owner: shape.owner, keys: TIMEOUT_KEYS }, 'timeouts');
    int('timeouts.maxAttempts', t.maxAttempts, 1, 20);
    int('timeouts.baseDelayMs', t.baseDelayMs, 0, 60_000);
    int('timeouts.maxDelayMs', t.maxDelayMs, 0, 300_000);
    int('timeouts.timeoutMs', t.timeoutMs, 1, 600_000);
    fn('timeouts.random', t.random);
  }
  for (const name of ['ssoOidcClient', 'stsClient'] as const) {
    const client = options[name] as { send?: unknown } | undefined;
    if (client !== undefined && typeof client.send !== 'function')
      throw optionError(name, 'must be an AWS SDK client');
  }
  return { ...options, region };
}
