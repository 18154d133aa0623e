/**
 * Validates the `Credentials` of an STS answer: an AWS answer is untrusted input, and a half-formed
 * credential must fail loudly rather than reach a user's SDK client.
 *
 * @module
 */
import { TipError } from '../errors.js';
import type { RoleCredentials } from './types.js';

const ACCESS_KEY_ID = /^[A-Z0-9]{16,128}$/;

/**
 * The role credentials in `output`, or `ERR_STS_RESPONSE_INVALID`.
 *
 * @param output - The SDK output (untrusted shape).
 * @param operation - `AssumeRole` or `AssumeRoleWithWebIdentity`, for the error.
 * @param now - Epoch milliseconds; credentials already expired are refused.
 * @param sessionName - When given, `AssumedRoleUser.Arn` (if present) must end with it: the answer is for
 *   this session and no other.
 */
export function parseStsCredentials(
  output: unknown,
  operation: string,
  now: number,
  sessionName?: string,
): RoleCredentials {
  const o = (typeof output === 'object' && output !== null ? output : {}) as Record<string, unknown>;
  const meta = o.$metadata as { requestId?: unknown } | undefined;
  const requestId = typeof meta?.requestId === 'string' ? meta.requestId : undefined;
  const fail = (reason: string): TipError =>
    new TipError(
      'ERR_STS_RESPONSE_INVALID',
      `STS answered ${operation} with a response tip-sdk cannot use (${reason}); check the endpoint.`,
      { details: { service: 'sts', operation, reason }, ...(requestId === undefined ? {} : { requestId }) },
    );
  const c = o.Credentials as Record<string, unknown> | undefined;
  if (typeof c !== 'object' || c === null) throw fail('Credentials is missing');
  const { AccessKeyId, SecretAccessKey, SessionToken, Expiration } = c;
  if (typeof AccessKeyId !== 'string' || !ACCESS_KEY_ID.test(AccessKeyId))
    throw fail('AccessKeyId is malformed');
  if (typeof SecretAccessKey !== 'string' || SecretAccessKey.length < 16 || SecretAccessKey.length > 256) {
    throw fail('SecretAccessKey is malformed');
  }
  if (typeof SessionToken !== 'string' || SessionToken.length === 0 || SessionToken.length > 16_384) {
    throw fail('SessionToken is malformed');
  }
  const expiration = Expiration instanceof Date ? Expiration : undefined;
  if (expiration === undefined || !Number.isFinite(expiration.getTime()))
    throw fail('Expiration is malformed');
  if (expiration.getTime() <= now) throw fail('the credentials are already expired');
  if (sessionName !== undefined) {
    const user = o.AssumedRoleUser as { Arn?: unknown } | undefined;
    if (user !== undefined && user !== null) {
      if (typeof user.Arn !== 'string' || !user.Arn.endsWith(`/${sessionName}`)) {
        throw fail('AssumedRoleUser is another session');
      }
    }
  }
  return Object.freeze({
    accessKeyId: AccessKeyId,
    secretAccessKey: SecretAccessKey,
    sessionToken: SessionToken,
    expiration,
  });
}
