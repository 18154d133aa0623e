import { DescribeStatementCommand, RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EmulatorConfigInput } from '../../../src/emulator/config/types.js';
import { redshiftDataServiceFactory } from '../../../src/emulator/redshift/data-service.js';
import type { RunningEmulator } from '../../../src/emulator/start.js';
import { redshift } from '../../../src/services/redshift/handle.js';
import type { RedshiftHandle } from '../../../src/services/redshift/types.js';
import type { UserSession } from '../../../src/tip.js';
import {
  type TestUser,
  emulatorTip,
  servicesConfig,
  sharedClientConfig,
  signInAll,
  startServicesEmulator,
  code,
  untilCalled,
} from './kit.js';

/** Statements stay STARTED this long on the emulator clock; the handle's events move the clock on. */
const RUNNING_MS = 60_000;

const redshiftConfig: EmulatorConfigInput['redshift'] = {
  targets: [
    {
      workgroupName: 'analytics',
      databases: [
        {
          name: 'dev',
          tables: [
            {
              name: 'public.sales',
              columns: [
                { name: 'region', type: 'varchar(16)' },
                { name: 'amount', type: 'integer' },
                { name: 'big', type: 'bigint' },
                { name: 'price', type: 'numeric(10,2)' },
                { name: 'ok', type: 'boolean' },
              ],
              rows: [
                ['eu', 10, '9007199254740993', '1.50', true],
                ['eu', 20, '1', '2.00', false],
                ['us', 30, '2', '3.25', null],
                ['apac', 40, '3', '4.00', true],
              ],
            },
            {
              name: 'public.numbers',
              columns: [{ name: 'n', type: 'bigint' }],
              rows: Array.from({ length: 25 }, (_, k) => [k + 1]),
            },
            { name: 'public.events', columns: [{ name: 'what', type: 'varchar(32)' }], rows: [] },
          ],
          grants: [
            { principal: 'user:alice', table: 'public.sales', rowFilter: "region = 'eu'" },
            { principal: 'group:engineers', table: 'public.sales' },
            { principal: 'group:analysts', table: 'public.numbers' },
            { principal: 'user:alice', table: 'public.events', privileges: ['SELECT', 'INSERT'] },
          ],
        },
      ],
    },
    {
      clusterIdentifier: 'warehouse',
      databases: [
        {
          name: 'prod',
          tables: [{ name: 'public.kpis', columns: [{ name: 'k', type: 'varchar' }], rows: [['margin']] }],
          grants: [{ principal: 'user:alice', table: 'public.kpis' }],
        },
      ],
    },
  ],
};

let emu: RunningEmulator;
let sessions: Record<TestUser, UserSession>;

beforeAll(async () => {
  emu = await startServicesEmulator(servicesConfig({ redshift: redshiftConfig }), ['redshift'], {
    'redshift-data': redshiftDataServiceFactory({ maxPageSize: 10, timing: { runningMs: RUNNING_MS } }),
  });
  sessions = await signInAll(emu, emulatorTip(emu));
}, 60_000);
afterAll(async () => {
  await emu?.stop();
});
beforeEach(() => {
  emu.counters.reset();
});

/** A handle whose statements finish: each start moves the emulator clock past the running window. */
function handleFor(user: keyof typeof sessions, finish = true): RedshiftHandle {
  return redshift({
    credentials: sessions[user].credentials,
    region: emu.region,
    clientConfig: sharedClientConfig(emu),
    identity: { idcUserId: sessions[user].identity.idcUserId },
    clock: () => emu.clock.now(),
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
    onEvent: (event) => {
      if (finish && event.type === 'query-started') emu.clock.advance(RUNNING_MS);
    },
  });
}

const WG = { workgroupName: 'analytics', database: 'dev', pollInterval: 2 } as const;

describe('Redshift Data API against the emulator', () => {
  it('runs as the IdC user (AWSIDC:<user>) with row filters per user and group', async () => {
    const who = await handleFor('alice').query('select current_user as u', WG);
    expect(who.rows).toEqual([{ u: 'AWSIDC:alice' }]);
    const alice = await handleFor('alice').query(
      'select region, amount, big, price, ok from sales order by amount',
      WG,
    );
    expect(alice.rows).toEqual([
      { region: 'eu', amount: 10, big: 9007199254740993n, price: '1.50', ok: true },
      { region: 'eu', amount: 20, big: 1, price: '2.00', ok: false },
    ]);
    const bob = await handleFor('bob').query('select region from sales order by amount', WG);
    expect(bob.rows.map((r) => r.region)).toEqual(['eu', 'eu', 'us', 'apac']);
    const carol = await handleFor('carol')
      .query('select * from sales', WG)
      .catch((e) => e);
    // No GRANT for carol: a permission refusal, not a broken statement.
    expect(code(carol)).toBe('ERR_ACCESS_DENIED');
    expect(carol.details.queryId).toMatch(/\S/);
    expect(carol.message).toMatch(/permission denied/i);
  });

  it('reads more rows than one page', async () => {
    const result = await handleFor('carol').query('select n from numbers order by n', WG);
    expect(result.rows.map((r) => r.n)).toEqual(Array.from({ length: 25 }, (_, k) => k + 1));
    expect(emu.counters.get('GetStatementResult')).toBe(3);
  });

  it('binds named parameters', async () => {
    const result = await handleFor('bob').query(
      'select amount from sales where region = :region and amount > :min',
      {
        ...WG,
        parameters: { region: 'us', min: 5 },
      },
    );
    expect(result.rows).toEqual([{ amount: 30 }]);
  });

  it('runs a batch in one transaction', async () => {
    const results = await handleFor('alice').batch(
      ["insert into events values ('a'), ('b')", 'select count(*) as c from events'],
      WG,
    );
    expect(results[0]?.updatedRows).toBe(2);
    expect(results[1]?.rows).toEqual([{ c: 2 }]);
    expect(emu.counters.get('BatchExecuteStatement')).toBe(1);
  });

  it('cancels a running statement when the caller aborts', async () => {
    const controller = new AbortController();
    const pending = handleFor('bob', false)
      .query('select * from sales', { ...WG, signal: controller.signal })
      .catch((e) => e);
    await untilCalled(emu, 'DescribeStatement');
    controller.abort();
    expect(code(await pending)).toBe('ERR_ABORTED');
    expect(emu.counters.get('CancelStatement')).toBe(1);
  });

  it('fails a query on a missing table with ERR_QUERY_FAILED and passes the ValidationException for an unknown workgroup through', async () => {
    const bad = await handleFor('bob')
      .query('select * from no_such_table', WG)
      .catch((e) => e);
    expect(code(bad)).toBe('ERR_QUERY_FAILED');
    expect(bad.message).toMatch(/does not exist/i);
    const missing = await handleFor('bob')
      .query('select 1', { ...WG, workgroupName: 'nope' })
      .catch((e) => e);
    // The Data API answers an unknown workgroup with a ValidationException, passed through with its message.
    expect(code(missing)).toBe('ERR_AWS_UNKNOWN');
    expect(missing.details.awsErrorCode).toBe('ValidationException');
    expect(missing.message).toMatch(/does not exist/);
  });

  it('keeps statements private to their owner (same IdC user, same role)', async () => {
    const own = await handleFor('alice').query('select 1 as one', WG);
    const bobClient = new RedshiftDataClient({
      ...sharedClientConfig(emu),
      region: emu.region,
      credentials: sessions.bob.credentials,
    });
    const error = await bobClient.send(new DescribeStatementCommand({ Id: own.statementId })).catch((e) => e);
    bobClient.destroy();
    expect(['ResourceNotFoundException', 'AccessDeniedException', 'ValidationException']).toContain(
      error.name,
    );
  });
});

describe('Redshift driver tokens against the emulator', () => {
  it('issues a SUBJECT_TOKEN per workgroup and cluster, cached until near expiry', async () => {
    const rs = handleFor('alice');
    const a = await rs.driverToken({ workgroupName: 'analytics' });
    const b = await rs.driverToken({ workgroupName: 'analytics' });
    expect(a.tokenType).toBe('SUBJECT_TOKEN');
    expect(b.token).toBe(a.token);
    expect(Math.abs(a.expiresAt - (emu.clock.now() + 900_000))).toBeLessThan(5_000);
    expect(emu.counters.get('GetIdentityCenterAuthToken')).toBe(1);
    const cluster = await rs.driverToken({ clusterIdentifier: 'warehouse' });
    expect(cluster.token).not.toBe(a.token);
    expect(emu.counters.get('GetIdentityCenterAuthToken')).toBe(2);
    emu.clock.advance(900_000 - 30_000);
    const renewed = await rs.driverToken({ workgroupName: 'analytics' });
    expect(renewed.token).not.toBe(a.token);
    expect(emu.counters.get('GetIdentityCenterAuthToken')).toBe(3);
  });

  it('maps an unknown workgroup to ERR_NOT_FOUND', async () => {
    const error = await handleFor('bob')
      .driverToken({ workgroupName: 'nope' })
      .catch((e) => e);
    expect(code(error)).toBe('ERR_NOT_FOUND');
  });

  it('works through session.redshift', async () => {
    const token = await sessions.bob.redshift.driverToken({ workgroupName: 'analytics' });
    expect(token.tokenType).toBe('SUBJECT_TOKEN');
    expect(token.token.length).toBeGreaterThan(20);
  });
});
