/**
 * Events and the logger hook of the core flow. Payloads carry issuer, subject, IdC user id, role ARN,
 * durations and error codes — never tokens, assertions, identity contexts, credentials or cache keys.
 *
 * @module
 */
import type { MemoEvent } from '../cache/types.js';
import { type TipErrorCategory, type TipErrorCode, errorCategory, isTipError } from '../errors.js';
import type { TipLogger } from '../logger.js';

export type { TipLogger } from '../logger.js';

/** The IdC grant an exchange used. */
export type ExchangeGrant = 'jwt-bearer' | 'refresh-token' | 'token-exchange' | 'authorization-code';

/**
 * Who an event is about.
 *
 * @inline
 */
interface About {
  /** The external JWT issuer. */
  readonly issuer: string;
  /** The external JWT subject. */
  readonly subject: string;
}

/** Every event of the core flow, discriminated by `type`. */
export type TipEvent =
  | (About & {
      /** An exchange with IdC starts. */
      readonly type: 'exchange.started';
      /** The grant used. */
      readonly grant: ExchangeGrant;
    })
  | (About & {
      /** An exchange with IdC succeeded. */
      readonly type: 'exchange.succeeded';
      /** The grant used. */
      readonly grant: ExchangeGrant;
      /** The IdC user id. */
      readonly idcUserId: string;
      /** Milliseconds. */
      readonly durationMs: number;
      /** AWS attempts made (1 = no retry). */
      readonly attempts: number;
    })
  | (About & {
      /** An exchange with IdC failed. */
      readonly type: 'exchange.failed';
      /** The grant used. */
      readonly grant: ExchangeGrant;
      /** The error code. */
      readonly code: TipErrorCode;
      /** Milliseconds. */
      readonly durationMs: number;
    })
  | (About & {
      /** AssumeRole with the identity context succeeded. */
      readonly type: 'assume-role.succeeded';
      /** The IdC user id. */
      readonly idcUserId: string;
      /** The access role. */
      readonly roleArn: string;
      /** Milliseconds. */
      readonly durationMs: number;
    })
  | (About & {
      /** AssumeRole with the identity context failed. */
      readonly type: 'assume-role.failed';
      /** The IdC user id. */
      readonly idcUserId: string;
      /** The access role. */
      readonly roleArn: string;
      /** The error code. */
      readonly code: TipErrorCode;
      /** Milliseconds. */
      readonly durationMs: number;
    })
  | (About & {
      /** Valid credentials were cached for the user. */
      readonly type: 'cache.hit';
      /** The IdC user id. */
      readonly idcUserId: string;
    })
  | (About & {
      /** No usable credentials were cached; a load runs. */
      readonly type: 'cache.miss';
      /** Why: nothing cached, expired, inside the refresh window, or forced. */
      readonly reason: 'miss' | 'expired' | 'refresh' | 'force';
    })
  | (About & {
      /**
       * IdC refused this user (or this very token) moments ago for a reason that cannot change within
       * seconds; the request is refused again without asking IdC (see `cache.refusalTtl`).
       */
      readonly type: 'cache.refusal';
      /** The remembered error code (`ERR_IDC_ACCESS_DENIED` or `ERR_IDC_INVALID_GRANT`). */
      readonly code: TipErrorCode;
    })
  | (About & {
      /** A background refresh ended. */
      readonly type: 'cache.refresh';
      /** How it ended. */
      readonly outcome: 'succeeded' | 'failed';
      /** Milliseconds. */
      readonly durationMs: number;
      /** The error code, when it failed. */
      readonly code?: TipErrorCode;
    })
  | CacheStoreEvent;

/**
 * The shared cache store (`cache.store`) failed, stalled or answered a value that was not used; the
 * request carried on without it — from the local cache, or with a load of its own.
 */
export interface CacheStoreEvent {
  /** Always `cache.store`. */
  readonly type: 'cache.store';
  /** What was at stake: role credentials, IdC tokens, or the shared exchange ledger. */
  readonly cache: 'role' | 'idc' | 'ledger';
  /**
   * - `error`: a store call failed or timed out (`reason` e.g. `timeout`, `circuit_open`);
   * - `rejected`: a value named another key (`reason: 'foreign'` — swapped or copied entries) or did not
   *   decode (`malformed`); it counted as a miss;
   * - `lock-timeout`: another replica held the user's lock longer than `cache.lockWaitMs`; this replica
   *   loaded on its own.
   */
  readonly outcome: 'error' | 'rejected' | 'lock-timeout';
  /** For errors of values and locks: what failed. */
  readonly operation?: 'read' | 'write' | 'lock';
  /** A short machine-readable reason. */
  readonly reason?: string;
  /** The error code, when the store raised a TipError (`ERR_CACHE_STORE`). */
  readonly code?: TipErrorCode;
}

/** The names of {@link TipEvent}s. */
export type TipEventType = TipEvent['type'];

/**
 * Where events go: a function, or anything with `emit(type, event)` such as a Node `EventEmitter`.
 * Called synchronously; a listener that throws is ignored.
 */
export type TipEventSink =
  | ((event: TipEvent) => void)
  | {
      /** Receives each event with its type. */
      emit(type: TipEventType, event: TipEvent): unknown;
    };

/**
 * Failures a client can cause at will with the token it presents (or the user it names): logged at `info`,
 * so that no client can raise warnings; everything else that failed is logged at `warn`.
 */
const CLIENT_CAUSED: ReadonlySet<TipErrorCategory> = new Set(['token', 'forbidden', 'request', 'aborted']);

/** The emitter used inside: `undefined` when nobody listens (so the warm path allocates nothing). */
export type Emit = ((event: TipEvent) => void) | undefined;

/** Builds the internal emitter from the configured sink and logger. */
export function createEmit(sink: TipEventSink | undefined, logger: TipLogger | undefined): Emit {
  if (sink === undefined && logger === undefined) return undefined;
  const deliver =
    sink === undefined
      ? undefined
      : typeof sink === 'function'
        ? sink
        : (e: TipEvent) => sink.emit(e.type, e);
  return (event) => {
    try {
      deliver?.(event);
    } catch {
      // A faulty listener must not break credential resolution.
    }
    if (logger === undefined) return;
    try {
      // A stored value that names another user's key is worth a warning: swapped entries, a buggy proxy.
      const failed =
        event.type.endsWith('.failed') ||
        (event.type === 'cache.refresh' && event.outcome === 'failed') ||
        (event.type === 'cache.store' && event.reason === 'foreign');
      const code = 'code' in event ? event.code : undefined;
      if (!failed) logger.debug(event, `tip-sdk ${event.type}`);
      else if (code !== undefined && CLIENT_CAUSED.has(errorCategory(code)))
        logger.info(event, `tip-sdk ${event.type}`);
      else logger.warn(event, `tip-sdk ${event.type}`);
    } catch {
      // Same for a faulty logger.
    }
  };
}

/** The `cache.store` event for a failed store call (`error` as the store raised it). */
export function storeErrorEvent(
  cache: CacheStoreEvent['cache'],
  operation: CacheStoreEvent['operation'],
  error: unknown,
): CacheStoreEvent {
  const typed = isTipError(error);
  const reason = typed && typeof error.details.reason === 'string' ? error.details.reason : undefined;
  return {
    type: 'cache.store',
    cache,
    outcome: 'error',
    ...(operation === undefined ? {} : { operation }),
    reason: reason ?? 'error',
    ...(typed ? { code: error.code } : {}),
  };
}

/** Emits the `cache.store` event for a memo's store event, if it is one (others are ignored). */
export function emitStoreEvent(emit: Emit, cache: 'role' | 'idc', event: MemoEvent): void {
  if (emit === undefined) return;
  if (event.type === 'store-error') emit(storeErrorEvent(cache, event.operation, event.error));
  else if (event.type === 'store-rejected')
    emit({ type: 'cache.store', cache, outcome: 'rejected', reason: event.reason });
  else if (event.type === 'lock-timeout') emit({ type: 'cache.store', cache, outcome: 'lock-timeout' });
}
