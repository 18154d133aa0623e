/**
 * Who may touch which object. Credentials vended by `GetDataAccess` are confined to their
 * {@link AccessGrantScope}: a key inside the scope with a permission the scope carries, and listings only
 * under a prefix scope. Every other caller is judged by IAM (`runtime.authorize`), which also applies the
 * identity-context allow-list that keeps identity-enhanced sessions away from object APIs.
 */
import type { Caller, EmulatorRuntime, OperationContext } from '../core/types.js';
import { servesPermission } from './grants.js';
import { accessDenied } from './replies.js';
import { coversKey, parseS3Target } from './s3-uri.js';

/** What an object access does: read, write, delete, abort or list the parts of an upload. */
export type ObjectAccessKind = 'read' | 'write' | 'delete' | 'abort' | 'parts';

/** An access to authorize. */
export type ObjectAccess =
  | { readonly kind: ObjectAccessKind; readonly bucket: string; readonly key: string }
  | { readonly kind: 'list'; readonly bucket: string; readonly prefix: string };

/**
 * The IAM action of each access kind and the Access Grants permission it needs. S3 Access Grants maps
 * READ to the read actions (GetObject, ListBucket) and WRITE to PutObject, DeleteObject,
 * AbortMultipartUpload and ListMultipartUploadParts.
 */
const ACCESS_RULES: Readonly<Record<ObjectAccess['kind'], { action: string; needs: 'READ' | 'WRITE' }>> = {
  read: { action: 's3:GetObject', needs: 'READ' },
  list: { action: 's3:ListBucket', needs: 'READ' },
  write: { action: 's3:PutObject', needs: 'WRITE' },
  delete: { action: 's3:DeleteObject', needs: 'WRITE' },
  abort: { action: 's3:AbortMultipartUpload', needs: 'WRITE' },
  parts: { action: 's3:ListMultipartUploadParts', needs: 'WRITE' },
};

/** The S3 URI an access names, for the audit log. */
export function accessUri(access: ObjectAccess): string {
  return `s3://${access.bucket}/${access.kind === 'list' ? `${access.prefix}*` : access.key}`;
}

/** Why the scope of vended credentials does not allow `access`; undefined when it does. */
export function scopeDenial(
  scopeTarget: string,
  permission: 'READ' | 'WRITE' | 'READWRITE',
  access: ObjectAccess,
): string | undefined {
  const parsed = parseS3Target(scopeTarget);
  if (!parsed.ok) return 'the credentials carry an unusable grant scope';
  const scope = parsed.target;
  const needed = ACCESS_RULES[access.kind].needs;
  if (!servesPermission(permission, needed)) return `the grant scope allows ${permission}, not ${needed}`;
  if (access.kind === 'list') {
    if (scope.prefix && scope.bucket === access.bucket && access.prefix.startsWith(scope.key))
      return undefined;
    return `listing needs a prefix inside the grant scope ${scopeTarget}`;
  }
  return coversKey(scope, access.bucket, access.key)
    ? undefined
    : `the key is outside the grant scope ${scopeTarget}`;
}

/** Why `access` is refused to the caller of `ctx` (audited either way); undefined when it is allowed. */
export function objectAccessDenial(
  ctx: OperationContext<EmulatorRuntime>,
  access: ObjectAccess,
): string | undefined {
  const caller = ctx.caller;
  const uri = accessUri(access);
  if (!caller) return 'the request is not signed';
  let reason: string | undefined;
  if (caller.kind === 'access-grants' || caller.accessGrantScope) {
    const scope = caller.accessGrantScope;
    reason = scope
      ? scopeDenial(scope.target, scope.permission, access)
      : 'the credentials carry no grant scope';
  } else {
    const action = ACCESS_RULES[access.kind].action;
    const resource =
      access.kind === 'list'
        ? `arn:aws:s3:::${access.bucket}`
        : `arn:aws:s3:::${access.bucket}/${access.key}`;
    const decision = ctx.state.authorize(caller, action, resource);
    if (!decision.allowed) reason = decision.reason;
  }
  if (reason !== undefined) {
    ctx.audit('denied', uri, reason);
    return reason;
  }
  ctx.audit(
    'allowed',
    uri,
    caller.accessGrantScope ? `grant scope ${caller.accessGrantScope.target}` : 'IAM',
  );
  return undefined;
}

/** Authorizes `access` for the caller of `ctx`; audits the decision; throws AccessDenied (403) on denial. */
export function authorizeObjectAccess(ctx: OperationContext<EmulatorRuntime>, access: ObjectAccess): Caller {
  const reason = objectAccessDenial(ctx, access);
  if (reason !== undefined || !ctx.caller) throw accessDenied(`Access Denied: ${reason ?? 'unsigned'}.`);
  return ctx.caller;
}
