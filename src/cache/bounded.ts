/**
 * The deadline of each call to a shared store (pauses between polls use `sleep` from aws/abort).
 *
 * @module
 */
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
