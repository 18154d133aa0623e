/**
 * The doctor's reading of the access role's trust policy (IAM `GetRole`): does it allow both
 * `sts:AssumeRole` and `sts:SetContext` for the principal that assumes it? Read-only; needs AWS
 * credentials allowed `iam:GetRole` (the default chain), and the optional `@aws-sdk/client-iam`.
 *
 * @module
 */
import { isTipError } from '../errors.js';
import { mapAwsError } from '../aws/map-error.js';
import type { DoctorCheck } from './doctor.js';
import type { ResolvedProfile } from './profile.js';

interface Statement {
  readonly Effect?: unknown;
  readonly Action?: unknown;
  readonly Principal?: unknown;
}

function list(value: unknown): string[] {
  return (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
}

function actionMatches(actions: unknown, wanted: string): boolean {
  return list(actions).some((a) => a === '*' || a === 'sts:*' || a.toLowerCase() === wanted.toLowerCase());
}

function principalMatches(principal: unknown, arn: string | undefined): boolean {
  if (principal === '*') return true;
  if (typeof principal !== 'object' || principal === null) return false;
  const aws = list((principal as { AWS?: unknown }).AWS);
  if (arn === undefined) return aws.length > 0;
  const account = /^arn:[^:]+:iam::(\d{12}):/.exec(arn)?.[1];
  return aws.some((p) => p === '*' || p === arn || p === account || p === `arn:aws:iam::${account}:root`);
}

/** Which of the two actions the trust policy `document` allows for `principal` (any AWS principal when undefined). */
export function trustAllows(
  document: unknown,
  principal: string | undefined,
): { assumeRole: boolean; setContext: boolean } {
  const raw = (document as { Statement?: unknown } | null)?.Statement;
  const all = [raw].flat().filter((s): s is Statement => typeof s === 'object' && s !== null);
  const allows = (action: string) =>
    all.some(
      (s) =>
        s.Effect === 'Allow' && actionMatches(s.Action, action) && principalMatches(s.Principal, principal),
    ) &&
    !all.some(
      (s) =>
        s.Effect === 'Deny' && actionMatches(s.Action, action) && principalMatches(s.Principal, principal),
    );
  return { assumeRole: allows('sts:AssumeRole'), setContext: allows('sts:SetContext') };
}

/** The trust-policy check of `profile`'s access role. */
export async function checkTrustPolicy(profile: ResolvedProfile): Promise<DoctorCheck> {
  const name = 'access role trust policy';
  const roleArn = profile.accessRoleArn;
  if (roleArn === undefined) return { name, outcome: 'skip', detail: 'no accessRoleArn in the profile' };
  let iam: typeof import('@aws-sdk/client-iam');
  try {
    iam = await import('@aws-sdk/client-iam');
  } catch {
    return {
      name,
      outcome: 'skip',
      detail: 'not read: @aws-sdk/client-iam is not installed',
      fix: 'npm install @aws-sdk/client-iam to check the trust policy',
    };
  }
  const client = new iam.IAMClient({
    region: profile.region,
    maxAttempts: 1,
    ...(profile.endpoint === undefined ? {} : { endpoint: profile.endpoint }),
  });
  let document: unknown;
  try {
    const out = await client.send(new iam.GetRoleCommand({ RoleName: roleArn.split('/').pop() }));
    document = JSON.parse(decodeURIComponent(out.Role?.AssumeRolePolicyDocument ?? ''));
  } catch (error) {
    const mapped = isTipError(error)
      ? error
      : mapAwsError(error, { service: 'iam', operation: 'GetRole', roleArn });
    if (mapped.code === 'ERR_NOT_FOUND') {
      return {
        name,
        outcome: 'fail',
        detail: `${roleArn} does not exist`,
        fix: 'create the role, or correct accessRoleArn',
      };
    }
    return {
      name,
      outcome: 'skip',
      detail: `not read (${mapped.code})`,
      fix: 'run doctor with AWS credentials allowed iam:GetRole to check the trust policy',
    };
  } finally {
    client.destroy();
  }
  const principal = profile.webIdentityRoleArn;
  const { assumeRole, setContext } = trustAllows(document, principal);
  const who = principal ?? 'an AWS principal';
  if (assumeRole && setContext)
    return {
      name,
      outcome: 'pass',
      detail: `${roleArn} allows sts:AssumeRole and sts:SetContext for ${who}`,
    };
  const missing = [assumeRole ? undefined : 'sts:AssumeRole', setContext ? undefined : 'sts:SetContext']
    .filter(Boolean)
    .join(' and ');
  return {
    name,
    outcome: 'fail',
    detail: `${roleArn} does not allow ${missing} for ${who}`,
    fix: `add an Allow statement with Principal {"AWS": "${principal ?? '<the caller>'}"} and Action ["sts:AssumeRole", "sts:SetContext"] to the role's trust policy`,
  };
}
