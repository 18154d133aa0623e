/**
 * s3-control `GetDataAccess`: vends temporary credentials scoped to the caller's best matching access grant.
 *
 * The vended credentials act as the location's IAM role and carry an {@link AccessGrantScope}; the S3
 * object service lets them touch only keys inside that scope with that permission. They carry no identity
 * context, so the identity-context allow-list does not apply to them (as on AWS, where S3 honours them).
 */
import type { AccessGrantScope, EmulatorRuntime, OperationContext, RawReply } from '../core/types.js';
import { authorizeOnInstance, intParam, openInstance } from './control-checks.js';
import {
  type AccessGrantsInstance,
  callerGrantees,
  type GrantPermission,
  grantsOf,
  matchGrant,
  type ResolvedGrant,
} from './grants.js';
import { accessDenied, clip, invalidRequest, xmlReply } from './replies.js';
import { coversTarget, formatS3Target, parseS3Target, type S3Target } from './s3-uri.js';

/** Namespace of S3 Control responses. */
export const S3_CONTROL_NAMESPACE = 'http://awss3control.amazonaws.com/doc/2018-08-20/';

/** Bounds of `durationSeconds`, seconds. */
export const DATA_ACCESS_MIN_SECONDS = 900;
/** Upper bound of `durationSeconds`, seconds (12 h). */
export const DATA_ACCESS_MAX_SECONDS = 43200;
/** Default of `durationSeconds`, seconds (1 h). */
export const DATA_ACCESS_DEFAULT_SECONDS = 3600;

const PERMISSIONS: readonly GrantPermission[] = ['READ', 'WRITE', 'READWRITE'];

/** Handles `GetDataAccess` against `instance` (undefined when none is configured). */
export function getDataAccess(
  ctx: OperationContext<EmulatorRuntime>,
  instance: AccessGrantsInstance | undefined,
): RawReply {
  const { caller, inst } = openInstance(ctx, instance);
  const query = ctx.raw.query;
  const rawTarget = query.target ?? '';
  const parsed = parseS3Target(rawTarget);
  if (!parsed.ok) {
    ctx.audit('denied', clip(rawTarget), `invalid target: ${parsed.problem}`);
    throw invalidRequest(`Invalid target: ${parsed.problem}.`);
  }
  const target = parsed.target;
  const resource = formatS3Target(target);
  const permission = query.permission as GrantPermission;
  if (!PERMISSIONS.includes(permission)) {
    throw invalidRequest('Invalid permission: send READ, WRITE or READWRITE.');
  }
  const duration = intParam(
    query.durationSeconds,
    'durationSeconds',
    DATA_ACCESS_MIN_SECONDS,
    DATA_ACCESS_MAX_SECONDS,
    DATA_ACCESS_DEFAULT_SECONDS,
  );
  const privilege = query.privilege ?? 'Default';
  if (privilege !== 'Default' && privilege !== 'Minimal') {
    throw invalidRequest(
      'Invalid privilege: send Default (scope of the matched grant) or Minimal (the target).',
    );
  }
  const targetType = query.targetType;
  if (targetType !== undefined && targetType !== '' && targetType !== 'Object') {
    throw invalidRequest('Invalid targetType: the only value is Object.');
  }
  if (targetType === 'Object' && target.prefix) {
    throw invalidRequest(
      'targetType Object needs an object target (s3://bucket/key), not a prefix ending in *.',
    );
  }
  authorizeOnInstance(ctx, ctx.state.authorize, caller, 's3:GetDataAccess', inst);

  const grantees = callerGrantees(caller);
  const grant = matchGrant(inst, grantees, target, permission);
  if (!grant) {
    const reason = denialReason(inst, grantees, target, permission);
    ctx.audit('denied', resource, reason);
    throw accessDenied(`You do not have the requested permissions to the requested S3 Prefix: ${reason}.`);
  }
  const scope: S3Target = privilege === 'Minimal' ? target : grant.target;
  const grantScope: AccessGrantScope = { target: formatS3Target(scope), permission, grantee: grant.grantee };
  const expiresAt = ctx.now + duration * 1000;
  const credentials = ctx.state.credentials.issue(
    { ...locationSession(inst, grant), accessGrantScope: grantScope },
    expiresAt,
  );
  ctx.audit(
    'allowed',
    resource,
    `grant ${grant.targetText} (${grant.permission}) for ${grant.grantee.type}; scope ${grantScope.target} ${permission}`,
  );
  return xmlReply(
    'GetDataAccessResult',
    {
      Credentials: {
        AccessKeyId: credentials.accessKeyId,
        SecretAccessKey: credentials.secretAccessKey,
        SessionToken: credentials.sessionToken,
        Expiration: new Date(credentials.expiresAt),
      },
      MatchedGrantTarget: grant.targetText,
      Grantee: { GranteeType: grant.grantee.type, GranteeIdentifier: grant.grantee.id },
    },
    S3_CONTROL_NAMESPACE,
  );
}

/** The role session the vended credentials act as: the location's role, session named for the grantee. */
function locationSession(inst: AccessGrantsInstance, grant: ResolvedGrant) {
  const roleArn = grant.location.iamRoleArn;
  const match = /^arn:([^:]+):iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(roleArn);
  const partition = match?.[1] ?? 'aws';
  const accountId = match?.[2] ?? inst.accountId;
  const roleName = match?.[3] ?? 'unknown';
  const sessionName = `access-grants-${grant.grantee.id}`.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
  return {
    kind: 'access-grants' as const,
    accountId,
    arn: `arn:${partition}:sts::${accountId}:assumed-role/${roleName}/${sessionName}`,
    roleArn,
    sessionName,
  };
}

/** Why no grant matched, helpfully but without listing other principals' grants. */
function denialReason(
  inst: AccessGrantsInstance,
  grantees: ReturnType<typeof callerGrantees>,
  target: S3Target,
  permission: GrantPermission,
): string {
  if (grantees.length === 0) return 'these credentials cannot act as an Access Grants grantee';
  const covering = grantsOf(inst, grantees).filter((g) => coversTarget(g.target, target));
  if (covering.length > 0) {
    const held = [...new Set(covering.map((g) => g.permission))].join(', ');
    return `the caller's grants covering ${formatS3Target(target)} allow only ${held}, not ${permission}`;
  }
  return `no access grant of the caller covers ${formatS3Target(target)}; request a target inside a granted prefix`;
}
