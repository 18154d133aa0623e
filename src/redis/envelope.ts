/**
 * The encrypted envelope of every value the Redis store writes: AES-256-GCM with a fresh 96-bit IV, the
 * key id in clear (so keys can rotate), and the Redis key as additional authenticated data — a value
 * copied or moved to another key fails to decrypt there.
 *
 * Format: `tip1.<key id>.<iv>.<ciphertext>.<tag>` (base64url parts). AAD: `tip-sdk/redis tip1 <key id>
 * <redis key>`.
 *
 * @module
 */
import { Buffer } from 'node:buffer';
import { type KeyObject, createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { RedisRejectedReason } from './events.js';

/** Longest envelope opened, in characters: more than any value tip-sdk writes. */
export const MAX_ENVELOPE_CHARS = 1_048_576;

/** Thrown by {@link Envelope.open}. */
export class SealError extends Error {
  constructor(readonly reason: RedisRejectedReason) {
    super(`tip-sdk: a Redis value was not used (${reason})`);
    this.name = 'SealError';
  }
}

/** Seals and opens values for Redis keys. */
export interface Envelope {
  /** The envelope of `plaintext` for `redisKey`, encrypted with the first key. */
  seal(redisKey: string, plaintext: string): string;
  /**
   * The plaintext of `sealed`, read from `redisKey`.
   *
   * @throws SealError when it cannot be used.
   */
  open(redisKey: string, sealed: string): string;
}

/** A resolved encryption key. */
export interface SealKey {
  readonly id: string;
  readonly key: KeyObject;
}

const PART = /^[A-Za-z0-9_-]*$/;

function aad(id: string, redisKey: string): Buffer {
  return Buffer.from(`tip-sdk/redis tip1 ${id} ${redisKey}`, 'utf8');
}

/** Creates the envelope over `keys` (validated, newest first). */
export function createEnvelope(keys: readonly SealKey[]): Envelope {
  const first = keys[0]!;
  const byId = new Map(keys.map((k) => [k.id, k.key]));
  return {
    seal(redisKey, plaintext) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', first.key, iv);
      cipher.setAAD(aad(first.id, redisKey));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      const tag = cipher.getAuthTag();
      return `tip1.${first.id}.${iv.toString('base64url')}.${body.toString('base64url')}.${tag.toString('base64url')}`;
    },
    open(redisKey, sealed) {
      if (typeof sealed !== 'string') throw new SealError('malformed');
      if (sealed.length > MAX_ENVELOPE_CHARS) throw new SealError('too-large');
      const parts = sealed.split('.');
      if (parts.length !== 5 || parts[0] !== 'tip1' || !parts.every((p) => PART.test(p))) {
        throw new SealError('malformed');
      }
      const [, id, ivText, bodyText, tagText] = parts as [string, string, string, string, string];
      const key = byId.get(id);
      if (key === undefined) throw new SealError('unknown-key');
      const iv = Buffer.from(ivText, 'base64url');
      const tag = Buffer.from(tagText, 'base64url');
      if (iv.length !== 12 || tag.length !== 16) throw new SealError('malformed');
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: 16 });
        decipher.setAAD(aad(id, redisKey));
        decipher.setAuthTag(tag);
        const plain = Buffer.concat([decipher.update(Buffer.from(bodyText, 'base64url')), decipher.final()]);
        return new TextDecoder('utf-8', { fatal: true }).decode(plain);
      } catch {
        throw new SealError('undecryptable');
      }
    },
  };
}
