import { describe, expect, it } from 'vitest';
import type { Caller, ServiceModule } from '../../../src/emulator/core/types.js';
import { redshiftDataServiceFactory } from '../../../src/emulator/redshift/data-service.js';
import type { StatementTiming } from '../../../src/emulator/redshift/statements.js';
import { FakeRunner, fakeBackend } from './helpers/fake-runner.js';
import { call, enhancedCaller, PLAIN_CALLER, type TestRuntime, testRuntime } from './helpers/runtime.js';
import { rejection } from '../support/runtime.js';

const ALICE = enhancedCaller('alice', ['analysts']);
const BOB = enhancedCaller('bob', ['engineers']);
const WG = { WorkgroupName: 'analytics', Database: 'dev' };

interface Setup {
  runtime: TestRuntime;
  runner: FakeRunner;
  module: ServiceModule;
  send(caller: Caller, op: string, input: Record<string, unknown>): Promise<Record<string, unknown>>;
}

async function setup(opts: { timing?: Partial<StatementTiming>; maxPageSize?: number } = {}): Promise<Setup> {
  const runtime = testRuntime();
  const runner = new FakeRunner();
  const module = await redshiftDataServiceFactory({ ...opts, backend: fakeBackend(runner) })(runtime);
  return { runtime, runner, module, send: (caller, op, input) => call(module, runtime, caller, op, input) };
}

describe('GetStatementResult pagination', () => {
  it('pages through more rows than one page with NextToken', async () => {
    const s = await setup({ maxPageSize: 10 });
    const { Id } = await s.send(ALICE, 'ExecuteStatement', { ...WG, Sql: 'select n from numbers' });
    const seen: number[] = [];
    let token: unknown;
    let pages = 0;
    do {
      const page = await s.send(ALICE, 'GetStatementResult', { Id, ...(token ? { NextToken: token } : {}) });
      pages++;
      expect(page.TotalNumRows).toBe(25);
      expect(page.ColumnMetadata).toEqual([
        expect.objectContaining({
          name: 'n',
          typeName: 'int8',
          isSigned: true,
          precision: 19,
          tableName: 'numbers',
        }),
      ]);
      for (const record of page.Records as { longValue: number }[][])
        seen.push(record[0]?.longValue as number);
      token = page.NextToken;
    } while (token);
    expect(pages).toBe(3);
    expect(seen).toEqual(Array.from({ length: 25 }, (_, k) => k + 1));
  });

  it('refuses forged, foreign and malformed NextTokens', async () => {
    const s = await setup({ maxPageSize: 10 });
    const a = await s.send(ALICE, 'ExecuteStatement', { ...WG, Sql: 'select n from numbers' });
    const b = await s.send(ALICE, 'ExecuteStatement', { ...WG, Sql: 'select n from numbers' });
    const first = await s.send(ALICE, 'GetStatementResult', { Id: a.Id });
    const token = first.NextToken as string;
    const body = Buffer.from(JSON.stringify([a.Id, 0])).toString('base64url');
    for (const NextToken of ['garbage', `${body}.AAAA`, `${token.slice(0, -2)}xx`, 7, 'a'.repeat(600)]) {
      expect((await rejection(s.send(ALICE, 'GetStatementResult', { Id: a.Id, NextToken }))).code).toBe(
        'ValidationException',
      );
    }
    expect((await rejection(s.send(ALICE, 'GetStatementResult', { Id: b.Id, NextToken: token }))).code).toBe(
      'ValidationException',
    );
  });

  it('maps values to Field unions and reports a statement without a result set', async () => {
    const s = await setup();
    const { Id } = await s.send(ALICE, 'ExecuteStatement', { ...WG, Sql: "select 'a,b' as txt" });
    const page = await s.send(ALICE, 'GetStatementResult', { Id });
    expect(page.Records).toEqual([[{ stringValue: 'a,b "c"' }, { isNull: true }, { stringValue: '' }]]);
    const insert = await s.send(ALICE, 'ExecuteStatement', { ...WG, Sql: 'insert into numbers values (1)' });
    const d = await s.send(ALICE, 'DescribeStatement', { Id: insert.Id });
    expect(d).toMatchObject({ Status: 'FINISHED', HasResultSet: false, ResultRows: 1, ResultSize: 0 });
    const err = await rejection(s.send(ALICE, 'GetStatementResult', { Id: insert.Id }));
    expect(err.message).toBe('Query does not have result. Please check query status with DescribeStatement.');
  });
});

describe('GetStatementResultV2 (CSV)', () => {
  it('returns CSV records with a header on the first page', async () => {
    const s = await setup({ maxPageSize: 20 });
    const csv = await s.send(ALICE, 'ExecuteStatement', {
      ...WG,
      Sql: "select 'a,b' as txt",
      ResultFormat: 'CSV',
    });
    const out = await s.send(ALICE, 'GetStatementResultV2', { Id: csv.Id });
    expect(out.ResultFormat).toBe('CSV');
    expect(out.Records).toEqual([{ CSVRecords: 'txt,nothing,empty\n"a,b ""c""",,""\n' }]);
    const numbers = await s.send(ALICE, 'ExecuteStatement', {
      ...WG,
      Sql: 'select n from numbers',
      ResultFormat: 'CSV',
    });
    const p1 = await s.send(ALICE, 'GetStatementResultV2', { Id: numbers.Id });
    const p2 = await s.send(ALICE, 'GetStatementResultV2', { Id: numbers.Id, NextToken: p1.NextToken });
    const text = [p1, p2].map((p) => (p.Records as { CSVRecords: string }[])[0]?.CSVRecords).join('');
    expect(text.split('\n').filter(Boolean)).toEqual([
      'n',
      ...Array.from({ length: 25 }, (_, k) => String(k + 1)),
    ]);
    expect(p2.NextToken).toBeUndefined();
  });

  it('keeps JSON and CSV statements to their own result operation', async () => {
    const s = await setup();
    const json = await s.send(ALICE, 'ExecuteStatement', { ...WG, Sql: 'select current_user' });
    const csv = await s.send(ALICE, 'ExecuteStatement', {
      ...WG,
      Sql: 'select current_user',
      ResultFormat: 'CSV',
    });
    expect((await rejection(s.send(ALICE, 'GetStatementResultV2', { Id: json.Id }))).code).toBe(
      'ValidationException',
    );
    expect((await rejection(s.send(ALICE, 'GetStatementResult', { Id: csv.Id }))).code).toBe(
      'ValidationException',
    );
  });
});

describe('BatchExecuteStatement', () => {
  it('runs the SQL texts in order in one run and exposes <Id>:N sub-statements', async () => {
    const s = await setup();
    const { Id } = await s.send(ALICE, 'BatchExecuteStatement', {
      ...WG,
      Sqls: ['insert into numbers values (:v)', 'select current_user', 'select n from numbers'],
      Parameters: [{ name: 'v', value: '26' }],
    });
    const d = await s.send(ALICE, 'DescribeStatement', { Id });
    expect(d.Status).toBe('FINISHED');
    expect(d.HasResultSet).toBe(true);
    const subs = d.SubStatements as Record<string, unknown>[];
    expect(subs.map((x) => [x.Id, x.Status, x.HasResultSet, x.ResultRows])).toEqual([
      [`${Id}:1`, 'FINISHED', false, 1],
      [`${Id}:2`, 'FINISHED', true, 1],
      [`${Id}:3`, 'FINISHED', true, 25],
    ]);
    expect(s.runner.runs).toHaveLength(1);
    expect(s.runner.runs[0]?.statements.map((x) => x.sql)).toEqual([
      'insert into numbers values ($1)',
      'select current_user',
      'select n from numbers',
    ]);
    const r = await s.send(ALICE, 'GetStatementResult', { Id: `${Id}:2` });
    expect(r.Records).toEqual([[{ stringValue: 'AWSIDC:alice' }]]);
    const sub = await s.send(ALICE, 'DescribeStatement', { Id: `${Id}:3` });
    expect(sub).toMatchObject({ Id: `${Id}:3`, Status: 'FINISHED', QueryString: 'select n from numbers' });
    expect((await rejection(s.send(ALICE, 'GetStatementResult', { Id }))).message).toContain('is a batch');
    expect((await rejection(s.send(ALICE, 'DescribeStatement', { Id: `${Id}:4` }))).code).toBe(
      'ResourceNotFoundException',
    );
    const list = await s.send(ALICE, 'ListStatements', { WorkgroupName: 'analytics' });
    expect(list.Statements).toEqual([
      expect.objectContaining({ Id, IsBatchStatement: true, QueryStrings: expect.any(Array) }),
    ]);
  });

  it('fails the failing sub-statement, aborts the rest and fails the batch', async () => {
    const s = await setup();
    const { Id } = await s.send(ALICE, 'BatchExecuteStatement', {
      ...WG,
      Sqls: ['select current_user', 'select * from secrets -- denied', 'select current_user'],
    });
    const d = await s.send(ALICE, 'DescribeStatement', { Id });
    expect(d.Status).toBe('FAILED');
    expect(d.Error).toBe('ERROR: permission denied for table secrets');
    expect((d.SubStatements as { Status: string }[]).map((x) => x.Status)).toEqual([
      'FINISHED',
      'FAILED',
      'ABORTED',
    ]);
  });

  it.each([[[]], [Array.from({ length: 41 }, () => 'select 1')], ['select 1'], [[5]]])(
    'refuses Sqls case %#',
    async (Sqls) => {
      const s = await setup();
      expect((await rejection(s.send(ALICE, 'BatchExecuteStatement', { ...WG, Sqls }))).code).toBe(
        'ValidationException',
      );
    },
  );
});

describe('CancelStatement', () => {
  it('aborts a statement before its SQL runs and refuses to cancel a finished one', async () => {
    const s = await setup({ timing: { runningMs: 1000 } });
    const { Id } = await s.send(ALICE, 'ExecuteStatement', { ...WG, Sql: 'insert into numbers values (1)' });
    expect(await s.send(ALICE, 'CancelStatement', { Id })).toEqual({ Status: true });
    s.runtime.advance(5000);
    const d = await s.send(ALICE, 'DescribeStatement', { Id });
    expect(d).toMatchObject({ Status: 'ABORTED', Duration: -1 });
    expect(s.runner.runs).toHaveLength(0);
    const again = await rejection(s.send(ALICE, 'CancelStatement', { Id }));
    expect(again.message).toBe('Could not cancel a query that is already in ABORTED state.');
    const done = await s.send(ALICE, 'ExecuteStatement', { ...WG, Sql: 'select current_user' });
    s.runtime.advance(1000);
    const err = await rejection(s.send(ALICE, 'CancelStatement', { Id: done.Id }));
    expect(err.message).toBe('Could not cancel a query that is already in FINISHED state.');
  });
});

describe('ListStatements', () => {
  it('needs a target for identity-enhanced callers and lists only their own statements', async () => {
    const s = await setup();
    const a1 = await s.send(ALICE, 'ExecuteStatement', {
      ...WG,
      Sql: 'select current_user',
      StatementName: 'daily-1',
    });
    s.runtime.advance(1);
    const a2 = await s.send(ALICE, 'ExecuteStatement', {
      ...WG,
      Sql: 'select * from x -- denied',
      StatementName: 'adhoc',
    });
    s.runtime.advance(1);
    await s.send(ALICE, 'ExecuteStatement', {
      ClusterIdentifier: 'warehouse',
      Database: 'prod',
      Sql: 'select current_user',
    });
    await s.send(BOB, 'ExecuteStatement', { ...WG, Sql: 'select current_user' });
    await s.send(PLAIN_CALLER, 'ExecuteStatement', { ...WG, Sql: 'select current_user' });
    expect((await rejection(s.send(ALICE, 'ListStatements', {}))).code).toBe('ValidationException');
    const all = await s.send(ALICE, 'ListStatements', { WorkgroupName: 'analytics' });
    expect((all.Statements as { Id: string }[]).map((x) => x.Id)).toEqual([a2.Id, a1.Id]);
    const entry = (all.Statements as Record<string, unknown>[])[1];
    expect(entry).toMatchObject({ StatementName: 'daily-1', Status: 'FINISHED', IsBatchStatement: false });
    expect(typeof entry?.CreatedAt).toBe('number');
    const failed = await s.send(ALICE, 'ListStatements', { WorkgroupName: 'analytics', Status: 'FAILED' });
    expect((failed.Statements as { Id: string }[]).map((x) => x.Id)).toEqual([a2.Id]);
    const named = await s.send(ALICE, 'ListStatements', {
      WorkgroupName: 'analytics',
      StatementName: 'daily',
    });
    expect((named.Statements as { Id: string }[]).map((x) => x.Id)).toEqual([a1.Id]);
    const page1 = await s.send(ALICE, 'ListStatements', { WorkgroupName: 'analytics', MaxResults: 1 });
    expect((page1.Statements as unknown[]).length).toBe(1);
    const page2 = await s.send(ALICE, 'ListStatements', {
      WorkgroupName: 'analytics',
      MaxResults: 1,
      NextToken: page1.NextToken,
    });
    expect((page2.Statements as { Id: string }[]).map((x) => x.Id)).toEqual([a1.Id]);
    expect(page2.NextToken).toBeUndefined();
    const plain = await s.send(PLAIN_CALLER, 'ListStatements', {});
    expect((plain.Statements as unknown[]).length).toBe(1);
  });

  it.each([
    [{ WorkgroupName: 'analytics', Status: 'DONE' }],
    [{ WorkgroupName: 'analytics', MaxResults: 101 }],
    [{ WorkgroupName: 'analytics', RoleLevel: 'yes' }],
    [{ WorkgroupName: 'nope' }],
    [{ WorkgroupName: 'analytics', NextToken: 'forged' }],
  ])('refuses bad ListStatements input %#', async (input) => {
    const s = await setup();
    expect((await rejection(s.send(ALICE, 'ListStatements', input))).code).toBe('ValidationException');
  });
});
