/** Deterministic STS/IAM unique ids (`AROA…`, `AIDA…`) and assumed-role ARNs. */
import { createHash } from 'node:crypto';
import { arnAccount } from '../core/registry.js';
import type { Caller } from '../core/types.js';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** `prefix` + 17 characters derived from `seed`, like IAM unique ids. */
export function uniqueId(prefix: string, seed: string): string {
  const bytes = createHash('sha256').update(seed).digest();
  let out = prefix;
  for (let i = 0; i < 17; i++) out += BASE32[bytes[i]! % 32];
  return out;
}

/** The role name (last path segment) of a role ARN. */
export function roleName(roleArn: string): string {
  return roleArn.slice(roleArn.lastIndexOf('/') + 1);
}

/** `arn:aws:sts::<acct>:assumed-role/<Role>/<session>`. */
export function assumedRoleArn(roleArn: string, session: string): string {
  return `arn:aws:sts::${arnAccount(roleArn)}:assumed-role/${roleName(roleArn)}/${session}`;
}

/** `AROA…:<session>` as `AssumedRoleUser.AssumedRoleId` and GetCallerIdentity `UserId` show it. */
export function assumedRoleId(roleArn: string, session: string): string {
  return `${uniqueId('AROA', roleArn)}:${session}`;
}

/** GetCallerIdentity `UserId` of a caller. */
export function callerUserId(caller: Caller): string {
  switch (caller.kind) {
    case 'root':
      return caller.accountId;
    case 'iam-user':
      return uniqueId('AIDA', caller.arn);
    case 'role':
      return uniqueId('AROA', caller.arn);
    default:
      return assumedRoleId(caller.roleArn ?? caller.arn, caller.sessionName ?? 'session');
  }
}
