/**
 * Cache keys: SHA-256 digests (base64url) of length-prefixed parts, so no raw token or user name ever
 * becomes a key, and no two different part lists collide by concatenation.
 *
 * @module
 */
import { createHash } from 'node:crypto';

/**
 * The cache key for `parts` within `namespace`: `base64url(sha256(namespace, len:part, …))`.
 * `undefined` parts are encoded distinctly from empty strings.
 *
 * @param namespace - What is cached, e.g. `idc` or `role`.
 * @param parts - The identifying facts, e.g. issuer, subject, application ARN, role ARN, scopes.
 */
export function cacheKey(namespace: string, parts: readonly (string | undefined)[]): string {
  const hash = createHash('sha256');
  hash.update(namespace);
  for (const part of parts) {
    if (part === undefined) hash.update('\u0000-');
    else hash.update(`\u0000${part.length}:`).update(part);
  }
  return hash.digest('base64url');
}
