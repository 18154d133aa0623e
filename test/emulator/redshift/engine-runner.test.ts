import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseSchemas, redshiftLayout } from '../../../src/emulator/redshift/database-setup.js';
import { EngineRunner } from '../../../src/emulator/redshift/engine-runner.js';
import { refusal } from '../../../src/emulator/redshift/statement-guard.js';
import { RunnerFailure, type RunnerStatement } from '../../../src/emulator/redshift/sql-runner.js';
import { redshiftSection, testConfig } from './helpers/runtime.js';

const config = testConfig(redshiftSection());
const PATH = databaseSchemas(
  { kind: 'workgroup', name: 'analytics' },
  config.redshift.targets[0]!.databases[0]!,
).searchPath;

let runner: EngineRunner;
beforeAll(async () => {
  runner = await EngineRunner.create(redshiftLayout(config), Date.now);
}, 60_000);
afterAll(async () => {
  await runner?.close();
});

const st = (sql: string, params: string[] = []): RunnerStatement => ({ sql, params });

async function failure(role: string, statements: RunnerStatement[]): Promise<RunnerFailure> {
  try {
    await runner.run(role, PATH, statements);
  } catch (error) {
    if (error instanceof RunnerFailure) return error;
    throw error;
  }
  throw new Error('expected a failure');
}

describe('EngineRunner with the configured layout', () => {
  it('runs as the role, applies the user and group grants and row filters', async () => {
    const [who] = await runner.run('AWSIDC:alice', PATH, [st('select current_user')]);
    expect(who?.rows).toEqual([['AWSIDC:alice']]);
    expect(who?.columns[0]).toMatchObject({ name: 'current_user', typeName: 'name' });
    const [alice] = await runner.run('AWSIDC:alice', PATH, [st('select region from sales order by amount')]);
    expect(alice?.rows).toEqual([['eu'], ['eu']]);
    const [bob] = await runner.run('AWSIDC:bob', PATH, [st('select count(*) from sales')]);
    expect(bob?.rows).toEqual([[BigInt(4)]]);
    const [reporter] = await runner.run('reporter', PATH, [st('select region from sales')]);
    expect(reporter?.rows).toEqual([['us']]);
    const denied = await failure('AWSIDC:carol', [st('select * from sales')]);
    expect(denied).toMatchObject({
      index: 0,
      sqlState: '42501',
      message: 'permission denied for table sales',
    });
  });

  it('binds parameters as values and reports affected rows', async () => {
    const [r] = await runner.run('AWSIDC:bob', PATH, [
      st('select region from sales where amount > $1 order by 1', ['25']),
    ]);
    expect(r?.rows).toEqual([['apac'], ['us']]);
    const [insert, count] = await runner.run('AWSIDC:alice', PATH, [
      st('insert into numbers values ($1), ($2)', ['100', '101']),
      st('select count(*) from numbers'),
    ]);
    expect(insert).toMatchObject({ hasResultSet: false, rowCount: 2 });
    expect(count?.rows).toEqual([[BigInt(27)]]);
  });

  it('rolls back the whole run when a statement fails', async () => {
    const err = await failure('AWSIDC:alice', [
      st('insert into numbers values (500)'),
      st('select * from secrets'),
    ]);
    expect(err.index).toBe(1);
    const [count] = await runner.run('AWSIDC:alice', PATH, [
      st('select count(*) from numbers where n = 500'),
    ]);
    expect(count?.rows).toEqual([[BigInt(0)]]);
  });

  it.each([
    ['reset role', 'RESET'],
    ['set role postgres', 'SET'],
    ['commit', 'COMMIT'],
    ['begin', 'BEGIN'],
    ['do $$ begin perform 1; end $$', 'DO'],
    ['/* hidden */ set session authorization postgres', 'SET'],
    ['create role evil', 'CREATE ROLE'],
    ['create function f() returns int as $$ select 1 $$ language sql', 'CREATE FUNCTION'],
    ['alter role "AWSIDC:alice" superuser', 'ALTER ROLE'],
    ['copy sales to stdout', 'COPY'],
  ])('refuses %s before it reaches the database', async (sql, what) => {
    expect(refusal(sql)).toContain(what);
    const err = await failure('AWSIDC:alice', [st('select 1'), st(sql), st('select * from secrets')]);
    expect(err).toMatchObject({ index: 1, sqlState: '42501' });
  });

  it('keeps the role through a batch even when a statement tries set_config', async () => {
    const err = await failure('AWSIDC:alice', [
      st("select set_config('role', 'postgres', true)"),
      st('select * from secrets'),
    ]);
    expect(err).toMatchObject({ index: 0, sqlState: '42501' });
    const sneaky = await failure('AWSIDC:alice', [
      st(
        "select pg_catalog.set_config('role', 'postgres', false), query_to_xml('select * from secrets', true, true, '')",
      ),
    ]);
    expect(sneaky.sqlState).toBe('42501');
  });

  it('keeps a batch inside its role while other runs are interleaved with it', async () => {
    const batch = runner.run('AWSIDC:alice', PATH, [
      st('select current_user'),
      st('select current_user'),
      st('select current_user'),
    ]);
    const others = Array.from({ length: 20 }, () =>
      runner.run('AWSIDC:bob', PATH, [st('select current_user')]),
    );
    const [results, otherResults] = await Promise.all([batch, Promise.all(others)]);
    expect(results.map((r) => r.rows)).toEqual([[['AWSIDC:alice']], [['AWSIDC:alice']], [['AWSIDC:alice']]]);
    expect(otherResults.every(([r]) => r?.rows[0]?.[0] === 'AWSIDC:bob')).toBe(true);
  });

  it('refuses several statements in one text', async () => {
    const err = await failure('AWSIDC:alice', [st('select 1; select * from secrets')]);
    expect(err.sqlState).toBe('42601');
  });

  it('creates IdC and IAM users on first use without privileges', async () => {
    await runner.ensureRole('IAMR:etl');
    await runner.ensureRole('IAMR:etl');
    const [who] = await runner.run('IAMR:etl', PATH, [st('select current_user')]);
    expect(who?.rows).toEqual([['IAMR:etl']]);
    expect((await failure('IAMR:etl', [st('select * from numbers')])).sqlState).toBe('42501');
    expect((await failure('nobody', [st('select 1')])).message).toContain('does not exist');
  });
});

describe('EngineRunner value forms', () => {
  it('keeps dates and timestamps in Postgres text form', async () => {
    const [r] = await runner.run('AWSIDC:alice', PATH, [
      st("select date '2026-01-02' as d, timestamp '2026-01-02 03:04:05.5' as ts, 12.50::numeric(6,2) as n"),
    ]);
    expect(r?.rows).toEqual([['2026-01-02', '2026-01-02 03:04:05.5', '12.50']]);
    expect(r?.columns.map((c) => c.typeName)).toEqual(['date', 'timestamp', 'numeric']);
  });
});

describe('Redshift compatibility functions', () => {
  it('answers GETDATE, NVL and LEN', async () => {
    const [r] = await runner.run('AWSIDC:alice', PATH, [
      st("select getdate() is not null, nvl(null::int, 7), len('abcd')"),
    ]);
    expect(r?.rows).toEqual([[true, 7, 4]]);
  });

  it('exposes sys_query_history through the search path', async () => {
    const [r] = await runner.run('AWSIDC:alice', PATH, [st('select count(*) from sys_query_history')]);
    expect(r?.columns[0]?.name).toBe('count');
  });
});
