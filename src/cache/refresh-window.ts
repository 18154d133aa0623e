/**
 * When a cached value is refreshed ahead of its expiry.
 *
 * @module
 */

/** Defaults: refresh 5 minutes or 10 % of the lifetime before expiry, whichever is smaller. */
export const DEFAULT_REFRESH_BEFORE_EXPIRY_MS = 300_000;
/** Default refresh window as a fraction of the lifetime. */
export const DEFAULT_REFRESH_FRACTION = 0.1;

/**
 * The epoch millisecond at which a value loaded at `loadedAt` and expiring at `expiresAt` becomes due for
 * a background refresh: `expiresAt - min(beforeMs, fraction × lifetime)`. A 1 h credential refreshes
 * 5 min early; a 15 min one 90 s early; a value with no lifetime left is due at once.
 */
export function refreshAt(loadedAt: number, expiresAt: number, beforeMs: number, fraction: number): number {
  const lifetime = Math.max(0, expiresAt - loadedAt);
  return expiresAt - Math.min(beforeMs, lifetime * fraction);
}
