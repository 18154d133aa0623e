/**
 * The {@link ServiceContext}: everything a service handle (Athena, Redshift, S3 Access Grants) needs to
 * call AWS as one end user — the identity-enhanced credentials, region, pass-through client settings, the
 * user's identity facts (for cache keys), events, retry settings and a memo factory.
 *
 * Client cost for many users: each handle creates its SDK client lazily, once per user session, with the
 * session's credential provider. SDK clients are cheap objects (a middleware stack and resolved config);
 * what is expensive is the connection pool, so pass one shared `requestHandler` in `clientConfig` and
 * every user's clients reuse the same sockets. `createTrustedIdentity` does this for you.
 *
 * @module
 */
import type { AwsCredentialIdentityProvider } from '@aws-sdk/types';
import type { AwsClientConfig } from '../aws/clients.js';
import { resolveRetry } from '../aws/retry.js';
import type { ResolvedRetry, RetryOptions } from '../aws/retry.js';
import { createMemo } from '../cache/memo.js';
import type { Clock, Memo, MemoOptions } from '../cache/types.js';
import { optionError } from '../errors.js';
import type { DebugLogger } from '../logger.js';

/** Non-secret facts about the end user, used for cache keys and events. */
export interface ServiceIdentity {
  /** The IAM Identity Center user id (`DIRECTORY_USER` grantee id). */
  readonly idcUserId?: string;
  /** The identity store id. */
  readonly identityStoreId?: string;
  /** The external issuer. */
  readonly issuer?: string;
  /** The external subject. */
  readonly subject?: string;
}

/** What the service handles report. Never carries credentials, tokens or SQL parameter values. */
export type ServiceEvent =
  | {
      /** A statement started, finished, failed, or was cancelled by tip-sdk (abort or deadline). */
      readonly type: 'query-started' | 'query-finished' | 'query-failed' | 'query-cancelled';
      /** Which service ran it. */
      readonly service: 'athena' | 'redshift-data';
      /** The query execution or statement id. */
      readonly queryId: string;
      /**
       * For `query-failed`: the code the query rejects with, `ERR_ACCESS_DENIED` when the service refused
       * it for lack of permission, else `ERR_QUERY_FAILED`.
       */
      readonly code?: 'ERR_ACCESS_DENIED' | 'ERR_QUERY_FAILED';
    }
  | {
      /** An S3 Access Grants lookup. */
      readonly type: 'data-access';
      /** `hit` from cache, `miss` = a GetDataAccess call, `denied-cached` = a cached denial. */
      readonly outcome: 'hit' | 'miss' | 'denied-cached';
      /** The S3 URI asked for (a bucket and key, no secret). */
      readonly target: string;
      /** `READ`, `WRITE` or `READWRITE`. */
      readonly permission: string;
    };

/** A logger with a debug level, called pino-style as `debug(fields, message)`; silent by default. */
export type ServiceLogger = DebugLogger;

/** Creates a memo for a named cache (`s3-grants`, `redshift-token`, …). */
export type MemoFactory = <V>(name: string, options: MemoOptions<V>) => Memo<V>;

/** Options of {@link createServiceContext}. */
export interface ServiceContextInit {
  /** Identity-enhanced credentials of the user (e.g. `UserSession.credentials`). Required. */
  readonly credentials: AwsCredentialIdentityProvider;
  /** The AWS region. Required. */
  readonly region: string;
  /**
   * Settings for every SDK client (endpoint, requestHandler, …). A `credentials` member here is ignored:
   * the user's credentials always win. Default `{}`.
   */
  readonly clientConfig?: AwsClientConfig;
  /** Facts about the user, for cache keys and events. Default `{}`. */
  readonly identity?: ServiceIdentity;
  /** Debug logger. Default silent. */
  readonly logger?: ServiceLogger;
  /** Receives service events synchronously; must not throw. Default none. */
  readonly onEvent?: (event: ServiceEvent) => void;
  /** Retry and per-call deadline for each AWS call. Default see `DEFAULT_RETRY`. */
  readonly retry?: RetryOptions;
  /**
   * Memo factory. It may return memos shared across users (keys name the user), so it needs `identity`
   * with `idcUserId` or `subject`. Default: a new in-process `createMemo` per cache.
   */
  readonly memo?: MemoFactory;
  /** Clock in epoch ms. Default `Date.now`. */
  readonly clock?: Clock;
  /** Default AbortSignal for every call that passes none. Default none. */
  readonly signal?: AbortSignal;
}

/** The resolved, frozen context the service handles are built from. */
export interface ServiceContext {
  /** The user's identity-enhanced credentials. */
  readonly credentials: AwsCredentialIdentityProvider;
  /** The AWS region. */
  readonly region: string;
  /** Pass-through client settings without `credentials`. */
  readonly clientConfig: Readonly<Record<string, unknown>>;
  /** Non-secret facts about the user (cache keys, events). */
  readonly identity: ServiceIdentity;
  /** Debug logger (silent by default). */
  readonly logger: ServiceLogger;
  /** Reports an event; a listener's exception is swallowed. */
  readonly emit: (event: ServiceEvent) => void;
  /** Retry and per-call deadline settings. */
  readonly retry: ResolvedRetry;
  /** Creates the memo of a named cache. */
  readonly memo: MemoFactory;
  /** Clock in epoch milliseconds. */
  readonly clock: Clock;
  /** Default AbortSignal for calls that pass none. */
  readonly signal: AbortSignal | undefined;
}

const SILENT: ServiceLogger = Object.freeze({ debug: () => undefined });

/**
 * Validates and freezes a {@link ServiceContext}.
 *
 * @throws TypeError for a missing or malformed option.
 */
export function createServiceContext(init: ServiceContextInit): ServiceContext {
  if (typeof init !== 'object' || init === null) throw optionError('services', 'must be an object');
  if (typeof init.credentials !== 'function')
    throw optionError('credentials', 'must be an AwsCredentialIdentityProvider function');
  if (typeof init.region !== 'string' || !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(init.region))
    throw optionError('region', 'must be an AWS region such as `us-east-1`');
  if (init.memo !== undefined && typeof init.memo !== 'function')
    throw optionError('memo', 'must be a function returning a Memo');
  // A custom factory may share one store across users: its keys must name the user, or users share grants.
  if (
    init.memo !== undefined &&
    init.identity?.idcUserId === undefined &&
    init.identity?.subject === undefined
  )
    throw optionError(
      'identity',
      'needs `idcUserId` or `subject` with a custom `memo`, so cache keys name the user',
    );
  const { credentials: _ignored, ...clientConfig } = init.clientConfig ?? {};
  const onEvent = init.onEvent;
  return Object.freeze({
    credentials: init.credentials,
    region: init.region,
    clientConfig: Object.freeze(clientConfig),
    identity: Object.freeze({ ...(init.identity ?? {}) }),
    logger: init.logger ?? SILENT,
    emit:
      onEvent === undefined
        ? () => undefined
        : (event: ServiceEvent) => {
            try {
              onEvent(event);
            } catch {
              // A listener's failure must not break the call it observes.
            }
          },
    retry: resolveRetry(init.retry),
    memo: init.memo ?? (<V>(_name: string, options: MemoOptions<V>) => createMemo<V>(options)),
    clock: init.clock ?? Date.now,
    signal: init.signal,
  });
}

/**
 * Who the cache keys of `identity` belong to: the IdC user id, else issuer and subject together (one
 * subject may exist at two issuers). `undefined` when the identity names no user.
 */
export function cacheUser(identity: ServiceIdentity): string | undefined {
  if (identity.idcUserId !== undefined) return identity.idcUserId;
  if (identity.subject === undefined) return undefined;
  return `${identity.issuer ?? ''}\u0000${identity.subject}`;
}

/**
 * `value` itself when it is already a context from {@link createServiceContext}, else a new context built
 * from it (so a handle accepts either).
 *
 * @throws TypeError for a missing or malformed option.
 */
export function toServiceContext(value: ServiceContext | ServiceContextInit): ServiceContext {
  const isContext = typeof (value as ServiceContext)?.emit === 'function' && Object.isFrozen(value);
  return isContext ? (value as ServiceContext) : createServiceContext(value);
}

/**
 * The settings for a new SDK client of this context: pass-through config, region, the user's
 * credentials, and `maxAttempts: 1` (tip-sdk's own retry loop runs around each call).
 */
export function sdkClientConfig(ctx: ServiceContext): Record<string, unknown> {
  return { ...ctx.clientConfig, region: ctx.region, credentials: ctx.credentials, maxAttempts: 1 };
}
