import type { IssuerOptions, JSONObject } from './types.js';

const INSECURE = Symbol.for('tip-sdk.allowInsecureRequests');

/**
 * Allows plain `http` for one issuer's discovery and JWKS URLs — for a local identity provider or the
 * tip-sdk emulator only. Returns a copy of the issuer options carrying the permission; without it,
 * `createJwtVerifier` refuses `http` with a `TypeError`. Never use it for a production issuer: keys
 * fetched over `http` can be replaced by anyone on the path.
 *
 * @example
 * ```ts
 * createJwtVerifier({ issuers: [allowInsecureRequests({ issuer: 'http://127.0.0.1:4000', audience: 'api', algorithms: ['RS256'] })] });
 * ```
 */
export function allowInsecureRequests<T extends IssuerOptions<C>, C extends JSONObject = JSONObject>(
  options: T,
): T {
  const copy = { ...options };
  Object.defineProperty(copy, INSECURE, { value: true, enumerable: false });
  return Object.freeze(copy);
}

/** True when the issuer options came from {@link allowInsecureRequests}. */
export function insecureAllowed(options: object): boolean {
  return (options as Record<symbol, unknown>)[INSECURE] === true;
}
