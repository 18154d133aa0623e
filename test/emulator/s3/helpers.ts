import { randomBytes } from 'node:crypto';
import type { EmulatorConfig } from '../../../src/emulator/config/types.js';
import {
  AwsServiceError,
  type Caller,
  type CredentialRegistry,
  type EmulatorRuntime,
  type IssuedCredentials,
  type RawReply,
  type RawRequest,
  type ServiceModule,
} from '../../../src/emulator/core/types.js';
import { ACCOUNT, APP_ARN, INSTANCE_ARN, STORE_ID, baseConfig } from '../support/identities.js';
import { type AuditRecord, clockedRuntime, operationContext } from '../support/runtime.js';

export { ACCOUNT };
export const LOCATION_ROLE = `arn:aws:iam::${ACCOUNT}:role/ag-location`;
export const RESTRICTED_ROLE = `arn:aws:iam::${ACCOUNT}:role/ag-restricted`;
export const ETL_ROLE = `arn:aws:iam::${ACCOUNT}:role/etl`;
export const SVC_USER = `arn:aws:iam::${ACCOUNT}:user/svc`;

export const OBJECTS: Record<string, string> = {
  'team-a/report.csv': 'a,b\n1,2\n',
  'team-a/deep/x.csv': 'deep',
  'team-a/sub/y.csv': 'y',
  'team-b/secret.csv': 'secret',
  'shared/readme.txt': 'hello',
  'eng/a.txt': 'eng',
  'reports/q1.csv': 'q1',
  'reports/q2.csv': 'q2',
  'etl/in.csv': 'in',
  'svc/a.txt': 'svc',
  'restricted/carol/c.txt': 'carol',
};

/** A resolved configuration with users, groups, two locations, a grant table and one bucket. */
export function s3Config(
  accessGrants: EmulatorConfig['s3']['accessGrants'] | null = undefined,
): EmulatorConfig {
  return baseConfig({
    s3: {
      buckets: [{ name: 'lake', objects: OBJECTS }, { name: 'empty-bucket' }],
      accessGrants:
        accessGrants === null
          ? undefined
          : (accessGrants ?? {
              locations: [
                { scope: 's3://', iamRoleArn: LOCATION_ROLE },
                { scope: 's3://lake/restricted/', iamRoleArn: RESTRICTED_ROLE },
              ],
              grants: [
                { grantee: 'user:alice', target: 's3://lake/team-a/*', permission: 'READ' },
                { grantee: 'user:alice', target: 's3://lake/team-a/deep/*', permission: 'READWRITE' },
                { grantee: 'group:analysts', target: 's3://lake/shared/*', permission: 'READ' },
                { grantee: 'group:engineers', target: 's3://lake/eng/*', permission: 'READWRITE' },
                { grantee: 'user:bob', target: 's3://lake/reports/q1.csv', permission: 'READ' },
                { grantee: `iam:${ETL_ROLE}`, target: 's3://lake/etl/*', permission: 'WRITE' },
                { grantee: `iam:${SVC_USER}`, target: 's3://lake/svc/*', permission: 'READ' },
                { grantee: 'user:carol', target: 's3://lake/restricted/carol/*', permission: 'READ' },
                { grantee: 'user:nobody', target: 's3://lake/*', permission: 'READWRITE' },
              ],
            }),
    },
  });
}

function identityCaller(userName: string, userId: string, groupIds: string[]): Caller {
  return {
    accessKeyId: `ASIA${userName.toUpperCase()}`,
    accountId: ACCOUNT,
    kind: 'assumed-role',
    arn: `arn:aws:sts::${ACCOUNT}:assumed-role/identity-bearer/${userName}`,
    roleArn: `arn:aws:iam::${ACCOUNT}:role/identity-bearer`,
    sessionName: userName,
    identityContext: {
      idcUserId: userId,
      userName,
      groupIds,
      groupNames: groupIds.map((g) => g.slice(2)),
      identityStoreId: STORE_ID,
      instanceArn: INSTANCE_ARN,
      applicationArn: APP_ARN,
      expiresAt: Date.now() + 3_600_000,
    },
  };
}

export const ALICE = identityCaller('alice', 'u-alice', ['g-analysts']);
export const BOB = identityCaller('bob', 'u-bob', ['g-engineers']);
export const CAROL = identityCaller('carol', 'u-carol', []);
export const ETL: Caller = {
  accessKeyId: 'ASIAETL',
  accountId: ACCOUNT,
  kind: 'assumed-role',
  arn: `arn:aws:sts::${ACCOUNT}:assumed-role/etl/job-1`,
  roleArn: ETL_ROLE,
  sessionName: 'job-1',
};
/** Credentials GetDataAccess vended to alice for `target` with `permission`. */
export function vendedCaller(target: string, permission: 'READ' | 'WRITE' | 'READWRITE'): Caller {
  return {
    accessKeyId: 'ASIAVENDED',
    accountId: ACCOUNT,
    kind: 'access-grants',
    arn: `arn:aws:sts::${ACCOUNT}:assumed-role/ag-location/access-grants-u-alice`,
    roleArn: LOCATION_ROLE,
    accessGrantScope: { target, permission, grantee: { type: 'DIRECTORY_USER', id: 'u-alice' } },
  };
}
export const SVC: Caller = { accessKeyId: 'AKIASVC', accountId: ACCOUNT, kind: 'iam-user', arn: SVC_USER };

/** The S3 part of the identity-context allow-list. */
export const IDENTITY_ALLOW_LIST = [
  's3:GetDataAccess',
  's3:GetAccessGrantsInstanceForPrefix',
  's3:ListCallerAccessGrants',
];

export interface FakeRuntime extends EmulatorRuntime {
  readonly issued: { caller: Omit<Caller, 'accessKeyId' | 'expiresAt'>; expiresAt: number }[];
  /** Actions `authorize` denies (`service:Action`), for all resources. */
  readonly denied: Set<string>;
  readonly authorizations: { action: string; resource: string }[];
}

/** A runtime with a working in-memory credential registry, a fixed clock and a recording authorizer. */
export function fakeRuntime(config: EmulatorConfig = s3Config(), now = Date.UTC(2026, 0, 1)): FakeRuntime {
  const keys = new Map<string, { secretAccessKey: string; sessionToken?: string; caller: Caller }>();
  const issued: FakeRuntime['issued'] = [];
  const denied = new Set<string>();
  const authorizations: FakeRuntime['authorizations'] = [];
  let counter = 0;
  const credentials: CredentialRegistry = {
    issue(caller, expiresAt): IssuedCredentials {
      issued.push({ caller, expiresAt });
      counter += 1;
      const accessKeyId = `ASIAGRANT${String(counter).padStart(8, '0')}`;
      const creds = {
        accessKeyId,
        secretAccessKey: randomBytes(20).toString('base64'),
        sessionToken: randomBytes(32).toString('base64'),
        expiresAt,
      };
      keys.set(accessKeyId, {
        secretAccessKey: creds.secretAccessKey,
        sessionToken: creds.sessionToken,
        caller: { ...caller, accessKeyId, expiresAt },
      });
      return creds;
    },
    lookup: (accessKeyId) => keys.get(accessKeyId),
  };
  const runtime = clockedRuntime(config, {
    now,
    credentials,
    authorize(caller, action, resource) {
      authorizations.push({ action, resource });
      if (denied.has(action)) return { allowed: false, reason: `${action} denied by test policy` };
      if (caller.identityContext && !IDENTITY_ALLOW_LIST.includes(action)) {
        return { allowed: false, reason: 'identity-context allow-list' };
      }
      return { allowed: true, reason: 'test' };
    },
  });
  return Object.assign(runtime, { issued, denied, authorizations });
}

/** One audit call of a handler. */
export type Audit = AuditRecord;

/** Calls `operation` of `module` like the front would, returning the reply and the audit records. */
export async function call(
  module: ServiceModule,
  runtime: EmulatorRuntime,
  caller: Caller | undefined,
  request: Partial<RawRequest> & { path: string },
): Promise<{ reply?: RawReply; error?: AwsServiceError; audits: Audit[]; operation: string | undefined }> {
  const raw: RawRequest = {
    method: 'GET',
    query: {},
    headers: {},
    body: Buffer.alloc(0),
    host: `${ACCOUNT}.s3-control.us-east-1.amazonaws.com`,
    ...request,
  };
  const operation = module.resolveOperation?.(raw);
  const audits: Audit[] = [];
  if (!operation) return { audits, operation };
  const handler = module.handlers[operation];
  if (!handler) throw new Error(`no handler for ${operation}`);
  const ctx = operationContext({
    service: module.service,
    operation,
    caller,
    input: {},
    raw,
    runtime,
    audit: (record) => audits.push(record),
  });
  try {
    const reply = (await handler(ctx)) as RawReply;
    return { reply, audits, operation };
  } catch (error) {
    if (error instanceof AwsServiceError) return { error, audits, operation };
    throw error;
  }
}

/** Text of the first `<name>` element of an XML body. */
export function xmlText(body: Buffer | string | undefined, name: string): string | undefined {
  const match = new RegExp(`<${name}>([^<]*)</${name}>`).exec(String(body ?? ''));
  return match?.[1];
}

/** Texts of every `<name>` element of an XML body. */
export function xmlTexts(body: Buffer | string | undefined, name: string): string[] {
  return [...String(body ?? '').matchAll(new RegExp(`<${name}>([^<]*)</${name}>`, 'g'))].map(
    (m) => m[1] as string,
  );
}
