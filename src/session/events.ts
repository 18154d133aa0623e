/**
 * Events and the logger hook of the core flow. Payloads carry issuer, subject, IdC user id, role ARN,
 * durations and error codes — never tokens, assertions, identity contexts, credentials or cache keys.
 *
 * @module
 */
import { type TipErrorCategory, type TipErrorCode, errorCategory } from '../errors.js';
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
    });

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
      const failed =
        event.type.endsWith('.failed') || (event.type === 'cache.refresh' && event.outcome === 'failed');
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
