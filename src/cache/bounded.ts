/**
 * Time bounds for calls to a shared store: a deadline per call, and an abortable pause between polls.
 *
 * @module
 */
import { abortedError } from '../aws/abort.js';
import { TipError } from '../errors.js';

/**
 * `promise`, or a rejection with `ERR_CACHE_STORE` (`details.reason: 'timeout'`) once `ms` milliseconds
 * pass first. The timer is not unref'd: a pending store call keeps the process alive until it settles, and
 * the timer is cleared then.
 */
export function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    // setImmediate: after a stall of the event loop, an answer that arrived meanwhile is read first.
    timer = setTimeout(
      () =>
        setImmediate(() =>
          reject(
            new TipError(
              'ERR_CACHE_STORE',
              `The cache store did not answer within ${ms} ms; tip-sdk went on without it. Check the store's health and latency.`,
              { details: { reason: 'timeout', timeoutMs: ms } },
            ),
          ),
        ),
      ms,
    );
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/**
 * Resolves after `ms` milliseconds, or rejects with `ERR_ABORTED` when `signal` fires. The timer keeps
 * the process alive: a caller waits on it.
 */
export function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
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
