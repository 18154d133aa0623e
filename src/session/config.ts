/**
 * Options of `createTrustedIdentity`, validated at construction (a `TypeError` names the bad option) and
 * frozen.
 *
 * @module
 */
import type { SSOOIDCClient } from '@aws-sdk/client-sso-oidc';
import type { STSClient } from '@aws-sdk/client-sts';
import type { AwsClientConfig } from '../aws/clients.js';
import type { RetryOptions } from '../aws/retry.js';
import type { CacheStore, Clock } from '../cache/types.js';
import type { SessionNameInput } from '../credentials/session-name.js';
import type { SessionTag } from '../credentials/types.js';
import { optionError } from '../errors.js';
import type { IssuerOptions, JwtVerifier, JwtVerifierOptions } from '../jwt/types.js';
import type { ServiceEvent, ServiceIdentity } from '../services/context.js';
import type { TipEventSink, TipLogger } from './events.js';

/** Cache settings. */
export interface TrustedIdentityCacheOptions {
  /** Most users whose credentials are kept in process (LRU). Default `10_000`. */
  readonly maxUsers?: number;
  /**
   * Refresh at most this many milliseconds before expiry; the window is the smaller of this and 10 % of
   * the lifetime. Default `300_000` (5 min).
   */
  readonly refreshBeforeExpiry?: number;
  /** A shared store (e.g. Redis) behind the in-process cache. Default none. */
  readonly store?: CacheStore;
}

/** Deadlines and retries of AWS calls. */
export interface TrustedIdentityTimeouts extends RetryOptions {}

/** Options of `createTrustedIdentity`. */
export interface TrustedIdentityOptions {
  /** The AWS region of IAM Identity Center and STS, e.g. `us-east-1`. Required. */
  readonly region: string;
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
  /** Cache settings. */
  readonly cache?: TrustedIdentityCacheOptions;
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

const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
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

/** Validates `options`; throws a `TypeError` naming the first bad option. */
export function validateOptions(options: TrustedIdentityOptions): void {
  if (typeof options !== 'object' || options === null) throw optionError('(options)', 'must be an object');
  if (typeof options.region !== 'string' || !REGION.test(options.region)) {
    throw optionError('region', 'must be an AWS region such as `us-east-1`');
  }
  if ((options.issuers === undefined) === (options.verifier === undefined)) {
    throw optionError('issuers', 'or `verifier` must be given (exactly one of them)');
  }
  if (options.issuers !== undefined && (!Array.isArray(options.issuers) || options.issuers.length === 0)) {
    throw optionError('issuers', 'must be a non-empty array');
  }
  if (options.verifier !== undefined && typeof options.verifier.verify !== 'function') {
    throw optionError('verifier', 'must have a verify(token) method');
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
  fn('sessionName', options.sessionName);
  fn('sourceIdentity', options.sourceIdentity);
  fn('sessionTags', options.sessionTags);
  fn('clock', options.clock);
  fn('serviceEvents', options.serviceEvents);
  if (options.useRefreshTokens !== undefined && typeof options.useRefreshTokens !== 'boolean') {
    throw optionError('useRefreshTokens', 'must be a boolean');
  }
  const cache = options.cache;
  if (cache !== undefined) {
    int('cache.maxUsers', cache.maxUsers, 1, 10_000_000);
    int('cache.refreshBeforeExpiry', cache.refreshBeforeExpiry, 0, 3_600_000);
    const store = cache.store as unknown as Record<string, unknown> | undefined;
    if (store !== undefined && ['get', 'set', 'delete'].some((m) => typeof store[m] !== 'function')) {
      throw optionError('cache.store', 'must have get, set and delete methods');
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
}
