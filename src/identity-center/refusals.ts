/**
 * A short-lived, bounded memory of what IAM Identity Center refused for reasons that cannot change within
 * seconds, so one refused token (or one refused user) does not buy a `CreateTokenWithIAM` call per request:
 * - `ERR_IDC_ACCESS_DENIED` (the user is not assigned to the application) is remembered for the user, so a
 *   new token of that user is refused too;
 * - `ERR_IDC_INVALID_GRANT` (unknown user, audience or issuer not authorized, …) is remembered for that
 *   JWT only, since some of its causes (an expired or reused token) concern one token, not the user.
 * Throttling, server errors, timeouts and aborts are never remembered.
 *
 * @module
 */
import type { Clock } from '../cache/types.js';
import { TipError } from '../errors.js';

/** The refusal memory; see {@link createRefusalCache}. */
export interface RefusalCache {
  /**
   * A fresh error for the refusal remembered for the user (`userKey`) or the JWT (`ledgerId`), with
   * `details.cachedRefusal` set; `undefined` when there is none.
   */
  find(userKey: string, ledgerId: string): TipError | undefined;
  /** Remembers `error` of a JWT-bearer exchange when it is one of the lasting refusals. */
  record(userKey: string, ledgerId: string, error: TipError): void;
}

/** Options of {@link createRefusalCache}. */
export interface RefusalCacheOptions {
  /** How long a refusal is remembered, in milliseconds; `0` remembers nothing. */
  readonly ttlMs: number;
  /** Most refusals kept; the oldest is dropped first. */
  readonly maxEntries: number;
  /** Epoch milliseconds. */
  readonly clock: Clock;
}

interface Refusal {
  readonly error: TipError;
  readonly until: number;
}

/** Creates a refusal memory. */
export function createRefusalCache(options: RefusalCacheOptions): RefusalCache {
  const { ttlMs, maxEntries, clock } = options;
  const refusals = new Map<string, Refusal>();

  function fresh(key: string, now: number): Refusal | undefined {
    const refusal = refusals.get(key);
    if (refusal === undefined) return undefined;
    if (refusal.until > now) return refusal;
    refusals.delete(key);
    return undefined;
  }

  return {
    find(userKey, ledgerId) {
      if (refusals.size === 0) return undefined;
      const now = clock();
      const refusal = fresh(userKey, now) ?? fresh(ledgerId, now);
      if (refusal === undefined) return undefined;
      const { error } = refusal;
      return new TipError(error.code, error.message, {
        details: { ...error.details, cachedRefusal: true },
        cause: error,
        ...(error.requestId === undefined ? {} : { requestId: error.requestId }),
      });
    },
    record(userKey, ledgerId, error) {
      if (ttlMs <= 0) return;
      const aws = error.details.awsErrorCode;
      const key =
        error.code === 'ERR_IDC_ACCESS_DENIED' && aws === 'AccessDeniedException'
          ? userKey
          : error.code === 'ERR_IDC_INVALID_GRANT' && aws === 'InvalidGrantException'
            ? ledgerId
            : undefined;
      if (key === undefined) return;
      refusals.delete(key);
      refusals.set(key, { error, until: clock() + ttlMs });
      if (refusals.size > maxEntries) refusals.delete(refusals.keys().next().value as string);
    },
  };
}
