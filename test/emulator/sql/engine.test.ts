import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqlEngine } from '../../../src/emulator/sql/engine.js';
import { SqlError } from '../../../src/emulator/sql/errors.js';
import type { SqlEngine } from '../../../src/emulator/sql/types.js';

const ALICE = 'AWSIDC:alice@example.com';
const BOB = 'AWSIDC:bob@example.com';
const CAROL = 'AWSIDC:carol@example.com';
const DAVE = 'AWSIDC:dave@example.com';
const ANALYSTS = 'AWSIDC:analysts';

let engine: SqlEngine;
let clock = 1_700_000_000_000;

async function sqlError(promise: Promise<unknown>): Promise<SqlError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(SqlError);
    return error as SqlError;
  }
  throw new Error('expected a SqlError');
}

beforeAll(async () => {
  engine = await createSqlEngine({ now: () => clock++ });
  await engine.createTable('sales', {
    name: 'Orders',
    columns: [
      { name: 'id', type: 'integer' },
      { name: 'region', type: 'varchar(10)' },
      { name: 'amount', type: 'decimal(10,2)' },
      { name: 'secret', type: 'string' },
    ],
    rows: [
      [1, 'eu', '10.50', 's1'],
      [2, 'us', 20, 's2'],
      [3, 'eu', 30.25, 's3'],
      [4, 'apac', '1', null],
    ],
  });
  await engine.createTable('sales', { name: 'hidden', columns: [{ name: 'x', type: 'int' }], rows: [[42]] });
  for (const role of [ALICE, BOB, CAROL, DAVE, ANALYSTS]) await engine.ensureRole(role);
  await engine.ensureRole(ALICE); // idempotent
  await engine.grantRoleTo(ANALYSTS, ALICE);
  await engine.grantRoleTo(ANALYSTS, DAVE);
  await engine.grantSelect('sales', 'orders', ANALYSTS);
  await engine.setRowFilter('sales', 'orders', ANALYSTS, "region = 'eu'");
  await engine.grantSelect('sales', 'orders', CAROL);
  await engine.grantSelect('sales', 'orders', DAVE);
  await engine.grantSelect('sales', 'orders', BOB, ['id', 'region']);
});

afterAll(async () => {
  await engine.close();
});

describe('types', () => {
  it('round-trips every supported column type', async () => {
    await engine.createTable('types', {
      name: 'all_types',
      columns: [
        { name: 'v', type: 'varchar' },
        { name: 'c', type: 'char(3)' },
        { name: 's', type: 'string' },
        { name: 'i', type: 'int' },
        { name: 'b', type: 'bigint' },
        { name: 'sm', type: 'smallint' },
        { name: 't', type: 'tinyint' },
        { name: 'd', type: 'double' },
        { name: 'r', type: 'float' },
        { name: 'bo', type: 'boolean' },
        { name: 'dt', type: 'date' },
        { name: 'ts', type: 'timestamp' },
        { name: 'dec', type: 'decimal(10,2)' },
        { name: 'arr', type: 'array<varchar>' },
        { name: 'm', type: 'map<string,int>' },
        { name: 'j', type: 'json' },
        { name: 'ai', type: 'array<integer>' },
      ],
      rows: [
        [
          'hé',
          'ab',
          "it's",
          7,
          9007199254740993n,
          -3,
          5,
          1.5,
          2.25,
          true,
          '2024-01-02',
          '2024-01-02 03:04:05.123',
          '12.30',
          ['a', 'b c'],
          { k: 1 },
          { nested: [1, null] },
          [1, null, 3],
        ],
        Array.from({ length: 17 }, () => null),
      ],
    });
    const result = await engine.admin('SELECT * FROM types.all_types');
    expect(result.rows[0]).toEqual([
      'hé',
      'ab ',
      "it's",
      7,
      9007199254740993n,
      -3,
      5,
      1.5,
      2.25,
      true,
      '2024-01-02',
      '2024-01-02 03:04:05.123',
      '12.30',
      ['a', 'b c'],
      { k: 1 },
      { nested: [1, null] },
      [1, null, 3],
    ]);
    expect(result.rows[1]).toEqual(Array.from({ length: 17 }, () => null));
    expect(result.columns.map((c) => c.declaredType)).toEqual([
      'varchar',
      'char(3)',
      'string',
      'integer',
      'bigint',
      'smallint',
      'tinyint',
      'double',
      'real',
      'boolean',
      'date',
      'timestamp',
      'decimal(10,2)',
      'array<varchar>',
      'map<string,integer>',
      'json',
      'array<integer>',
    ]);
    expect(result.columns.find((c) => c.name === 'dec')?.pgType).toBe('numeric(10,2)');
    expect(result.columns.find((c) => c.name === 'arr')?.pgType).toBe('character varying[]');
    expect(result.textRows[0]?.[11]).toBe('2024-01-02 03:04:05.123');
  });

  it('accepts JSON text and array literals for structured columns', async () => {
    await engine.createTable('types', {
      name: 'text_cells',
      columns: [
        { name: 'a', type: 'array<int>' },
        { name: 'b', type: 'array<varchar>' },
        { name: 'm', type: 'map<varchar,int>' },
      ],
      rows: [['[1,2]', '{x,"y z"}', '{"k":1}']],
    });
    expect((await engine.admin('SELECT * FROM types.text_cells')).rows).toEqual([
      [[1, 2], ['x', 'y z'], { k: 1 }],
    ]);
    const bad = engine.createTable('types', {
      name: 'bad3',
      columns: [{ name: 'a', type: 'array<int>' }],
      rows: [['[1,']],
    });
    expect((await sqlError(bad)).code).toBe('22P02');
  });

  it('rejects unknown types and rows of the wrong width', async () => {
    expect(
      (await sqlError(engine.createTable('types', { name: 'bad', columns: [{ name: 'x', type: 'blob' }] })))
        .code,
    ).toBe('42704');
    const wrong = engine.createTable('types', {
      name: 'bad2',
      columns: [{ name: 'x', type: 'int' }],
      rows: [[1, 2]],
    });
    expect((await sqlError(wrong)).code).toBe('22023');
  });
});

describe('grants and row filters', () => {
  it('runs as the propagated role', async () => {
    const r = await engine.runAs(ALICE, 'SELECT current_user, session_user');
    expect(r.rows).toEqual([[ALICE, 'postgres']]);
  });

  it('filters rows through a group policy, and unions a direct unfiltered grant', async () => {
    const ids = async (role: string) =>
      (await engine.runAs(role, 'SELECT id FROM sales.orders ORDER BY id')).rows.map((r) => r[0]);
    expect(await ids(ALICE)).toEqual([1, 3]);
    expect(await ids(CAROL)).toEqual([1, 2, 3, 4]);
    expect(await ids(DAVE)).toEqual([1, 2, 3, 4]);
  });

  it('denies ungranted tables with 42501', async () => {
    const e = await sqlError(engine.runAs(ALICE, 'SELECT * FROM sales.hidden'));
    expect(e.code).toBe('42501');
    expect(e.message).toContain('hidden');
  });

  it('allows granted columns and refuses the others, including SELECT *', async () => {
    const r = await engine.runAs(BOB, 'SELECT id, region FROM sales.orders ORDER BY id');
    expect(r.rowCount).toBe(4);
    expect((await sqlError(engine.runAs(BOB, 'SELECT secret FROM sales.orders'))).code).toBe('42501');
    expect((await sqlError(engine.runAs(BOB, 'SELECT * FROM sales.orders'))).code).toBe('42501');
  });

  it('applies a revoke to the next query', async () => {
    await engine.ensureRole('AWSIDC:erin');
    await engine.grantSelect('sales', 'orders', 'AWSIDC:erin');
    expect((await engine.runAs('AWSIDC:erin', 'SELECT count(*) FROM sales.orders')).rows).toEqual([[4n]]);
    await engine.revoke({ schema: 'sales', table: 'orders', role: 'AWSIDC:erin' });
    expect((await sqlError(engine.runAs('AWSIDC:erin', 'SELECT count(*) FROM sales.orders'))).code).toBe(
      '42501',
    );
  });

  it('uses search_path and positional parameters', async () => {
    const r = await engine.runAs(
      CAROL,
      'SELECT id, amount FROM orders WHERE region = $1 AND id > $2 ORDER BY id',
      {
        searchPath: ['sales'],
        params: ['eu', 1],
      },
    );
    expect(r.rows).toEqual([[3, '30.25']]);
    expect(r.columns.map((c) => [c.name, c.declaredType])).toEqual([
      ['id', 'integer'],
      ['amount', 'decimal(10,2)'],
    ]);
  });

  it('reports undefined tables and syntax errors by SQLSTATE', async () => {
    expect((await sqlError(engine.runAs(CAROL, 'SELECT * FROM sales.nope'))).code).toBe('42P01');
    expect((await sqlError(engine.runAs(CAROL, 'SELEC 1'))).code).toBe('42601');
    expect((await sqlError(engine.runAs('AWSIDC:nobody', 'SELECT 1'))).code).toBe('22023');
  });

  it('serializes concurrent runs of different roles', async () => {
    const runs = await Promise.all(
      [ALICE, CAROL, ALICE, DAVE, CAROL].map((role) =>
        engine.runAs(role, 'SELECT current_user, count(*) FROM sales.orders'),
      ),
    );
    expect(runs.map((r) => r.rows[0])).toEqual([
      [ALICE, 2n],
      [CAROL, 4n],
      [ALICE, 2n],
      [DAVE, 4n],
      [CAROL, 4n],
    ]);
  });

  it('never runs user text as a superuser role', async () => {
    await engine.admin('CREATE ROLE "AWSIDC:root" SUPERUSER');
    for (const role of ['postgres', 'AWSIDC:root']) {
      const e = await sqlError(engine.runAs(role, 'SELECT * FROM sales.hidden'));
      expect(e.code).toBe('42501');
      expect(e.message).toContain('superuser');
    }
  });

  it('bounds the rows a statement may return', async () => {
    const ok = await engine.runAs(CAROL, 'SELECT generate_series(1, 10)', { maxRows: 10 });
    expect(ok.rowCount).toBe(10);
    const e = await sqlError(engine.runAs(CAROL, 'SELECT generate_series(1, 11)', { maxRows: 10 }));
    expect(e.code).toBe('54000');
    expect((await engine.admin('SELECT current_user')).rows).toEqual([['postgres']]);
  });

  it('honours an aborted signal', async () => {
    const controller = new AbortController();
    controller.abort();
    const e = await sqlError(
      engine.runAs(ALICE, 'SELECT 1', { signal: controller.signal, queryId: 'q-cancel' }),
    );
    expect(e.code).toBe('57014');
    expect((await engine.history({ queryId: 'q-cancel' }))[0]?.status).toBe('cancelled');
  });
});

describe('batches', () => {
  it('runs statements in one transaction as the role and returns every result', async () => {
    const results = await engine.runBatchAs(
      CAROL,
      [
        { sql: 'SELECT current_user' },
        { sql: 'SELECT count(*) FROM sales.orders WHERE region = $1', params: ['eu'] },
      ],
      { queryId: 'b-ok' },
    );
    expect(results.map((r) => r.rows)).toEqual([[[CAROL]], [[2n]]]);
    expect((await engine.history({ role: CAROL })).map((h) => h.queryId)).toEqual(
      expect.arrayContaining(['b-ok#1', 'b-ok#2']),
    );
  });

  it('rolls back the whole batch and names the failing statement', async () => {
    await engine.createTable('batch', { name: 'log', columns: [{ name: 'x', type: 'int' }] });
    await engine.grant({ schema: 'batch', table: 'log', role: CAROL, privileges: ['SELECT', 'INSERT'] });
    const e = await sqlError(
      engine.runBatchAs(CAROL, [
        { sql: 'INSERT INTO batch.log VALUES (1)' },
        { sql: 'SELECT * FROM sales.hidden' },
      ]),
    );
    expect(e).toMatchObject({ code: '42501', statementIndex: 1 });
    expect((await engine.admin('SELECT count(*) FROM batch.log')).rows).toEqual([[0n]]);
  });

  it('refuses an escape anywhere in a batch before running any statement', async () => {
    const e = await sqlError(
      engine.runBatchAs(CAROL, [
        { sql: 'INSERT INTO batch.log VALUES (2)' },
        { sql: 'RESET ROLE' },
        { sql: 'SELECT * FROM sales.hidden' },
      ]),
    );
    expect(e).toMatchObject({ code: '42501', statementIndex: 1 });
    expect((await engine.admin('SELECT count(*) FROM batch.log')).rows).toEqual([[0n]]);
  });

  it('keeps other operations out of a running batch', async () => {
    const [batch, single] = await Promise.all([
      engine.runBatchAs(ALICE, [{ sql: 'SELECT current_user' }, { sql: 'SELECT current_user' }]),
      engine.runAs(CAROL, 'SELECT current_user'),
    ]);
    expect(batch.map((r) => r.rows[0]?.[0])).toEqual([ALICE, ALICE]);
    expect(single.rows).toEqual([[CAROL]]);
  });
});

describe('history', () => {
  it('records every run with the role, status and error', async () => {
    await engine.runAs(ALICE, 'SELECT 1', { queryId: 'q-ok' });
    await engine.runAs(ALICE, 'SELECT * FROM sales.hidden', { queryId: 'q-denied' }).catch(() => undefined);
    const [ok] = await engine.history({ queryId: 'q-ok' });
    expect(ok).toMatchObject({ role: ALICE, sql: 'SELECT 1', status: 'success', rowCount: 1 });
    expect(ok!.endedAt).toBeGreaterThan(ok!.startedAt);
    const [denied] = await engine.history({ queryId: 'q-denied' });
    expect(denied).toMatchObject({ status: 'failed', error: { code: '42501' } });
    const sqlView = await engine.admin(
      `SELECT role, status FROM tip_sys.query_history WHERE query_id = 'q-denied'`,
    );
    expect(sqlView.rows).toEqual([[ALICE, 'failed']]);
    expect((await engine.history({ role: ALICE })).length).toBeGreaterThanOrEqual(5);
  });

  it('is not readable by propagated users', async () => {
    expect((await sqlError(engine.runAs(ALICE, 'SELECT * FROM tip_sys.query_history'))).code).toBe('42501');
  });
});

describe('escape attempts', () => {
  const attempts: [string, string][] = [
    ['RESET ROLE', '42501'],
    ['SET ROLE postgres', '42501'],
    ['set role none', '42501'],
    ['/* hi */ -- x\n RESET ROLE', '42501'],
    ['SET SESSION AUTHORIZATION postgres', '42501'],
    ['RESET ALL', '42501'],
    ["SELECT set_config('role', 'postgres', true)", '42501'],
    ["SELECT set_config('role', 'postgres', false), (SELECT count(*) FROM sales.hidden)", '42501'],
    ['SELECT 1; RESET ROLE', '42601'],
    ['SELECT 1; SELECT * FROM sales.hidden', '42601'],
    ['COMMIT', '42501'],
    ['BEGIN', '42501'],
    ["DO $$ BEGIN EXECUTE 'RESET ROLE'; END $$", '42501'],
    ["CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1'", '42501'],
    ['CREATE OR REPLACE FUNCTION f() RETURNS int AS $$ SELECT 1 $$ LANGUAGE sql', '42501'],
    ['PREPARE p AS SELECT 1', '42501'],
    ['CREATE TEMP TABLE t (x int)', '42501'],
    ['CREATE TABLE public.t (x int)', '42501'],
    ['CREATE ROLE evil SUPERUSER', '42501'],
    ['ALTER ROLE CURRENT_USER SUPERUSER', '42501'],
    ["COPY sales.hidden TO '/tmp/x'", '42501'],
    ["SELECT pg_read_file('PG_VERSION')", '42501'],
    ['', '42601'],
  ];
  it.each(attempts)('refuses %j', async (sql, code) => {
    expect((await sqlError(engine.runAs(ALICE, sql))).code).toBe(code);
    const after = await engine.admin('SELECT current_user');
    expect(after.rows).toEqual([['postgres']]);
    expect((await sqlError(engine.runAs(ALICE, 'SELECT * FROM sales.hidden'))).code).toBe('42501');
  });
});

describe('arbitrary user text', () => {
  it('only ever fails with a SqlError and never leaves the role', async () => {
    const fragment = fc.constantFrom(
      'SELECT',
      'RESET ROLE',
      'SET ROLE postgres',
      ';',
      "set_config('role','postgres',true)",
      '*',
      'FROM sales.hidden',
      'FROM sales.orders',
      '/*',
      '*/',
      '--',
      '\n',
      "'",
      '"',
      '$$',
      '(',
      ')',
      'DO',
      'COMMIT',
      'WITH x AS (SELECT 1)',
      'current_user',
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fragment, fc.string({ maxLength: 8 })), { maxLength: 8 }),
        async (parts) => {
          const sql = parts.join(' ');
          try {
            const r = await engine.runAs(ALICE, sql);
            // sales.hidden holds 42; text that does not spell it cannot have read it.
            if (!sql.includes('42')) for (const row of r.rows) expect(row).not.toContain(42);
          } catch (error) {
            expect(error).toBeInstanceOf(SqlError);
          }
          expect((await engine.admin('SELECT current_user')).rows).toEqual([['postgres']]);
        },
      ),
      { numRuns: 150 },
    );
    expect((await sqlError(engine.runAs(ALICE, 'SELECT * FROM sales.hidden'))).code).toBe('42501');
  });
});
