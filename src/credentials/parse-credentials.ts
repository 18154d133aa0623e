/**
 * Validates the `Credentials` and `AssumedRoleUser` of an STS answer: an AWS answer is untrusted input,
 * and a half-formed credential must fail loudly rather than reach a user's SDK client. Lifetimes are
 * bounded by what was asked for, so a wrong `Expiration` cannot keep credentials cached for longer.
 *
 * @module
 */
import { TipError } from '../errors.js';
import type { RoleCredentials } from './types.js';

const ACCESS_KEY_ID = /^[A-Z0-9]{16,128}$/;
/** `arn:<partition>:sts::<account>:assumed-role/<role path and name>/<session>`. */
const ASSUMED_ROLE_ARN = /^arn:aws[a-z-]*:sts::\d{12}:assumed-role\/[\w+=,.@/-]{1,512}\/[\w+=,.@-]{2,64}$/;

/** What the answer must match: what was asked for. */
export interface StsAnswerExpectations {
  /** Epoch milliseconds: credentials already expired are refused; lifetimes are counted from here. */
  readonly now: number;
  /**
   * The `RoleSessionName` asked for: `AssumedRoleUser.Arn` must be an assumed-role ARN of exactly this
   * session (and `AssumedRoleId`, when present, end with `:<session>`).
   */
  readonly sessionName: string;
  /** The `DurationSeconds` asked for: a later `Expiration` is clamped to `now` + this. */
  readonly durationSeconds: number;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/**
 * The role credentials in `output`, or `ERR_STS_RESPONSE_INVALID`.
 *
 * @param output - The SDK output (untrusted shape).
 * @param operation - `AssumeRole` or `AssumeRoleWithWebIdentity`, for the error.
 * @param expected - Time, session name and duration of the request.
 */
export function parseStsCredentials(
  output: unknown,
  operation: string,
  expected: StsAnswerExpectations,
): RoleCredentials {
  const o = record(output) ?? {};
  const meta = record(o.$metadata);
  const requestId = typeof meta?.requestId === 'string' ? meta.requestId : undefined;
  const fail = (reason: string): TipError =>
    new TipError(
      'ERR_STS_RESPONSE_INVALID',
      `STS answered ${operation} with a response tip-sdk cannot use (${reason}); check the endpoint.`,
      { details: { service: 'sts', operation, reason }, ...(requestId === undefined ? {} : { requestId }) },
    );
  const c = record(o.Credentials);
  if (c === undefined) throw fail('Credentials is missing');
  const { AccessKeyId, SecretAccessKey, SessionToken, Expiration } = c;
  if (typeof AccessKeyId !== 'string' || !ACCESS_KEY_ID.test(AccessKeyId))
    throw fail('AccessKeyId is malformed');
  if (typeof SecretAccessKey !== 'string' || SecretAccessKey.length < 16 || SecretAccessKey.length > 256) {
    throw fail('SecretAccessKey is malformed');
  }
  if (typeof SessionToken !== 'string' || SessionToken.length === 0 || SessionToken.length > 16_384) {
    throw fail('SessionToken is malformed');
  }
  const expiresAt = Expiration instanceof Date ? Expiration.getTime() : Number.NaN;
  if (!Number.isFinite(expiresAt)) throw fail('Expiration is malformed');
  if (expiresAt <= expected.now) throw fail('the credentials are already expired');
  const user = record(o.AssumedRoleUser);
  if (user === undefined) throw fail('AssumedRoleUser is missing');
  const { Arn, AssumedRoleId } = user;
  if (typeof Arn !== 'string' || !ASSUMED_ROLE_ARN.test(Arn)) throw fail('AssumedRoleUser.Arn is malformed');
  if (!Arn.endsWith(`/${expected.sessionName}`)) throw fail('AssumedRoleUser is another session');
  if (
    AssumedRoleId !== undefined &&
    (typeof AssumedRoleId !== 'string' || !AssumedRoleId.endsWith(`:${expected.sessionName}`))
  ) {
    throw fail('AssumedRoleUser.AssumedRoleId is another session');
  }
  const latest = expected.now + expected.durationSeconds * 1000;
  return Object.freeze({
    accessKeyId: AccessKeyId,
    secretAccessKey: SecretAccessKey,
    sessionToken: SessionToken,
    expiration: new Date(Math.min(expiresAt, latest)),
  });
}
