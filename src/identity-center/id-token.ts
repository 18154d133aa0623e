/**
 * Reads the IdC ID token returned by `CreateTokenWithIAM`. Its signature is not checked — as in every
 * public sample: it arrived over TLS in a SigV4-signed AWS answer and AWS publishes no JWKS for it — so
 * its shape is validated strictly instead, and anything odd is refused rather than guessed.
 *
 * @module
 */
import { Buffer } from 'node:buffer';

/** The facts tip-sdk takes from an IdC ID token. */
export interface IdcIdTokenClaims {
  /** `sub`: the IdC user id. */
  readonly sub: string;
  /** `aud` as an array (the application ARN). */
  readonly audience: readonly string[];
  /** `sts:identity_context`, when present. Secret. */
  readonly identityContext: string | undefined;
  /** `aws:identity_store_id`. */
  readonly identityStoreId: string;
  /** `aws:identity_store_arn`, when present. */
  readonly identityStoreArn: string | undefined;
  /** `aws:instance_arn`, when present. */
  readonly instanceArn: string | undefined;
  /** `exp` in epoch milliseconds, when present. */
  readonly expiresAt: number | undefined;
}

/** Why an ID token was refused; a short, non-secret reason. */
export class IdTokenShapeError extends Error {
  constructor(readonly reason: string) {
    super(`IdC ID token refused: ${reason}`);
    this.name = 'IdTokenShapeError';
  }
}

/** Largest ID token accepted, in characters. */
export const MAX_ID_TOKEN_LENGTH = 16_384;
/** Identity-context length bounds of STS `ContextAssertion` (PROTOCOL.md §2). */
export const CONTEXT_MIN = 4;
/** Identity-context length bounds of STS `ContextAssertion` (PROTOCOL.md §2). */
export const CONTEXT_MAX = 2048;

const B64URL = /^[A-Za-z0-9_-]+$/;
const USER_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const STORE_ID = /^(d-[0-9a-f]{10}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;
const STORE_ARN = /^arn:aws[a-z-]*:identitystore::[0-9]{12}:identitystore\/[A-Za-z0-9-]{1,64}$/;
const INSTANCE_ARN = /^arn:aws[a-z-]*:sso:::instance\/(sso)?ins-[A-Za-z0-9.-]{16}$/;
const PRINTABLE = /^[\x21-\x7e]+$/;

function decodeSegment(segment: string, what: string): Record<string, unknown> {
  if (segment.length === 0 || !B64URL.test(segment)) throw new IdTokenShapeError(`${what} is not base64url`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  } catch {
    throw new IdTokenShapeError(`${what} is not JSON`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new IdTokenShapeError(`${what} is not a JSON object`);
  }
  return parsed as Record<string, unknown>;
}

function optionalString(claims: Record<string, unknown>, name: string, pattern: RegExp): string | undefined {
  if (!Object.hasOwn(claims, name) || claims[name] === undefined) return undefined;
  const value = claims[name];
  if (typeof value !== 'string' || !pattern.test(value)) throw new IdTokenShapeError(`${name} is malformed`);
  return value;
}

/**
 * Validates a string as an STS identity context: printable ASCII, 4–2048 characters.
 *
 * @throws IdTokenShapeError when it is not.
 */
export function checkIdentityContext(value: unknown, where: string): string {
  if (
    typeof value !== 'string' ||
    value.length < CONTEXT_MIN ||
    value.length > CONTEXT_MAX ||
    !PRINTABLE.test(value)
  ) {
    throw new IdTokenShapeError(`${where} is not a 4–2048 character printable string`);
  }
  return value;
}

/**
 * Decodes and validates an IdC ID token without checking its signature.
 *
 * @param token - The `idToken` field of the `CreateTokenWithIAM` answer (untrusted shape).
 * @throws IdTokenShapeError with a non-secret reason for anything malformed.
 */
export function parseIdcIdToken(token: unknown): IdcIdTokenClaims {
  if (typeof token !== 'string') throw new IdTokenShapeError('not a string');
  if (token.length > MAX_ID_TOKEN_LENGTH) throw new IdTokenShapeError('too large');
  const parts = token.split('.');
  if (parts.length !== 3) throw new IdTokenShapeError('not a compact JWT');
  decodeSegment(parts[0]!, 'header');
  const claims = decodeSegment(parts[1]!, 'payload');

  const sub = claims.sub;
  if (typeof sub !== 'string' || !USER_ID.test(sub))
    throw new IdTokenShapeError('sub is missing or malformed');
  const identityStoreId = optionalString(claims, 'aws:identity_store_id', STORE_ID);
  if (identityStoreId === undefined) throw new IdTokenShapeError('aws:identity_store_id is missing');

  const aud = claims.aud;
  let audience: string[];
  if (typeof aud === 'string' && aud.length > 0) audience = [aud];
  else if (Array.isArray(aud) && aud.length > 0 && aud.every((a) => typeof a === 'string' && a.length > 0)) {
    audience = aud as string[];
  } else throw new IdTokenShapeError('aud is missing or malformed');

  let expiresAt: number | undefined;
  if (Object.hasOwn(claims, 'exp')) {
    const exp = claims.exp;
    if (typeof exp !== 'number' || !Number.isFinite(exp) || exp <= 0)
      throw new IdTokenShapeError('exp is malformed');
    expiresAt = exp * 1000;
  }
  const identityContext = Object.hasOwn(claims, 'sts:identity_context')
    ? checkIdentityContext(claims['sts:identity_context'], 'sts:identity_context')
    : undefined;

  return Object.freeze({
    sub,
    audience: Object.freeze(audience),
    identityContext,
    identityStoreId,
    identityStoreArn: optionalString(claims, 'aws:identity_store_arn', STORE_ARN),
    instanceArn: optionalString(claims, 'aws:instance_arn', INSTANCE_ARN),
    expiresAt,
  });
}
