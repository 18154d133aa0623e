/**
 * Events and the logger hook of the core flow. Payloads carry issuer, subject, IdC user id, role ARN,
 * durations and error codes — never tokens, assertions, identity contexts, credentials or cache keys.
 *
 * @module
 */
import type { TipErrorCode } from '../errors.js';

/** The IdC grant an exchange used. */
export type ExchangeGrant = 'jwt-bearer' | 'refresh-token' | 'token-exchange' | 'authorization-code';

/** Who an event is about. */
interface About {
  /** The external JWT issuer. */
  readonly issuer: string;
  /** The external JWT subject. */
  readonly subject: string;
}

/** Every event of the core flow, discriminated by `type`. */
export type TipEvent =
  | (About & { readonly type: 'exchange.started'; readonly grant: ExchangeGrant })
  | (About & {
      readonly type: 'exchange.succeeded';
      readonly grant: ExchangeGrant;
      readonly idcUserId: string;
      /** Milliseconds. */
      readonly durationMs: number;
      /** AWS attempts made (1 = no retry). */
      readonly attempts: number;
    })
  | (About & {
      readonly type: 'exchange.failed';
      readonly grant: ExchangeGrant;
      readonly code: TipErrorCode;
      readonly durationMs: number;
    })
  | (About & {
      readonly type: 'assume-role.succeeded';
      readonly idcUserId: string;
      readonly roleArn: string;
      readonly durationMs: number;
    })
  | (About & {
      readonly type: 'assume-role.failed';
      readonly idcUserId: string;
      readonly roleArn: string;
      readonly code: TipErrorCode;
      readonly durationMs: number;
    })
  | (About & { readonly type: 'cache.hit'; readonly idcUserId: string })
  | (About & { readonly type: 'cache.miss'; readonly reason: 'miss' | 'expired' | 'refresh' | 'force' })
  | (About & {
      readonly type: 'cache.refresh';
      readonly outcome: 'succeeded' | 'failed';
      readonly durationMs: number;
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
  | { emit(type: TipEventType, event: TipEvent): unknown };

/** A pino/console-shaped logger. Silent by default. */
export interface TipLogger {
  debug(fields: object, message?: string): void;
  info(fields: object, message?: string): void;
  warn(fields: object, message?: string): void;
  error(fields: object, message?: string): void;
}

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
      if (event.type.endsWith('.failed') || (event.type === 'cache.refresh' && event.outcome === 'failed')) {
        logger.warn(event, `tip-sdk ${event.type}`);
      } else logger.debug(event, `tip-sdk ${event.type}`);
    } catch {
      // Same for a faulty logger.
    }
  };
}
