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

/** Throws `ERR_ABORTED` when `signal` has fired. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortedError(signal.reason);
}

/**
 * Resolves after `ms` milliseconds, or rejects with `ERR_ABORTED` as soon as `signal` fires.
 * The timer is unref'd so a pending backoff never keeps the process alive.
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
    timer.unref?.();
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Waits for `promise`, but rejects with `ERR_ABORTED` as soon as `signal` fires. The promise itself keeps
 * running (it may be shared with other callers).
 */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) return Promise.reject(abortedError(signal.reason));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortedError(signal.reason));
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

/** A signal that fires when any of `signals` fires (undefined entries are ignored). */
export function anySignal(...signals: (AbortSignal | undefined)[]): AbortSignal | undefined {
  const present = signals.filter((s): s is AbortSignal => s !== undefined);
  if (present.length === 0) return undefined;
  if (present.length === 1) return present[0];
  return AbortSignal.any(present);
}
