/**
 * Sealed tokens: bytes encrypted and integrity-protected with AES-256-GCM under a key derived (HKDF-SHA256)
 * from `runtime.secretKey` for one purpose, written as `<prefix><base64url(iv | ciphertext | tag)>`. Only
 * the emulator run that sealed a token can open it, and any change to it is detected. Used for the
 * identity context and the Redshift auth token.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const IV_BYTES = 12;
const TAG_BYTES = 16;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** Why a sealed token did not open. */
export type SealedFailure = 'malformed' | 'tampered';

/** Outcome of {@link Sealer.open}. */
export type OpenedToken =
  | { readonly ok: true; readonly plain: Buffer }
  | { readonly ok: false; readonly reason: SealedFailure };

/** Seals and opens the tokens of one purpose. */
export interface Sealer {
  /** Version prefix of every token, e.g. `tipctx1.`. */
  readonly prefix: string;
  /** Seals `plain` under the purpose key of `secret`. */
  seal(secret: Buffer, plain: Buffer): string;
  /**
   * Opens a token that starts with the prefix (the caller checks type, prefix and length bounds). Never
   * throws: `malformed` for text that is not base64url or too short to hold an IV and a tag, `tampered`
   * for base64url that does not round-trip or fails the integrity check (also: sealed by another run).
   */
  open(secret: Buffer, token: string): OpenedToken;
}

/** Options of {@link createSealer}. */
export interface SealerOptions {
  /** Version prefix of the tokens. */
  readonly prefix: string;
  /** HKDF info naming the purpose, so each purpose has a key of its own. */
  readonly purpose: string;
  /** Authenticated data binding the ciphertext to its purpose and version. */
  readonly aad: string;
}

/** Creates the sealer of one purpose; derived keys are cached per secret. */
export function createSealer(options: SealerOptions): Sealer {
  const aad = Buffer.from(options.aad);
  const keys = new WeakMap<Buffer, Buffer>();
  const keyOf = (secret: Buffer): Buffer => {
    let key = keys.get(secret);
    if (!key) {
      key = Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), options.purpose, 32));
      keys.set(secret, key);
    }
    return key;
  };
  return {
    prefix: options.prefix,
    seal(secret, plain) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', keyOf(secret), iv);
      cipher.setAAD(aad);
      const sealed = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return options.prefix + sealed.toString('base64url');
    },
    open(secret, token) {
      const body = token.slice(options.prefix.length);
      if (!BASE64URL.test(body)) return { ok: false, reason: 'malformed' };
      const sealed = Buffer.from(body, 'base64url');
      if (sealed.length < IV_BYTES + TAG_BYTES + 1) return { ok: false, reason: 'malformed' };
      // Base64url that does not round-trip has stray trailing bits: a different string for the same bytes.
      if (sealed.toString('base64url') !== body) return { ok: false, reason: 'tampered' };
      try {
        const decipher = createDecipheriv('aes-256-gcm', keyOf(secret), sealed.subarray(0, IV_BYTES));
        decipher.setAAD(aad);
        decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
        const plain = Buffer.concat([
          decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES)),
          decipher.final(),
        ]);
        return { ok: true, plain };
      } catch {
        return { ok: false, reason: 'tampered' };
      }
    },
  };
}
