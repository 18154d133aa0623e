/**
 * Cache keys: SHA-256 digests (base64url) of length-prefixed parts, so no raw token or user name ever
 * becomes a key, and no two different part lists collide by concatenation.
 *
 * @module
 */
import { Buffer } from 'node:buffer';
import { type Hash, createHash, hash } from 'node:crypto';

/**
 * The cache key for `parts` within `namespace`: `base64url(sha256(namespace, len:part, …))`, injective
 * over every list of JS strings. Each part is prefixed with the exact byte length of what is hashed for
 * it. Well-formed strings are hashed as UTF-8; a string holding a lone surrogate (which UTF-8 encoding
 * would turn into U+FFFD, merging `p\uD800`, `p\uDC00` and `p\uFFFD`) is hashed as its UTF-16 code units
 * under a distinct tag. `undefined` parts are encoded distinctly from empty strings. Keys of ASCII parts
 * are what they always were.
 *
 * @param namespace - What is cached, e.g. `idc` or `role` (a literal; hashed as UTF-8).
 * @param parts - The identifying facts, e.g. issuer, subject, application ARN, role ARN, scopes.
 */
export function cacheKey(namespace: string, parts: readonly (string | undefined)[]): string {
  // Well-formed parts are gathered into one string and hashed as UTF-8 in one call into native code, with
  // no Hash object (a new token of a known user computes its keys again); a part with a lone surrogate
  // needs one, to hash its code units.
  let digest: Hash | undefined;
  let text = namespace;
  for (const part of parts) {
    if (part === undefined) text += '\u0000-';
    else if (ASCII.test(part)) text += `\u0000${part.length}:${part}`;
    else if (isWellFormed(part)) text += `\u0000${Buffer.byteLength(part)}:${part}`;
    else {
      digest ??= createHash('sha256');
      digest.update(text);
      text = '';
      digest.update(`\u0000~${part.length * 2}:`).update(part, 'utf16le');
    }
  }
  return digest === undefined ? hash('sha256', text, 'base64url') : digest.update(text).digest('base64url');
}

/** Printable ASCII only: its UTF-8 byte length is its length (anything else takes the general path). */
const ASCII = /^[ -~]*$/;

/** True when `text` holds no lone surrogate (`String.prototype.isWellFormed`, Node ≥ 20). */
function isWellFormed(text: string): boolean {
  return (text as unknown as { isWellFormed(): boolean }).isWellFormed();
}
