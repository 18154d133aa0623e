import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EmulatorConfigInput } from '../../../src/emulator/config/types.js';
import type { RunningEmulator } from '../../../src/emulator/start.js';
import { discoverFromWorkGroup } from '../../../src/services/athena/discover.js';
import { athena } from '../../../src/services/athena/handle.js';
import type { AthenaHandle } from '../../../src/services/athena/types.js';
import type { UserSession } from '../../../src/tip.js';
import {
  ACCESS_ROLE,
  APP,
  SERVICE_ARN,
  emulatorTip,
  servicesConfig,
  sharedClientConfig,
  signInAll,
  type TestUser,
  startServicesEmulator,
  code,
  untilCalled,
} from './kit.js';

/** Queries stay RUNNING this long on the emulator clock; the handle's events move the clock on. */
const RUNNING_MS = 60_000;

const athenaConfig: EmulatorConfigInput['athena'] = {
  maxPageSize: 100,
  runningMs: RUNNING_MS,
  workGroups: [
    { name: 'analysts', identityCenter: true, tags: { AthenaDriverOidcAppArn: APP } },
    { name: 'untagged', identityCenter: true },
    { name: 'restricted', identityCenter: true },
  ],
  tables: [
    {
      name: 'sales.orders',
      columns: [
        { name: 'id', type: 'bigint' },
        { name: 'region', type: 'varchar' },
        { name: 'amount', type: 'double' },
        { name: 'qty', type: 'integer' },
        { name: 'paid', type: 'boolean' },
        { name: 'day', type: 'date' },
        { name: 'price', type: 'decimal(10,2)' },
      ],
      rows: [
        [1, 'eu', 10.5, 1, true, '2024-01-02', '1.50'],
        [2, 'eu', 20, 2, false, '2024-01-03', '2.00'],
        [3, 'us', 30, 3, null, '2024-01-04', '3.25'],
        [4, 'apac', 40, 4, true, '2024-01-05', '4.00'],
      ],
    },
    {
      name: 'sales.events',
      columns: [
        { name: 'at', type: 'timestamp' },
        { name: 'tags', type: 'array<varchar>' },
        { name: 'attrs', type: 'map<varchar,varchar>' },
      ],
      rows: [['2024-05-06 07:08:09.123', '{red,blue}', '{"k":"v","n":"1"}']],
    },
    {
      name: 'sales.numbers',
      columns: [{ name: 'n', type: 'integer' }],
      rows: Array.from({ length: 250 }, (_, k) => [k + 1]),
    },
  ],
  grants: [
    { principal: 'user:alice', table: 'sales.orders', rowFilter: "region = 'eu'" },
    { principal: 'group:engineers', table: 'sales.orders' },
    { principal: 'group:analysts', table: 'sales.numbers' },
    { principal: 'group:engineers', table: 'sales.events' },
  ],
};

let emu: RunningEmulator;
let sessions: Record<TestUser, UserSession>;

beforeAll(async () => {
  emu = await startServicesEmulator(
    servicesConfig({
      athena: athenaConfig,
      roles: [
        {
          arn: ACCESS_ROLE,
          trustPolicy: [
            {
              Effect: 'Allow',
              Principal: { AWS: SERVICE_ARN },
              Action: ['sts:AssumeRole', 'sts:SetContext'],
            },
          ],
          permissions: [
            { Effect: 'Allow', Action: '*', Resource: '*' },
            { Effect: 'Deny', Action: 'athena:*', Resource: 'arn:aws:athena:*:*:workgroup/restricted' },
          ],
        },
      ],
    }),
    ['athena'],
  );
  sessions = await signInAll(emu, emulatorTip(emu));
}, 60_000);
afterAll(async () => {
  await emu?.stop();
});
beforeEach(() => {
  emu.counters.reset();
});

/** A handle whose queries finish: each start moves the emulator clock past the running window. */
function handleFor(user: keyof typeof sessions, finish = true): AthenaHandle {
  return athena({
    credentials: sessions[user].credentials,
    region: emu.region,
    clientConfig: sharedClientConfig(emu),
    clock: () => emu.clock.now(),
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
    onEvent: (event) => {
      if (finish && event.type === 'query-started') emu.clock.advance(RUNNING_MS);
    },
  });
}

const WG = { workGroup: 'analysts', pollInterval: 2 } as const;

describe('Athena against the emulator', () => {
  it('applies row filters per user and group, with typed rows', async () => {
    const alice = await handleFor('alice').query(
      'SELECT id, region, amount, qty, paid, day, price FROM sales.orders ORDER BY id',
      WG,
    );
    expect(alice.rows).toEqual([
      { id: 1n, region: 'eu', amount: 10.5, qty: 1, paid: true, day: '2024-01-02', price: '1.50' },
      { id: 2n, region: 'eu', amount: 20, qty: 2, paid: false, day: '2024-01-03', price: '2.00' },
    ]);
    const bob = await handleFor('bob').query('SELECT region, paid FROM sales.orders ORDER BY id', WG);
    expect(bob.rows.map((r) => r.region)).toEqual(['eu', 'eu', 'us', 'apac']);
    expect(bob.rows[2]?.paid).toBeNull();
    const carol = await handleFor('carol')
      .query('SELECT * FROM sales.orders', WG)
      .catch((e) => e);
    // Lake Formation refuses carol the table: a permission refusal, not a broken query.
    expect(code(carol)).toBe('ERR_ACCESS_DENIED');
    expect(carol.details.queryId).toMatch(/\S/);
    expect(carol.details.reason).toMatch(/^Insufficient Lake Formation permission\(s\) on /);
  });

  it('parses timestamps, arrays and maps', async () => {
    const result = await handleFor('bob').query('SELECT at, tags, attrs FROM sales.events', WG);
    expect(result.columns.map((c) => c.type)).toEqual(['timestamp', 'array', 'map']);
    expect(result.rows).toEqual([
      { at: new Date('2024-05-06T07:08:09.123Z'), tags: ['red', 'blue'], attrs: { k: 'v', n: '1' } },
    ]);
  });

  it('reads more rows than one page', async () => {
    const result = await handleFor('carol').query('SELECT n FROM sales.numbers ORDER BY n', WG);
    expect(result.rows.map((r) => r.n)).toEqual(Array.from({ length: 250 }, (_, k) => k + 1));
    expect(emu.counters.get('GetQueryResults')).toBe(3);
  });

  it('binds execution parameters', async () => {
    const result = await handleFor('bob').query('SELECT id FROM sales.orders WHERE region = ? ORDER BY id', {
      ...WG,
      executionParameters: ["'us'"],
    });
    expect(result.rows).toEqual([{ id: 3n }]);
  });

  it('stops a running query when the caller aborts', async () => {
    const controller = new AbortController();
    const pending = handleFor('bob', false)
      .query('SELECT * FROM sales.orders', { ...WG, signal: controller.signal })
      .catch((e) => e);
    await untilCalled(emu, 'GetQueryExecution');
    controller.abort();
    expect(code(await pending)).toBe('ERR_ABORTED');
    expect(emu.counters.get('StopQueryExecution')).toBe(1);
  });

  it('fails a query on a missing table with ERR_QUERY_FAILED and the reason', async () => {
    const error = await handleFor('bob')
      .query('SELECT * FROM sales.nope', WG)
      .catch((e) => e);
    expect(code(error)).toBe('ERR_QUERY_FAILED');
    expect(error.details.state).toBe('FAILED');
    expect(String(error.details.reason).length).toBeGreaterThan(0);
  });

  it('maps a workgroup the access role may not use to ERR_ACCESS_DENIED', async () => {
    const error = await handleFor('bob')
      .query('SELECT 1', { ...WG, workGroup: 'restricted' })
      .catch((e) => e);
    expect(code(error)).toBe('ERR_ACCESS_DENIED');
    expect(error.details.awsErrorCode).toBe('AccessDeniedException');
    expect(error.requestId).toMatch(/\S/);
    expect(emu.counters.get('GetQueryExecution')).toBe(0);
  });

  it('discovers the application and role from the workgroup tags', async () => {
    const { region: _r, maxAttempts: _m, ...serviceConfig } = emu.clientConfig({ service: 'athena' });
    const found = await discoverFromWorkGroup({
      workGroup: 'analysts',
      region: emu.region,
      accountId: emu.accountId,
      clientConfig: serviceConfig,
      applicationTags: async (arn): Promise<Record<string, string>> =>
        arn === APP ? { AthenaDriverOidcAppArn: ACCESS_ROLE } : {},
    });
    expect(found).toEqual({ applicationArn: APP, accessRoleArn: ACCESS_ROLE });
    const missing = await discoverFromWorkGroup({
      workGroup: 'untagged',
      region: emu.region,
      accountId: emu.accountId,
      clientConfig: serviceConfig,
      applicationTags: async () => ({}),
    }).catch((e) => e);
    expect(code(missing)).toBe('ERR_NOT_FOUND');
  });

  it('works through session.athena', async () => {
    const pending = sessions.alice.athena.query('SELECT count(*) AS c FROM sales.orders', {
      workGroup: 'analysts',
      pollInterval: 2,
    });
    await untilCalled(emu, 'StartQueryExecution');
    emu.clock.advance(RUNNING_MS);
    expect((await pending).rows).toEqual([{ c: 2n }]);
  });
});
