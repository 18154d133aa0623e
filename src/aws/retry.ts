/**
 * The retry loop for AWS calls: full-jitter exponential backoff on throttling, 5xx and network errors,
 * inside one deadline, honouring the caller's AbortSignal.
 *
 * Why our own loop and not the SDK's: tip-sdk builds its SDK clients with `maxAttempts: 1` so that the
 * deadline covers every attempt and backoff sleep, an abort stops the sleep as well as the request, errors
 * are mapped once (after the last attempt), and the attempt count is visible to events. A client you
 * inject keeps its own retry settings; the loop then retries on top of it.
 *
 * @module
 */
import { isTipError } from '../errors.js';
import { abortedError, raceAbort, sleep, timeoutError } from './abort.js';
import { isRetryableTipError, mapAwsError } from './map-error.js';
import type { AwsCallSite } from './map-error.js';
import { redactAwsError } from './redact.js';

/** Retry and deadline settings. Every field is optional. */
export interface RetryOptions {
  /** Most attempts, the first included. Default `4`. */
  readonly maxAttempts?: number;
  /** Backoff base, in milliseconds: attempt n sleeps `random() * min(maxDelayMs, baseDelayMs * 2^n)`. Default `100`. */
  readonly baseDelayMs?: number;
  /** Backoff cap, in milliseconds. Default `2_000`. */
  readonly maxDelayMs?: number;
  /** Deadline over all attempts and sleeps, in milliseconds. Default `10_000`. */
  readonly timeoutMs?: number;
  /** Random source in [0, 1) for the jitter. Default `Math.random`. */
  readonly random?: () => number;
}

/** Defaults of {@link RetryOptions}. */
export const DEFAULT_RETRY = Object.freeze({
  maxAttempts: 4,
  baseDelayMs: 100,
  maxDelayMs: 2_000,
  timeoutMs: 10_000,
  random: Math.random,
});

/** Resolved retry settings (every field present). */
export type ResolvedRetry = Required<RetryOptions>;

/** Fills the defaults of {@link RetryOptions}. */
export function resolveRetry(options: RetryOptions | undefined): ResolvedRetry {
  return { ...DEFAULT_RETRY, ...(options ?? {}) };
}

/** Facts about a finished call, for events. */
export interface CallOutcome {
  /** Attempts made (1 = no retry). */
  readonly attempts: number;
}

const DEADLINE = Symbol('tip-sdk.deadline');

/**
 * Runs `attempt` until it succeeds, fails with a non-retryable error, runs out of attempts, or the
 * deadline passes. Every failure is mapped to a {@link TipError} by `mapAwsError`.
 *
 * @param site - The AWS call, for error mapping.
 * @param attempt - One try; must pass the given signal to the SDK command as `abortSignal`.
 * @param retry - Resolved settings.
 * @param signal - The caller's signal; firing it rejects with `ERR_ABORTED`.
 * @param onAttempt - Called with the attempt count when the call ends (success or failure).
 */
export async function callWithRetry<T>(
  site: AwsCallSite,
  attempt: (signal: AbortSignal) => Promise<T>,
  retry: ResolvedRetry,
  signal?: AbortSignal,
  onAttempt?: (outcome: CallOutcome) => void,
): Promise<T> {
  if (signal?.aborted) throw abortedError(signal.reason);
  // One controller per call, fired by the deadline or by the caller's signal. Not AbortSignal.any():
  // on Node 20 its dependant-signal bookkeeping keeps every combined signal reachable.
  const controller = new AbortController();
  const combined = controller.signal;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(DEADLINE);
  }, retry.timeoutMs);
  // Not unref'd: a pending call keeps the process alive until it settles (a script must not exit with
  // its promise never settled while a backoff sleeps and the sockets are idle).
  const forward = (): void => controller.abort(signal?.reason);
  signal?.addEventListener('abort', forward, { once: true });
  const startedAt = Date.now();
  let attempts = 0;
  try {
    for (;;) {
      attempts += 1;
      try {
        // Raced, so a client that ignores its abort signal cannot outlive the deadline or the caller.
        return await raceAbort(attempt(combined), combined);
      } catch (raw) {
        if (signal?.aborted) throw abortedError(signal.reason);
        if (timedOut) throw timeoutError(site.operation, retry.timeoutMs, redactAwsError(raw, site.secrets));
        const error = mapAwsError(raw, site);
        if (!isRetryableTipError(error) || attempts >= retry.maxAttempts) throw error;
        const cap = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (attempts - 1));
        const delay = Math.floor(retry.random() * cap);
        if (Date.now() - startedAt + delay >= retry.timeoutMs) throw error;
        try {
          await sleep(delay, combined);
        } catch (sleepError) {
          if (signal?.aborted) throw sleepError;
          throw timeoutError(site.operation, retry.timeoutMs, error);
        }
      }
    }
  } catch (error) {
    throw isTipError(error) ? error : mapAwsError(error, site);
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', forward);
    onAttempt?.({ attempts });
  }
}
