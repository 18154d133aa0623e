/**
 * The synchronous warm path of a trusted identity, for the HTTP adapters: a resent token whose session
 * and credentials are held and not due is answered without a promise, so an adapter can run the route in
 * the same tick. Anything else (`undefined`) goes through `forToken`, which decides and says why.
 *
 * @module
 */
import type { UserSession } from '../tip.js';

/** Answers a token from memory, or `undefined`. Never throws, never waits, never calls AWS. */
export type WarmSession = (jwt: string) => UserSession | undefined;

const byIdentity = new WeakMap<object, WarmSession>();

/** Records the warm path of a trusted identity (called once, by `createTrustedIdentity`). */
export function registerWarmSession(identity: object, warm: WarmSession): void {
  byIdentity.set(identity, warm);
}

/**
 * The session `identity` holds for `jwt` right now, when `identity` is one `createTrustedIdentity` made
 * and its warm path applies; otherwise `undefined`.
 */
export function warmSessionOf(identity: object, jwt: string): UserSession | undefined {
  return byIdentity.get(identity)?.(jwt);
}
