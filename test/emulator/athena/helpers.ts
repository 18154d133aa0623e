import type { AthenaConfig, EmulatorConfig } from '../../../src/emulator/config/types.js';
import type {
  AuthorizationDecision,
  Caller,
  EmulatorRuntime,
  ServiceModule,
} from '../../../src/emulator/core/types.js';
import { ACCOUNT, APP_ARN, INSTANCE_ARN, baseConfig } from '../support/identities.js';
import {
  type AuditRecord,
  type ClockedRuntime,
  clockedRuntime,
  operationContext,
} from '../support/runtime.js';

export { ACCOUNT, APP_ARN, INSTANCE_ARN };
export const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/analytics-bearer`;

/** Orders: id, region, amount (decimal), tags (array), attrs (map), at (timestamp). 25 rows, ids 1..25. */
export const ORDER_ROWS: unknown[][] = Array.from({ length: 25 }, (_, k) => [
  k + 1,
  ['eu', 'us', 'apac'][k % 3],
  `${k + 1}.50`,
  // Config files hold scalar cells: arrays and maps as JSON text.
  k === 0 ? '["a","b"]' : '[]',
  k === 0 ? '{"k":"v"}' : '{}',
  k === 0 ? '2024-01-02 03:04:05' : '2024-01-02 03:04:05.5',
]);

/** The Athena section used by the tests. */
export function athenaSection(over: Partial<AthenaConfig> = {}): EmulatorConfig['athena'] {
  return {
    workGroups: [
      {
        name: 'analysts',
        identityCenter: true,
        outputLocation: 's3://results/analysts/',
        tags: { AthenaDriverOidcAppArn: APP_ARN, team: 'data' },
      },
      { name: 'plain', outputLocation: 's3://results/plain/' },
    ],
    tables: [
      {
        name: 'sales.orders',
        columns: [
          { name: 'id', type: 'integer' },
          { name: 'region', type: 'varchar(8)' },
          { name: 'amount', type: 'decimal(10,2)' },
          { name: 'tags', type: 'array<varchar>' },
          { name: 'attrs', type: 'map<string,string>' },
          { name: 'at', type: 'timestamp' },
        ],
        rows: ORDER_ROWS,
      },
      { name: 'sales.secrets', columns: [{ name: 'v', type: 'string' }], rows: [['hidden']] },
    ],
    grants: [
      { principal: 'group:analysts', table: 'sales.orders', rowFilter: "region = 'eu'" },
      { principal: 'user:carol', table: 'sales.orders' },
      { principal: 'user:bob', table: 'sales.orders', columns: ['id', 'region'] },
    ],
    maxPageSize: 10,
    queuedMs: 0,
    runningMs: 20,
    ...over,
  };
}

/** A resolved configuration with alice (analysts), bob (engineers), carol (no groups). */
export function testConfig(athena = athenaSection()): EmulatorConfig {
  return baseConfig({ athena });
}

/** A runtime with a controllable clock and a switchable authorizer. */
export interface TestRuntime extends ClockedRuntime {
  deny: Set<string>;
}

export function testRuntime(config = testConfig()): TestRuntime {
  const deny = new Set<string>();
  const runtime = clockedRuntime(config, {
    authorize: (_c, action, resource): AuthorizationDecision =>
      deny.has(`${action} ${resource}`)
        ? { allowed: false, reason: 'test deny' }
        : { allowed: true, reason: 'test' },
  });
  return Object.assign(runtime, { deny });
}

/** An identity-enhanced session of a configured user. */
export function idcCaller(userName: string, groups: string[], instanceArn = INSTANCE_ARN): Caller {
  return {
    accessKeyId: `ASIA${userName.toUpperCase()}`,
    accountId: ACCOUNT,
    kind: 'assumed-role',
    arn: `arn:aws:sts::${ACCOUNT}:assumed-role/analytics-bearer/${userName}`,
    roleArn: ROLE_ARN,
    sessionName: userName,
    identityContext: {
      idcUserId: `u-${userName}`,
      userName,
      groupIds: groups.map((g) => `g-${g}`),
      groupNames: groups,
      identityStoreId: 'd-1234567890',
      instanceArn,
      applicationArn: APP_ARN,
      expiresAt: Date.UTC(2030, 0, 1),
    },
  };
}

/** A plain IAM caller. */
export const IAM_CALLER: Caller = {
  accessKeyId: 'AKIDSERVICE',
  accountId: ACCOUNT,
  kind: 'iam-user',
  arn: `arn:aws:iam::${ACCOUNT}:user/service`,
};

export type { AuditRecord };

/** Calls a handler of `module` as `caller` and returns its output (throws what the handler throws). */
export async function call(
  module: ServiceModule,
  runtime: EmulatorRuntime,
  caller: Caller | undefined,
  operation: string,
  input: Record<string, unknown>,
  audits: AuditRecord[] = [],
): Promise<Record<string, unknown>> {
  const handler = module.handlers[operation];
  if (!handler) throw new Error(`no handler ${operation}`);
  const ctx = operationContext({
    service: 'athena',
    operation,
    caller,
    input,
    raw: { method: 'POST', path: '/', query: {}, headers: {}, body: Buffer.alloc(0), host: 'localhost' },
    runtime,
    audit: (record) => audits.push(record),
  });
  return (await handler(ctx)) as Record<string, unknown>;
}
