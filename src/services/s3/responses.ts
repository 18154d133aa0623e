/**
 * GetDataAccess answers and denials as tip-sdk values and errors.
 *
 * @module
 */
import type { GetDataAccessCommandOutput } from '@aws-sdk/client-s3-control';
import { TipError, isTipError } from '../../errors.js';
import type { DataAccess } from './types.js';
import { formatTarget, invalidScope, validScope } from './uri.js';
import type { GrantPermission, S3Target } from './uri.js';

/** The `ERR_ACCESS_DENIED` of a GetDataAccess refusal, keeping the AWS error's details and request id. */
export function deniedError(target: string, permission: GrantPermission, cause?: unknown): TipError {
  const base = isTipError(cause) ? cause : undefined;
  return new TipError(
    'ERR_ACCESS_DENIED',
    `S3 Access Grants gives this user no ${permission} grant covering ${target}: add a grant for the user or one of their groups.`,
    {
      cause,
      details: {
        ...(base?.details ?? {}),
        service: 's3-control',
        operation: 'GetDataAccess',
        target,
        permission,
      },
      ...(base?.requestId === undefined ? {} : { requestId: base.requestId }),
    },
  );
}

/**
 * Validates a GetDataAccess answer into {@link DataAccess}: complete credentials with an expiry and a sane
 * `MatchedGrantTarget`, else `ERR_SERVICE_RESPONSE_INVALID`. A `Minimal` answer is scoped to `target`.
 */
export function readAccess(
  out: GetDataAccessCommandOutput,
  target: S3Target,
  permission: GrantPermission,
  privilege: 'Default' | 'Minimal',
): DataAccess {
  const c = out.Credentials;
  const expiration = c?.Expiration;
  if (
    typeof c?.AccessKeyId !== 'string' ||
    typeof c.SecretAccessKey !== 'string' ||
    typeof c.SessionToken !== 'string' ||
    !(expiration instanceof Date) ||
    Number.isNaN(expiration.getTime())
  ) {
    throw new TipError(
      'ERR_SERVICE_RESPONSE_INVALID',
      'GetDataAccess returned no complete credentials; check the S3 Control endpoint.',
      { details: { service: 's3-control', operation: 'GetDataAccess' } },
    );
  }
  if (!validScope(out.MatchedGrantTarget)) throw invalidScope();
  const matched = out.MatchedGrantTarget;
  const grantee =
    typeof out.Grantee?.GranteeType === 'string' && typeof out.Grantee.GranteeIdentifier === 'string'
      ? { type: out.Grantee.GranteeType, id: out.Grantee.GranteeIdentifier }
      : undefined;
  return Object.freeze({
    // Not frozen: SDK clients annotate the credentials object they are given.
    credentials: {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      sessionToken: c.SessionToken,
      expiration,
    },
    scope: privilege === 'Minimal' ? formatTarget(target) : matched,
    matchedGrantTarget: matched,
    permission,
    grantee,
    expiresAt: expiration.getTime(),
  });
}
