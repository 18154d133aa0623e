/**
 * The credentials of `tip-sdk doctor`'s administrator checks — the access role's trust policy (IAM) and
 * the IAM Identity Center setup (sso-admin, identitystore) — and how a refusal becomes "skipped". These
 * checks read the account's configuration, which a user's own role may not: they run with
 * {@link DoctorAdmin} credentials (by default the AWS SDK's default credential chain, never the user's
 * identity-enhanced session), and an `AccessDenied` or missing credentials report the check as skipped,
 * naming the IAM actions it needs, never as failed.
 *
 * @module
 */
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@aws-sdk/types';
import { awsErrorCode, mapAwsError } from '../aws/map-error.js';
import { isTipError, type TipError } from '../errors.js';
import type { DoctorCheck } from './doctor.js';
import type { ResolvedProfile } from './profile.js';

/**
 * Which AWS credentials the administrator checks use. Default: the AWS SDK's default credential chain
 * (environment, `AWS_PROFILE`, `~/.aws/config`, SSO, instance roles).
 */
export interface DoctorAdmin {
  /** A named profile of `~/.aws/config` / `~/.aws/credentials` (`--admin-profile`). Default: the default chain. */
  readonly profile?: string;
  /** Explicit credentials (or a provider); win over `profile`. */
  readonly credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
}

/** The client configuration of an administrator check's AWS client: one attempt, the profile's endpoint. */
export function adminClientConfig(
  profile: ResolvedProfile,
  admin: DoctorAdmin | undefined,
): {
  region: string;
  maxAttempts: number;
  endpoint?: string;
  profile?: string;
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
} {
  return {
    region: profile.region,
    maxAttempts: 1,
    ...(profile.endpoint === undefined ? {} : { endpoint: profile.endpoint }),
    ...(admin?.credentials !== undefined
      ? {
          // A fresh object: the SDK writes `$source` onto the credentials it is given.
          credentials: typeof admin.credentials === 'function' ? admin.credentials : { ...admin.credentials },
        }
      : admin?.profile !== undefined
        ? { profile: admin.profile }
        : {}),
  };
}

/** AWS error codes of a refused call (the caller lacks the permission). */
const REFUSED = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation']);

/** The error of an administrator call as a {@link TipError}, and whether it was a refusal of the caller. */
export function adminFailure(
  error: unknown,
  service: string,
  operation: string,
): { error: TipError; refused: boolean } {
  const mapped = isTipError(error) ? error : mapAwsError(error, { service, operation });
  const code = awsErrorCode(error);
  const refused =
    (code !== undefined && REFUSED.has(code)) ||
    mapped.code === 'ERR_ACCESS_DENIED' ||
    mapped.code === 'ERR_AWS_CREDENTIALS';
  return { error: mapped, refused };
}

/** The one-line fix of a skipped administrator check. */
export function adminFix(actions: readonly string[]): string {
  return `run doctor with administrator credentials (the AWS default chain, or --admin-profile NAME) allowed ${actions.join(', ')}`;
}

/** A check skipped because the administrator call was refused or had no credentials. */
export function adminSkipped(name: string, actions: readonly string[], error: TipError): DoctorCheck {
  return {
    name,
    outcome: 'skip',
    detail: `skipped: needs ${actions.join(', ')} (${error.code})`,
    fix: adminFix(actions),
  };
}

/** A check skipped because an optional AWS client is not installed (`details.install` of the error). */
export function peerSkipped(name: string, error: TipError): DoctorCheck {
  const install = (error.details as { install?: unknown } | undefined)?.install;
  return {
    name,
    outcome: 'skip',
    detail: `skipped: ${error.message.split(';')[0]}`,
    fix: typeof install === 'string' ? install : 'see docs/getting-started.md for the optional packages',
  };
}
