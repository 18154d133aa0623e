/**
 * When a session's credential provider stops: at its JWT's `exp` by default (`sessionExpiry: 'jwt'`), or
 * never on that account (`'refresh-token'`: IAM Identity Center refresh tokens carry it on).
 *
 * @module
 */
import type { Clock } from '../cache/types.js';
import { TipError } from '../errors.js';

/**
 * `ERR_JWT_EXPIRED` when `expiresAt` (epoch ms) has passed on `clock` and sessions stop at their JWT's
 * expiry; `undefined` when the provider may go on.
 */
export type SessionExpiryCheck = (expiresAt: number | undefined) => TipError | undefined;

/** The check for `sessionExpiry` (default `'jwt'`), judged on `clock` (the clock of JWT times). */
export function sessionExpiryCheck(
  sessionExpiry: 'jwt' | 'refresh-token' | undefined,
  clock: Clock,
): SessionExpiryCheck {
  if (sessionExpiry === 'refresh-token') return () => undefined;
  return (expiresAt) =>
    expiresAt !== undefined && clock() >= expiresAt ? sessionExpiredError(expiresAt) : undefined;
}

function sessionExpiredError(expiresAt: number): TipError {
  return new TipError(
    'ERR_JWT_EXPIRED',
    `The JWT of this session expired at ${new Date(expiresAt).toISOString()}, so its credentials are not renewed: present the user's current token (forToken) — or set \`sessionExpiry: 'refresh-token'\` for long-running jobs.`,
    { details: { claim: 'exp', reason: 'session_expired' } },
  );
}
