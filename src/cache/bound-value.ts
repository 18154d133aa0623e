/**
 * Store values bound to their key. The memo writes, ahead of the codec's text, what the key is a digest
 * of (the identity the value was loaded for: issuer, subject, application, role, scopes, audience), and
 * reads a value back only when that identity hashes to the key asked for. This holds for every store,
 * encrypting or not: a store that answers another key's value makes a miss, never another user's session.
 *
 * Format: one line of JSON — `{"b":[namespace, ...parts]}` (an absent part is `null`), or `{"k":key}` for
 * a value written without a binding — then a newline, then the codec's text.
 *
 * @module
 */
import { cacheKey } from './key.js';
import type { KeyBinding } from './types.js';

/** Why a stored value was not used. */
export type RejectedReason = 'foreign' | 'malformed';

/** Thrown by {@link unbindValue}. */
export class RejectedValue extends Error {
  constructor(readonly reason: RejectedReason) {
    super(
      reason === 'foreign'
        ? 'tip-sdk: a cache store value names another key'
        : 'tip-sdk: a cache store value is malformed',
    );
    this.name = 'RejectedValue';
  }
}

/**
 * The store text for `text` under `key`, bound to `binding` (which must hash to `key`), or to `key` itself
 * without one.
 *
 * @returns `undefined` when `binding` does not hash to `key` (nothing is written then).
 */
export function bindValue(key: string, binding: KeyBinding | undefined, text: string): string | undefined {
  if (binding === undefined) return `${JSON.stringify({ k: key })}\n${text}`;
  if (cacheKey(binding.namespace, binding.parts) !== key) return undefined;
  const names = [binding.namespace, ...binding.parts.map((p) => (p === undefined ? null : p))];
  return `${JSON.stringify({ b: names })}\n${text}`;
}

/**
 * The codec text of `stored`, read for `key`.
 *
 * @throws RejectedValue `foreign` when it was written for another key, `malformed` when it is not a bound
 *   value at all.
 */
export function unbindValue(key: string, stored: string): string {
  const end = stored.indexOf('\n');
  if (end < 0) throw new RejectedValue('malformed');
  let head: unknown;
  try {
    head = JSON.parse(stored.slice(0, end));
  } catch {
    throw new RejectedValue('malformed');
  }
  if (typeof head !== 'object' || head === null) throw new RejectedValue('malformed');
  const { b, k } = head as { b?: unknown; k?: unknown };
  if (k !== undefined) {
    if (typeof k !== 'string' || b !== undefined) throw new RejectedValue('malformed');
    if (k !== key) throw new RejectedValue('foreign');
    return stored.slice(end + 1);
  }
  if (!Array.isArray(b) || b.length === 0 || typeof b[0] !== 'string') throw new RejectedValue('malformed');
  const parts: (string | undefined)[] = [];
  for (let i = 1; i < b.length; i++) {
    const part: unknown = b[i];
    if (part === null) parts.push(undefined);
    else if (typeof part === 'string') parts.push(part);
    else throw new RejectedValue('malformed');
  }
  if (cacheKey(b[0], parts) !== key) throw new RejectedValue('foreign');
  return stored.slice(end + 1);
}
