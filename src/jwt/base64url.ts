/**
 * Strict base64url (RFC 4648 §5, RFC 7515 §2): no padding, no `+` or `/`, no whitespace, and canonical
 * trailing bits, so that exactly one string encodes a given byte sequence.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const CHARSET = /^[A-Za-z0-9_-]*$/;

/**
 * True when `s` (already known to hold only base64url characters) has a valid length and canonical
 * trailing bits.
 */
export function isCanonicalShape(s: string): boolean {
  const rem = s.length & 3;
  if (rem === 0) return true;
  if (rem === 1) return false;
  const last = ALPHABET.indexOf(s.charAt(s.length - 1));
  // 2 chars carry 1 byte (4 spare bits); 3 chars carry 2 bytes (2 spare bits). Spare bits must be zero.
  return rem === 2 ? (last & 0x0f) === 0 : (last & 0x03) === 0;
}

/** Decodes strict base64url; returns `undefined` for anything not canonical. */
export function decodeBase64url(s: string): Buffer | undefined {
  if (!CHARSET.test(s) || !isCanonicalShape(s)) return undefined;
  return Buffer.from(s, 'base64url');
}
