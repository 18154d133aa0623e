/**
 * The runtime's `authorize`: IAM permission policies of callers and roles, the identity-context
 * allow-list for identity-enhanced sessions, and S3 Access Grants credentials limited to object calls.
 */
import type { EmulatorConfig, PolicyStatementConfig } from '../config/types.js';
import { evaluatePermissions, principalContext, wildcardMatch } from './policy.js';
import type { AuthorizationDecision, Caller } from './types.js';

/** IAM actions of the S3 object calls S3 Access Grants credentials may make (the S3 handler checks the key scope). */
const ACCESS_GRANTS_ACTIONS = [
  's3:GetObject',
  's3:GetObjectVersion',
  's3:GetObjectAttributes',
  's3:PutObject',
  's3:DeleteObject',
  's3:DeleteObjectVersion',
  's3:AbortMultipartUpload',
  's3:ListMultipartUploadParts',
  's3:ListBucket',
  's3:ListBucketMultipartUploads',
];

const allow = (reason: string): AuthorizationDecision => ({ allowed: true, reason });
const deny = (reason: string): AuthorizationDecision => ({ allowed: false, reason });

/** Builds `authorize(caller, action, resource)` over a validated configuration. */
export function createAuthorizer(
  config: EmulatorConfig,
): (caller: Caller, action: string, resource: string) => AuthorizationDecision {
  const callerPolicies = new Map<string, readonly PolicyStatementConfig[]>();
  for (const c of config.callers) callerPolicies.set(c.accessKeyId, c.permissions);
  const rolePolicies = new Map<string, readonly PolicyStatementConfig[]>();
  for (const r of config.roles) rolePolicies.set(r.arn, r.permissions);
  const allowList = config.identityContextAllowList;

  return (caller, action, resource) => {
    // GetCallerIdentity needs no permission and cannot be denied, as on AWS.
    if (action.toLowerCase() === 'sts:getcalleridentity')
      return allow('GetCallerIdentity needs no permission');
    if (caller.identityContext && !allowList.some((p) => wildcardMatch(p, action, true))) {
      return deny(`${action} is not in the identity-context allow-list`);
    }
    if (caller.kind === 'access-grants') {
      return ACCESS_GRANTS_ACTIONS.some((p) => wildcardMatch(p, action, true))
        ? allow('S3 Access Grants credentials (scope checked by S3)')
        : deny(`S3 Access Grants credentials cannot call ${action}`);
    }
    const statements =
      caller.kind === 'assumed-role'
        ? rolePolicies.get(caller.roleArn ?? '')
        : callerPolicies.get(caller.accessKeyId);
    if (!statements) return deny(`no permission policy for ${caller.arn}`);
    const outcome = evaluatePermissions(statements, action, resource, principalContext(caller));
    const owner = caller.kind === 'assumed-role' ? `role ${caller.roleArn}` : caller.arn;
    if (outcome.effect === 'deny') return deny(`explicit Deny (statement ${outcome.statement}) of ${owner}`);
    if (outcome.effect === 'none') return deny(`no Allow for ${action} in the policies of ${owner}`);
    // Session policies narrow the role's permissions: both must allow.
    if (caller.sessionPolicy) {
      const session = evaluatePermissions(caller.sessionPolicy, action, resource, principalContext(caller));
      if (session.effect === 'deny')
        return deny(`explicit Deny (statement ${session.statement}) of the session policy`);
      if (session.effect === 'none') return deny(`no Allow for ${action} in the session policy`);
      return allow(`Allow (statement ${outcome.statement}) of ${owner} and of the session policy`);
    }
    return allow(`Allow (statement ${outcome.statement}) of ${owner}`);
  };
}
