/**
 * The on-disk envelope of a token cache file: AES-256-GCM over the JSON record, with the profile and the
 * OS user id bound in as additional authenticated data, so a file copied to another profile or written for
 * another user does not decrypt. The key id (a digest prefix of the key) tells "another key" apart from
 * "tampered".
 *
 * @module
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { CacheRejection } from '../events.js';

/** The `format` member every envelope carries. */
export const ENVELOPE_FORMAT = 'tip-sdk-token-cache';

/** A 256-bit key and its id. */
export interface CacheKey {
  /** `base64url(sha256(key))[0..16]`: names the key without revealing it. */
  readonly id: string;
  /** 32 bytes. Secret. */
  readonly key: Buffer;
}

/** The key id of `key`. */
export function keyId(key: Buffer): string {
  return createHash('sha256')
    .update('tip-sdk-token-cache-key\n')
    .update(key)
    .digest('base64url')
    .slice(0, 16);
}

/** What binds an envelope to its place. */
export interface EnvelopeBinding {
  /** Profile name. */
  readonly profile: string;
  /** OS user id, or `-1` where the platform has none. */
  readonly uid: number;
}

function aad(binding: EnvelopeBinding): Buffer {
  return Buffer.from(`${ENVELOPE_FORMAT}\nv1\n${binding.profile}\n${binding.uid}`, 'utf8');
}

/** Encrypts `plaintext` (the record JSON) into the envelope text. */
export function seal(plaintext: string, key: CacheKey, binding: EnvelopeBinding): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key.key, iv);
  cipher.setAAD(aad(binding));
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return `${JSON.stringify({
    format: ENVELOPE_FORMAT,
    v: 1,
    profile: binding.profile,
    key: key.id,
    iv: iv.toString('base64url'),
    tag: cipher.getAuthTag().toString('base64url'),
    data: data.toString('base64url'),
  })}\n`;
}

/** The outcome of {@link open}: the plaintext, or why the envelope is not used. */
export type Opened =
  | { readonly ok: true; readonly plaintext: string }
  | { readonly ok: false; readonly reason: CacheRejection };

const B64URL = /^[A-Za-z0-9_-]*$/;

/** Decrypts envelope `text`. Never throws: anything unexpected is a rejection. */
export function open(text: string, key: CacheKey, binding: EnvelopeBinding): Opened {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'corrupt' };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    return { ok: false, reason: 'corrupt' };
  const e = parsed as Record<string, unknown>;
  if (e.format !== ENVELOPE_FORMAT) return { ok: false, reason: 'foreign' };
  if (e.v !== 1) return { ok: false, reason: 'version' };
  if (e.profile !== binding.profile) return { ok: false, reason: 'foreign' };
  const fields = [e.key, e.iv, e.tag, e.data];
  if (fields.some((f) => typeof f !== 'string' || !B64URL.test(f))) return { ok: false, reason: 'corrupt' };
  if (e.key !== key.id) return { ok: false, reason: 'decrypt' };
  const iv = Buffer.from(e.iv as string, 'base64url');
  const tag = Buffer.from(e.tag as string, 'base64url');
  if (iv.length !== 12 || tag.length !== 16) return { ok: false, reason: 'corrupt' };
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.key, iv, { authTagLength: 16 });
    decipher.setAAD(aad(binding));
    decipher.setAuthTag(tag);
    const plain = Buffer.concat([
      decipher.update(Buffer.from(e.data as string, 'base64url')),
      decipher.final(),
    ]);
    return { ok: true, plaintext: plain.toString('utf8') };
  } catch {
    return { ok: false, reason: 'decrypt' };
  }
}
