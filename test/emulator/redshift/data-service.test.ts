import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Caller, ServiceModule } from '../../../src/emulator/core/types.js';
import { redshiftDataServiceFactory } from '../../../src/emulator/redshift/data-service.js';
import {
  type Statement,
  StatementStore,
  type StatementTiming,
} from '../../../src/emulator/redshift/statements.js';
import { schemaFor } from '../../../src/emulator/redshift/targets.js';
import { FakeRunner, fakeBackend } from './helpers/fake-runner.js';
import {
  type AuditRecord,
  call,
  enhancedCaller,
  OTHER_ROLE_ARN,
  PLAIN_CALLER,
  type TestRuntime,
  testRuntime,
} from './helpers/runtime.js';
import { rejection } from '../support/runtime.js';

const ALICE = enhancedCaller('alice', ['analysts']);
const BOB = enhancedCaller('bob', ['engineers']);
const ALICE_OTHER_ROLE = enhancedCaller('alice', ['analysts'], OTHER_ROLE_ARN);

interface Setup {
  runtime: TestRuntime;
  module: ServiceModule;
  runner: FakeRunner;
  audits: AuditRecord[];
  send(
    caller: Caller | undefined,
    op: string,
    input: Record<string, unknown>,
  ): Promise<Record<string, unknown>>;
}

async function setup(opts: { timing?: Partial<StatementTiming>; maxPageSize?: number } = {}): Promise<Setup> {
  const runtime = testRuntime();
  const runner = new FakeRunner();
  const module = await redshiftDataServiceFactory({ ...opts, backend: fakeBackend(runner) })(runtime);
  const audits: AuditRecord[] = [];
  return {
    runtime,
    module,
    runner,
    audits,
    send: (caller, op, input) => call(module, runtime, caller, op, input, { audits }),
  };
}

const WG = { WorkgroupName: 'analytics', Database: 'dev' };

describe('ExecuteStatement and DescribeStatement', () => {
  it('runs as <namespace>:<userName> in the database schema and reports epoch-second timestamps', async () => {
    const s = await setup();
    const out = await s.send(ALICE, 'ExecuteStatement', { ...WG, Sql: 'select current_user' });
    expect(out.Id).toMatch(/^[a-z0-9]{8}(-[a-z0-9]{4}){3}-[a-z0-9]{12}$/);
    expect(out.CreatedAt).toBe(s.runtime.now() / 1000);
    expect(out).toMatchObject({ WorkgroupName: 'analytics', Database: 'dev' });
    expect(out.DbUser).toBeUndefined();
    const d = await s.send(ALICE, 'DescribeStatement', { Id: out.Id });
    expect(d).toMatchObject({
      Status: 'FINISHED',
      QueryString: 'select current_user',
      HasResultSet: true,
      ResultRows: 1,
      DbUser: 'AWSIDC:alice',
      WorkgroupName: 'analytics',
    });
    expect(s.runner.runs).toHaveLength(1);
    expect(s.runner.runs[0]?.role).toBe('AWSIDC:alice');
    expect(s.runner.runs[0]?.searchPath).toEqual([
      schemaFor({ kind: 'workgroup', name: 'analytics' }, 'dev', 'public'),
      'rs_compat',
    ]);
    expect(s.runner.ensured).toEqual(['AWSIDC:alice']);
    const r = await s.send(ALICE, 'GetStatementResult', { Id: out.Id });
    expect(r.Records).toEqual([[{ stringValue: 'AWSIDC:alice' }]]);
    expect(r.TotalNumRows).toBe(1);
    expect(s.audits.some((a) => a.outcome === 'allowed' && a.resource.endsWith(':workgroup/analytics'))).toBe(
      true,
    );
  });

  it('uses the target namespace on a provisioned cluster', async () => {
    const s = await setup();
    const out = await s.send(ALICE, 'ExecuteStatement', {
      ClusterIdentifier: 'warehouse',
      Database: 'prod',
      Sql: 'select current_user',
    });
    expect(out.ClusterIdentifier).toBe('warehouse');
    const d = await s.send(ALICE, 'DescribeStatement', { Id: out.Id });
    expect(d.DbUser).toBe('CORP:alice');
    expect(d.ClusterIdentifier).toBe('warehouse');
  });

  it('moves SUBMITTED → PICKED → STARTED → FINISHED on the emulator clock and runs SQL only at the end', async () => {
    const s = await setup({ timing: { submittedMs: 100, pickedMs: 200, runningMs: 300 } });
    const { Id } = await s.send(ALICE, 'ExecuteStatement', { ...WG, Sql: 'select current_user' });
    const t0 = s.runtime.now();
    const at = async () => s.send(ALICE, 'DescribeStatement', { Id });
    expect(await at()).toMatchObject({
      Status: 'SUBMITTED',
      UpdatedAt: t0 / 1000,
      Duration: -1,
      ResultRows: -1,
    });
    s.runtime.advance(100);
    expect(await at()).toMatchObject({ Status: 'PICKED', UpdatedAt: (t0 + 100) / 1000 });
    s.runtime.advance(200);
    expect(await at()).toMatchObject({ Status: 'STARTED', UpdatedAt: (t0 + 300) / 1000 });
    expect(s.runner.runs).toHaveLength(0);
    const early = await rejection(s.send(ALICE, 'GetStatementResult', { Id }));
    expect(early.code).toBe('ValidationException');
    s.runtime.advance(300);
    expect(await at()).toMatchObject({
      Status: 'FINISHED',
      UpdatedAt: (t0 + 600) / 1000,
      Duration: 300_000_000,
    });
    expect(s.runner.runs).toHaveLength(1);
  });

  it('records SQL errors as a FAILED statement with the Postgres message, not as an API error', async () => {
    const s = await setup();
    const { Id } = await s.send(ALICE, 'ExecuteStatement', { ...WG, Sql: 'select * from secrets -- denied' });
    const d = await s.send(ALICE, 'DescribeStatement', { Id });
    expect(d.Status).toBe('FAILED');
    expect(d.Error).toBe('ERROR: permission denied for table secrets');
    expect((await rejection(s.send(ALICE, 'GetStatementResult', { Id }))).code).toBe('ValidationException');
  });

  it('accepts an unknown database and fails the statement as the connection would, running nothing', async () => {
    const s = await setup();
    const { Id } = await s.send(ALICE, 'ExecuteStatement', {
      WorkgroupName: 'analytics',
      Database: 'nope',
      Sql: 'select 1',
    });
    const d = await s.send(ALICE, 'DescribeStatement', { Id });
    expect(d).toMatchObject({ Status: 'FAILED', Error: 'FATAL: database "nope" does not exist' });
    expect(s.runner.runs).toHaveLength(0);
  });

  it.each([
    [{ Sql: 'select 1', Database: 'dev' }, 'Either ClusterIdentifier or WorkgroupName'],
    [{ ...WG, ClusterIdentifier: 'warehouse', Sql: 'select 1' }, 'not both'],
    [{ WorkgroupName: 'nope', Database: 'dev', Sql: 'select 1' }, 'Workgroup nope'],
    [{ ClusterIdentifier: 'nope', Database: 'dev', Sql: 'select 1' }, 'cluster nope'],
    [{ WorkgroupName: 'analytics', Sql: 'select 1' }, 'Database is required'],
    [{ ...WG }, 'Sql must be'],
    [{ ...WG, Sql: '   ' }, 'Sql must be'],
    [{ ...WG, Sql: 'x'.repeat(100_001) }, 'longer than'],
    [{ ...WG, Sql: 'select 1', DbUser: 'admin' }, 'DbUser is not allowed'],
    [
      { ...WG, Sql: 'select 1', SecretArn: 'arn:aws:secretsmanager:us-east-1:1:secret:x' },
      'SecretArn is not allowed',
    ],
    [{ ...WG, Sql: 'select 1', SessionKeepAliveSeconds: 60 }, 'sessions'],
    [{ ...WG, Sql: 'select 1', ResultFormat: 'XML' }, 'ResultFormat'],
    [{ ...WG, Sql: 'select :a' }, 'No value given for parameter :a'],
    [{ ...WG, Sql: 'select 1', Parameters: [{ name: 'a', value: '1' }] }, 'not used'],
    [{ ...WG, Sql: 'select :a', Parameters: [{ name: 'a', value: 1 }] }, 'must be a string'],
    [{ ...WG, Sql: 'select :a', Parameters: 'a=1' }, 'must be a list'],
  ])('refuses bad ExecuteStatement input %#', async (input, message) => {
    const s = await setup();
    const err = await rejection(s.send(ALICE, 'ExecuteStatement', input));
    expect(err.code).toBe('ValidationException');
    expect(err.message).toContain(message);
    expect(s.runner.runs).toHaveLength(0);
  });

  it('binds :name parameters as positional text values', async () => {
    const s = await setup();
    const { Id } = await s.send(ALICE, 'ExecuteStatement', {
      ...WG,
      Sql: "select :b, ':a not me', :a::int, :b",
      Parameters: [
        { name: 'a', value: '42' },
        { name: 'b', value: "o'brien" },
      ],
    });
    const d = await s.send(ALICE, 'DescribeStatement', { Id });
    expect(d.QueryParameters).toEqual([
      { name: 'a', value: '42' },
      { name: 'b', value: "o'brien" },
    ]);
    expect(s.runner.runs[0]?.statements).toEqual([
      { sql: "select $1, ':a not me', $2::int, $1", params: ["o'brien", '42'] },
    ]);
  });

  it('answers retries with the same ClientToken with the same statement', async () => {
    const s = await setup();
    const input = { ...WG, Sql: 'select current_user', ClientToken: 'token-1' };
    const a = await s.send(ALICE, 'ExecuteStatement', input);
    const b = await s.send(ALICE, 'ExecuteStatement', input);
    const c = await s.send(BOB, 'ExecuteStatement', input);
    expect(b.Id).toBe(a.Id);
    expect(c.Id).not.toBe(a.Id);
    await s.send(ALICE, 'DescribeStatement', { Id: a.Id });
    await s.send(BOB, 'DescribeStatement', { Id: c.Id });
    expect(s.runner.runs).toHaveLength(2);
  });
});

describe('plain IAM callers', () => {
  it('run as IAMR:<role> by default and as DbUser on a cluster', async () => {
    const s = await setup();
    const a = await s.send(PLAIN_CALLER, 'ExecuteStatement', { ...WG, Sql: 'select current_user' });
    await s.send(PLAIN_CALLER, 'DescribeStatement', { Id: a.Id });
    const b = await s.send(PLAIN_CALLER, 'ExecuteStatement', {
      ClusterIdentifier: 'warehouse',
      Database: 'prod',
      DbUser: 'reporter',
      Sql: 'select current_user',
    });
    expect(b.DbUser).toBe('reporter');
    await s.send(PLAIN_CALLER, 'DescribeStatement', { Id: b.Id });
    expect(s.runner.runs.map((r) => r.role)).toEqual(['IAMR:etl', 'reporter']);
    expect(s.runner.ensured).toEqual(['IAMR:etl']);
  });

  it.each([
    [{ ...WG, DbUser: 'reporter' }, 'not supported with WorkgroupName'],
    [
      { ClusterIdentifier: 'warehouse', Database: 'prod', DbUser: 'AWSIDC:alice' },
      'not a valid database user',
    ],
    [{ ClusterIdentifier: 'warehouse', Database: 'prod', DbUser: 'postgres' }, 'not a valid database user'],
    [
      { ClusterIdentifier: 'warehouse', Database: 'prod', DbUser: 'pg_read_all_data' },
      'not a valid database user',
    ],
    [
      { ClusterIdentifier: 'warehouse', Database: 'prod', SecretArn: 'arn:x' },
      'SecretArn authentication is not emulated',
    ],
  ])('refuses DbUser / SecretArn case %#', async (input, message) => {
    const s = await setup();
    const err = await rejection(s.send(PLAIN_CALLER, 'ExecuteStatement', { ...input, Sql: 'select 1' }));
    expect(err.code).toBe('ValidationException');
    expect(err.message).toContain(message);
  });
});

describe('statement ownership', () => {
  it('answers only the same IdC user in the same role; others get ResourceNotFoundException', async () => {
    const s = await setup();
    const { Id } = await s.send(ALICE, 'ExecuteStatement', { ...WG, Sql: 'select current_user' });
    for (const other of [BOB, ALICE_OTHER_ROLE, PLAIN_CALLER]) {
      for (const op of [
        'DescribeStatement',
        'GetStatementResult',
        'GetStatementResultV2',
        'CancelStatement',
      ]) {
        const err = await rejection(s.send(other, op, { Id }));
        expect(err.code).toBe('ResourceNotFoundException');
        expect(err.status).toBe(404);
        expect(err.extra.ResourceId).toBe(Id);
      }
    }
    const unknown = await rejection(
      s.send(ALICE, 'DescribeStatement', { Id: '00000000-0000-0000-0000-000000000000' }),
    );
    expect(unknown.code).toBe('ResourceNotFoundException');
    expect(unknown.message).toBe((await rejection(s.send(BOB, 'DescribeStatement', { Id }))).message);
    expect(s.audits.filter((a) => a.outcome === 'denied')).toHaveLength(13);
    expect((await s.send(ALICE, 'DescribeStatement', { Id })).Status).toBe('FINISHED');
  });

  it('refuses malformed ids with ValidationException', async () => {
    const s = await setup();
    for (const Id of [
      undefined,
      5,
      'nope',
      'ABCDEFGH-0000-0000-0000-000000000000',
      `${'a'.repeat(8)}-0000-0000-0000-000000000000:x`,
    ]) {
      expect((await rejection(s.send(ALICE, 'DescribeStatement', { Id }))).code).toBe('ValidationException');
    }
  });

  it('forgets statements after 24 hours', async () => {
    const s = await setup();
    const { Id } = await s.send(ALICE, 'ExecuteStatement', { ...WG, Sql: 'select current_user' });
    s.runtime.advance(24 * 3600 * 1000);
    expect((await rejection(s.send(ALICE, 'DescribeStatement', { Id }))).code).toBe(
      'ResourceNotFoundException',
    );
  });
});

describe('authorization', () => {
  it('honours a resource-level IAM deny and allowIdentityEnhanced: false', async () => {
    const s = await setup();
    s.runtime.setAuthorize((_c, action, resource) => ({
      allowed: !(action === 'redshift-data:ExecuteStatement' && resource.endsWith(':workgroup/analytics')),
      reason: 'explicit deny',
    }));
    const err = await rejection(s.send(ALICE, 'ExecuteStatement', { ...WG, Sql: 'select 1' }));
    expect(err.code).toBe('AccessDeniedException');
    expect(s.audits.at(-1)).toMatchObject({ outcome: 'denied', reason: 'explicit deny' });
    s.runtime.setAuthorize(() => ({ allowed: true, reason: 'ok' }));
    (s.runtime.config.redshift as { allowIdentityEnhanced: boolean }).allowIdentityEnhanced = false;
    expect((await rejection(s.send(ALICE, 'ExecuteStatement', { ...WG, Sql: 'select 1' }))).code).toBe(
      'AccessDeniedException',
    );
    const plain = await s.send(PLAIN_CALLER, 'ExecuteStatement', { ...WG, Sql: 'select 1' });
    expect(typeof plain.Id).toBe('string');
  });

  it('runs as a DbUser only with redshift:GetClusterCredentials on that database user', async () => {
    const s = await setup();
    const asked: string[] = [];
    s.runtime.setAuthorize((_c, action, resource) => {
      asked.push(`${action} ${resource}`);
      return { allowed: action !== 'redshift:GetClusterCredentials', reason: 'no Allow' };
    });
    const input = { ClusterIdentifier: 'warehouse', Database: 'prod', DbUser: 'admin', Sql: 'select 1' };
    const err = await rejection(s.send(PLAIN_CALLER, 'ExecuteStatement', input));
    expect(err.code).toBe('AccessDeniedException');
    expect(asked.at(-1)).toMatch(
      /^redshift:GetClusterCredentials arn:aws:redshift:[^:]+:\d{12}:dbuser:warehouse\/admin$/,
    );
    expect(s.audits.at(-1)).toMatchObject({ outcome: 'denied', reason: 'no Allow' });
    expect(s.runner.runs).toHaveLength(0);
  });
});

describe('StatementStore', () => {
  it('forgets the oldest statements beyond its bound', () => {
    const store = new StatementStore(2);
    const now = Date.UTC(2026, 0, 1);
    const statement = (id: string) =>
      ({ id, owner: { accountId: 'a', principal: 'p' }, createdAt: now }) as unknown as Statement;
    for (const id of ['one', 'two', 'three']) store.add(statement(id));
    expect(store.get('one', now)).toBeUndefined();
    expect(store.get('three', now)?.id).toBe('three');
    expect(
      store
        .list(now)
        .map((x) => x.id)
        .sort(),
    ).toEqual(['three', 'two']);
  });
});

describe('statement lifecycle property', () => {
  it('never goes back in status or UpdatedAt as the clock moves forward', async () => {
    const { statusAt, updatedAt } = await import('../../../src/emulator/redshift/statements.js');
    const order = ['SUBMITTED', 'PICKED', 'STARTED'];
    fc.assert(
      fc.property(
        fc.record({ submittedMs: fc.nat(1000), pickedMs: fc.nat(1000), runningMs: fc.nat(1000) }),
        fc.array(fc.nat(4000), { minLength: 2, maxLength: 10 }),
        (timing, offsets) => {
          const statement = { createdAt: 0, timing, subStatements: [] } as unknown as Statement;
          let lastRank = -1;
          let lastUpdated = -1;
          for (const t of [...offsets].sort((a, b) => a - b)) {
            const rank = order.indexOf(statusAt(statement, t));
            expect(rank).toBeGreaterThanOrEqual(lastRank);
            expect(updatedAt(statement, t)).toBeGreaterThanOrEqual(lastUpdated);
            expect(updatedAt(statement, t)).toBeLessThanOrEqual(Math.max(t, 0));
            lastRank = rank;
            lastUpdated = updatedAt(statement, t);
          }
        },
      ),
    );
  });
});
