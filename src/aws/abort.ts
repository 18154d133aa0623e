/**
 * AbortSignal helpers: one place that turns an abort or a deadline into a typed {@link TipError}.
 *
 * @module
 */
import { TipError } from '../errors.js';

/** The `ERR_ABORTED` error raised when a caller's signal fires. */
export function abortedError(cause?: unknown): TipError {
  return new TipError('ERR_ABORTED', 'The operation was aborted by the caller through its AbortSignal.', {
    cause,
  });
}

/** The `ERR_TIMEOUT` error raised when an operation's deadline passes. */
export function timeoutError(operation: string, timeoutMs: number, cause?: unknown): TipError {
  return new TipError(
    'ERR_TIMEOUT',
    `${operation} did not finish within ${timeoutMs} ms; check network access to AWS or raise \`timeouts\`.`,
    { cause, details: { operation, timeoutMs } },
  );
}

/**
 * Resolves after `ms` milliseconds, or rejects with `ERR_ABORTED` as soon as `signal` fires.
 * The timer is not unref'd: a call waiting in backoff keeps the process alive until it settles.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortedError(signal.reason));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortedError(signal?.reason));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Waits for `promise`, but rejects with `ERR_ABORTED` as soon as `signal` fires. The promise itself keeps
 * running (it may be shared with other callers).
 *
 * @param toError - Builds the rejection from the signal's reason; default {@link abortedError}.
 */
export function raceAbort<T>(
  promise: Promise<T>,
  signal: AbortSignal | undefined,
  toError: (reason: unknown) => Error = abortedError,
): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) return Promise.reject(toError(signal.reason));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(toError(signal.reason));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** A signal combined from others, and `dispose()` to detach it from them. */
export interface CombinedSignal {
  /** Fires, with the source's reason, as soon as any source signal fires. */
  readonly signal: AbortSignal;
  /** Removes the listeners from the source signals; idempotent. Call when the operation is done. */
  dispose(): void;
}

/**
 * Combines `signals` (undefined entries are ignored) into one that fires when any of them fires. Built
 * with a controller and listeners that are removed by `dispose()` or once the combined signal fires,
 * rather than with `AbortSignal.any`, whose bookkeeping on Node 20 keeps every combined signal alive as
 * long as a long-lived source (such as a context's default signal) lives: ~6 KB per user in the core flow.
 */
export function combineSignals(...signals: (AbortSignal | undefined)[]): CombinedSignal {
  const controller = new AbortController();
  const listeners: { source: AbortSignal; onAbort: () => void }[] = [];
  const dispose = (): void => {
    for (const { source, onAbort } of listeners.splice(0)) source.removeEventListener('abort', onAbort);
  };
  for (const source of signals) {
    if (source === undefined) continue;
    if (source.aborted) {
      controller.abort(source.reason);
      break;
    }
    const onAbort = (): void => {
      dispose();
      controller.abort(source.reason);
    };
    source.addEventListener('abort', onAbort, { once: true });
    listeners.push({ source, onAbort });
  }
  if (controller.signal.aborted) dispose();
  return { signal: controller.signal, dispose };
}
