import type { EmulatorConfig, RedshiftConfig } from '../../../../src/emulator/config/types.js';
import type {
  AuthorizationDecision,
  Caller,
  EmulatorRuntime,
  IdentityContextClaims,
  ServiceModule,
} from '../../../../src/emulator/core/types.js';
import { ACCOUNT, APP_ARN, INSTANCE_ARN, STORE_ID, baseConfig } from '../../support/identities.js';
import {
  type AuditRecord,
  type ClockedRuntime,
  clockedRuntime,
  operationContext,
} from '../../support/runtime.js';

export { ACCOUNT, APP_ARN, INSTANCE_ARN, STORE_ID };
export const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/analytics-bearer`;
export const OTHER_ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/other-bearer`;

/** Sales rows: region, amount. */
export const SALES_ROWS: unknown[][] = [
  ['eu', 10],
  ['eu', 20],
  ['us', 30],
  ['apac', 40],
];

/** A Redshift section: workgroup `analytics` (db `dev`) and cluster `warehouse` (db `prod`). */
export function redshiftSection(over: Partial<RedshiftConfig> = {}): EmulatorConfig['redshift'] {
  return {
    targets: [
      {
        workgroupName: 'analytics',
        databases: [
          {
            name: 'dev',
            tables: [
              {
                name: 'sales',
                columns: [
                  { name: 'region', type: 'varchar(16)' },
                  { name: 'amount', type: 'integer' },
                ],
                rows: SALES_ROWS,
              },
              {
                name: 'secrets',
                columns: [{ name: 'v', type: 'varchar' }],
                rows: [['hidden']],
              },
              {
                name: 'numbers',
                columns: [{ name: 'n', type: 'bigint' }],
                rows: Array.from({ length: 25 }, (_, k) => [k + 1]),
              },
            ],
            grants: [
              { principal: 'user:alice', table: 'sales', rowFilter: "region = 'eu'" },
              { principal: 'group:engineers', table: 'sales' },
              { principal: 'group:analysts', table: 'numbers' },
              { principal: 'user:alice', table: 'numbers', privileges: ['SELECT', 'INSERT'] },
              { principal: 'reporter', table: 'sales', rowFilter: "region = 'us'" },
            ],
          },
        ],
      },
      {
        clusterIdentifier: 'warehouse',
        idcNamespace: 'CORP',
        databases: [
          {
            name: 'prod',
            tables: [
              {
                name: 'sales',
                columns: [
                  { name: 'region', type: 'varchar(16)' },
                  { name: 'amount', type: 'integer' },
                ],
                rows: [['eu', 99]],
              },
            ],
            grants: [{ principal: 'user:alice', table: 'sales' }],
          },
        ],
      },
    ],
    allowIdentityEnhanced: true,
    authTokenLifetimeSeconds: 900,
    ...over,
  };
}

/** A resolved configuration with users alice (analysts), bob (engineers), carol (no groups). */
export function testConfig(redshift: EmulatorConfig['redshift'] = redshiftSection()): EmulatorConfig {
  return baseConfig({ redshift });
}

export interface TestRuntime extends ClockedRuntime {
  /** Replaces the authorizer. */
  setAuthorize(fn: (caller: Caller, action: string, resource: string) => AuthorizationDecision): void;
}

/** A runtime with a controllable clock and an allow-all authorizer. */
export function testRuntime(config: EmulatorConfig = testConfig()): TestRuntime {
  let authorize = (_c: Caller, _a: string, _r: string): AuthorizationDecision => ({
    allowed: true,
    reason: 'test',
  });
  const runtime = clockedRuntime(config, { authorize: (c, a, r) => authorize(c, a, r) });
  return Object.assign(runtime, {
    setAuthorize: (fn: typeof authorize) => {
      authorize = fn;
    },
  });
}

const GROUP_IDS: Record<string, string> = { analysts: 'g-analysts', engineers: 'g-engineers' };

/** The identity context of a configured user. */
export function identityOf(userName: string, groups: string[]): IdentityContextClaims {
  return {
    idcUserId: `u-${userName}`,
    userName,
    groupIds: groups.map((g) => GROUP_IDS[g] ?? `g-${g}`),
    groupNames: groups,
    identityStoreId: STORE_ID,
    instanceArn: INSTANCE_ARN,
    applicationArn: APP_ARN,
    expiresAt: Date.UTC(2030, 0, 1),
  };
}

/** An identity-enhanced role session of `userName` in `roleArn`. */
export function enhancedCaller(userName: string, groups: string[], roleArn = ROLE_ARN): Caller {
  const roleName = roleArn.slice(roleArn.lastIndexOf('/') + 1);
  return {
    accessKeyId: `ASIA${userName.toUpperCase()}${roleName.length}`,
    accountId: ACCOUNT,
    kind: 'assumed-role',
    arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${roleName}/${userName}`,
    roleArn,
    sessionName: userName,
    identityContext: identityOf(userName, groups),
    expiresAt: Date.UTC(2030, 0, 1),
  };
}

/** A plain role session without identity context. */
export const PLAIN_CALLER: Caller = {
  accessKeyId: 'ASIAPLAIN',
  accountId: ACCOUNT,
  kind: 'assumed-role',
  arn: `arn:aws:sts::${ACCOUNT}:assumed-role/etl/job`,
  roleArn: `arn:aws:iam::${ACCOUNT}:role/etl`,
  sessionName: 'job',
};

export type { AuditRecord };

/** Calls `operation` of `module` as `caller` with `input`; records audit entries in `audits`. */
export async function call(
  module: ServiceModule,
  runtime: EmulatorRuntime,
  caller: Caller | undefined,
  operation: string,
  input: Record<string, unknown>,
  opts: { body?: string; contentType?: string; audits?: AuditRecord[] } = {},
): Promise<Record<string, unknown>> {
  const handler = module.handlers[operation];
  if (!handler) throw new Error(`no handler ${operation}`);
  const ctx = operationContext({
    service: module.service,
    operation,
    caller,
    input,
    raw: {
      method: 'POST',
      path: '/',
      query: {},
      headers: opts.contentType ? { 'content-type': opts.contentType } : {},
      body: Buffer.from(opts.body ?? ''),
      host: '127.0.0.1',
    },
    runtime,
    audit: (record) => opts.audits?.push(record),
  });
  const out = (await handler(ctx)) as Record<string, unknown>;
  // Raw JSON replies (exact 64-bit integers) read back as the SDK would: plain JSON numbers.
  if (out.raw === true) return JSON.parse(String(out.body)) as Record<string, unknown>;
  return out;
}
