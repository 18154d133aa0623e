import { isAscii, isUtf8 } from 'node:buffer';
import { TipError, type TipErrorCode } from '../errors.js';
import { isForbiddenAlgorithm, isJwtAlgorithm } from './algorithms.js';
import { isCanonicalShape } from './base64url.js';
import { hasDuplicateMembers } from './duplicate-members.js';
import type { JwtAlgorithm } from './types.js';

/** A compact JWS split and decoded, not yet verified. */
export interface DecodedJws {
  readonly header: Record<string, unknown>;
  readonly payload: Record<string, unknown>;
  readonly alg: JwtAlgorithm;
  readonly kid: string | undefined;
  /** `BASE64URL(header) || '.' || BASE64URL(payload)` as bytes. */
  readonly signingInput: Buffer;
  readonly signature: Buffer;
}

/** Header segments seen recently, decoded and checked once: issuers reuse a handful of headers. */
const HEADER_CACHE_MAX = 256;
/** Longer header segments are decoded every time, so the cache stays small (256 × 512 bytes). */
const HEADER_CACHE_SEGMENT_MAX = 512;
const headerCache = new Map<string, { header: Record<string, unknown>; alg: JwtAlgorithm }>();

/** A token failure. Messages never include the token or any part of it. */
export function tokenError(code: TipErrorCode, reason: string, message: string, claim?: string): TipError {
  return new TipError(code, message, { details: claim === undefined ? { reason } : { claim, reason } });
}

const malformed = (reason: string) =>
  tokenError(
    'ERR_JWT_INVALID',
    reason,
    `The token is not a well-formed compact JWS (${reason}). Send the raw JWT: three base64url segments ` +
      'separated by dots, without padding or whitespace.',
  );

/**
 * Strict base64url decoding of one segment. Node's decoder skips characters outside the alphabet, so a
 * decoded length short of the exact expected length reveals them; `+`, `/` and `=` were refused for the
 * whole token before, and the trailing bits must be zero (canonical form).
 */
function decodeSegment(segment: string, reason: string): Buffer {
  if (!isCanonicalShape(segment)) throw malformed(reason);
  const bytes = Buffer.from(segment, 'base64url');
  if (bytes.length !== (segment.length * 3) >>> 2) throw malformed(reason);
  return bytes;
}

function decodeJson(segment: string, part: 'header' | 'payload'): Record<string, unknown> {
  const bytes = decodeSegment(segment, `${part}_base64url`);
  // Most headers and payloads are ASCII, which reads the same as Latin-1, the cheaper decoding.
  let text: string;
  if (isAscii(bytes)) text = bytes.toString('latin1');
  else if (isUtf8(bytes)) text = bytes.toString('utf8');
  else throw malformed(`${part}_utf8`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw malformed(`${part}_json`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw malformed(`${part}_not_object`);
  // Two `sub` members would let two readers of the same token see two users.
  if (hasDuplicateMembers(text, value)) throw malformed(`${part}_duplicate_member`);
  return value as Record<string, unknown>;
}

function checkHeader(header: Record<string, unknown>): JwtAlgorithm {
  const { alg } = header;
  if (typeof alg !== 'string') throw malformed('alg_missing');
  if (isForbiddenAlgorithm(alg)) {
    throw tokenError(
      'ERR_JWT_ALGORITHM',
      'forbidden',
      'The token uses a symmetric or "none" algorithm, which is never accepted. Have the issuer sign with ' +
        'RS256, PS256, ES256 or EdDSA.',
      'alg',
    );
  }
  if (!isJwtAlgorithm(alg)) {
    throw tokenError(
      'ERR_JWT_ALGORITHM',
      'unsupported',
      'The token algorithm is not supported. Have the issuer sign with RS*, PS*, ES* or EdDSA.',
      'alg',
    );
  }
  if (header.b64 !== undefined && header.b64 !== true) throw malformed('b64');
  if (header.crit !== undefined) {
    const crit = header.crit;
    if (!Array.isArray(crit) || crit.length === 0 || !crit.every((c) => typeof c === 'string')) {
      throw malformed('crit');
    }
    throw tokenError(
      'ERR_JWT_CRIT',
      'unsupported',
      'The token marks header parameters as critical ("crit") that this verifier does not implement. ' +
        'Issue the token without JWS extensions.',
      'crit',
    );
  }
  if (header.kid !== undefined && typeof header.kid !== 'string') throw malformed('kid');
  if (header.typ !== undefined && typeof header.typ !== 'string') throw malformed('typ');
  return alg;
}

/**
 * Splits and decodes a compact JWS. Checks, in order: type, size (before any decoding), shape, ASCII and
 * alphabet, strict base64url, JSON objects without duplicate member names, and the header's `alg`, `b64`,
 * `crit`, `kid` and `typ`.
 */
export function decodeJws(token: unknown, maxBytes: number): DecodedJws {
  if (typeof token !== 'string') throw malformed('not_string');
  if (token.length > maxBytes) {
    throw tokenError(
      'ERR_JWT_TOO_LARGE',
      'too_large',
      `The token is longer than ${maxBytes} bytes. Raise maxTokenBytes if your issuer really issues such tokens.`,
    );
  }
  // Three non-empty segments (the signature may be empty so that `alg: none` is reported as such).
  const dot1 = token.indexOf('.');
  const dot2 = dot1 < 1 ? -1 : token.indexOf('.', dot1 + 1);
  if (dot2 < 0 || dot2 === dot1 + 1 || token.indexOf('.', dot2 + 1) !== -1) throw malformed('segments');
  if (token.includes('+') || token.includes('/') || token.includes('=')) throw malformed('charset');
  // Base64 decoding and Latin-1 encoding keep only the low byte of a character above U+00FF ("Ń" reads as
  // "D"), so a look-alike string could pass for the real one. UTF-8 lengths equal character counts only for
  // ASCII: that refuses every non-ASCII character in one pass. Characters outside the alphabet but within
  // ASCII are caught by the exact decoded lengths below.
  const signingInput = Buffer.from(token.slice(0, dot2), 'utf8');
  const sig = token.slice(dot2 + 1);
  if (signingInput.length !== dot2 || Buffer.byteLength(sig, 'utf8') !== sig.length)
    throw malformed('charset');
  const headerSegment = token.slice(0, dot1);
  let known = headerCache.get(headerSegment);
  if (known === undefined) {
    const header = decodeJson(headerSegment, 'header');
    known = { header, alg: checkHeader(header) };
    // Only headers that pass every check are remembered; they are frozen because results share them.
    Object.freeze(header);
    if (headerSegment.length <= HEADER_CACHE_SEGMENT_MAX) {
      if (headerCache.size >= HEADER_CACHE_MAX) headerCache.clear();
      headerCache.set(headerSegment, known);
    }
  }
  const payload = decodeJson(token.slice(dot1 + 1, dot2), 'payload');
  if (sig.length === 0) {
    throw tokenError('ERR_JWT_SIGNATURE', 'missing', 'The token has no signature. Send a signed JWT.');
  }
  const signature = decodeSegment(sig, 'signature_base64url');
  return {
    header: known.header,
    payload,
    alg: known.alg,
    kid: known.header.kid as string | undefined,
    signingInput,
    signature,
  };
}
