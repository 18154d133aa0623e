import { randomBytes } from 'node:crypto';
import type { AthenaConfig, EmulatorConfig } from '../../../src/emulator/config/types.js';
import type {
  AuthorizationDecision,
  Caller,
  EmulatorRuntime,
  OperationContext,
  ServiceModule,
} from '../../../src/emulator/core/types.js';

export const ACCOUNT = '123456789012';
export const INSTANCE_ARN = 'arn:aws:sso:::instance/ssoins-1111222233334444';
export const APP_ARN = `arn:aws:sso::${ACCOUNT}:application/ssoins-1111222233334444/apl-aaaabbbbccccdddd`;
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
  return {
    region: 'us-east-1',
    accountId: ACCOUNT,
    port: 0,
    idp: false,
    identityCenter: {
      instanceArn: INSTANCE_ARN,
      identityStoreId: 'd-1234567890',
      users: [
        {
          userName: 'alice',
          email: 'alice@example.com',
          displayName: 'Alice',
          userId: 'u-alice',
          groups: ['analysts'],
        },
        {
          userName: 'bob',
          email: 'bob@example.com',
          displayName: 'Bob',
          userId: 'u-bob',
          groups: ['engineers'],
        },
        {
          userName: 'carol',
          email: 'carol@example.com',
          displayName: 'Carol',
          userId: 'u-carol',
          groups: [],
        },
      ],
      groups: [
        { name: 'analysts', groupId: 'g-analysts' },
        { name: 'engineers', groupId: 'g-engineers' },
      ],
      trustedTokenIssuers: [],
      applications: [],
    },
    roles: [],
    callers: [],
    identityContextAllowList: [],
    athena,
    redshift: { targets: [], allowIdentityEnhanced: true, authTokenLifetimeSeconds: 900 },
    s3: { buckets: [] },
    maxClockSkewSeconds: 900,
    maxBodyBytes: 1024 * 1024,
  };
}

/** A runtime with a controllable clock and a switchable authorizer. */
export interface TestRuntime extends EmulatorRuntime {
  advance(ms: number): void;
  deny: Set<string>;
}

export function testRuntime(config = testConfig()): TestRuntime {
  let clock = Date.UTC(2026, 0, 1);
  const deny = new Set<string>();
  return {
    config,
    now: () => clock,
    advance: (ms) => {
      clock += ms;
    },
    deny,
    credentials: {
      issue: () => {
        throw new Error('not used');
      },
      lookup: () => undefined,
    },
    secretKey: randomBytes(32),
    idpIssuer: undefined,
    fetch,
    authorize: (_c, action, resource): AuthorizationDecision =>
      deny.has(`${action} ${resource}`)
        ? { allowed: false, reason: 'test deny' }
        : { allowed: true, reason: 'test' },
  };
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

export interface AuditRecord {
  outcome: 'allowed' | 'denied';
  resource: string;
  reason?: string;
}

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
  const ctx: OperationContext<EmulatorRuntime> = {
    service: 'athena',
    operation,
    caller,
    input,
    raw: { method: 'POST', path: '/', query: {}, headers: {}, body: Buffer.alloc(0), host: 'localhost' },
    state: runtime,
    now: runtime.now(),
    requestId: 'req-1',
    audit: (outcome, resource, reason) => {
      audits.push({ outcome, resource, ...(reason === undefined ? {} : { reason }) });
    },
  };
  return (await handler(ctx)) as Record<string, unknown>;
}
