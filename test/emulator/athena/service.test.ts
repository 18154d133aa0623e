import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AthenaServiceModule, createAthenaService } from '../../../src/emulator/athena/service.js';
import { AwsServiceError, type Caller } from '../../../src/emulator/core/types.js';
import { ACCOUNT, type AuditRecord, IAM_CALLER, call, idcCaller, testRuntime } from './helpers.js';

const runtime = testRuntime();
let athena: AthenaServiceModule;
const alice = idcCaller('alice', ['analysts']);
const bob = idcCaller('bob', ['engineers']);
const carol = idcCaller('carol', []);

beforeAll(async () => {
  athena = await createAthenaService(runtime);
});
afterAll(async () => {
  await athena.close?.();
});

async function awsError(promise: Promise<unknown>): Promise<AwsServiceError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(AwsServiceError);
    return error as AwsServiceError;
  }
  throw new Error('expected an AwsServiceError');
}

async function start(
  caller: Caller,
  input: Record<string, unknown>,
  audits?: AuditRecord[],
): Promise<string> {
  const out = await call(
    athena,
    runtime,
    caller,
    'StartQueryExecution',
    { WorkGroup: 'analysts', ...input },
    audits,
  );
  expect(out.QueryExecutionId).toMatch(/^[0-9a-f-]{36}$/);
  return out.QueryExecutionId as string;
}

type Status = { State: string; StateChangeReason?: string; AthenaError?: Record<string, unknown> };

async function status(caller: Caller, id: string): Promise<Status> {
  const out = await call(athena, runtime, caller, 'GetQueryExecution', { QueryExecutionId: id });
  return (out.QueryExecution as { Status: Status }).Status;
}

type Results = {
  ResultSet: {
    Rows: { Data: { VarCharValue?: string }[] }[];
    ResultSetMetadata: { ColumnInfo: Record<string, unknown>[] };
  };
  NextToken?: string;
};

async function results(caller: Caller, id: string, extra: Record<string, unknown> = {}): Promise<Results> {
  return (await call(athena, runtime, caller, 'GetQueryResults', {
    QueryExecutionId: id,
    ...extra,
  })) as Results;
}

async function allRows(caller: Caller, id: string): Promise<(string | undefined)[][]> {
  const rows: (string | undefined)[][] = [];
  let token: string | undefined;
  do {
    const page = await results(caller, id, token ? { NextToken: token } : {});
    rows.push(...page.ResultSet.Rows.map((r) => r.Data.map((d) => d.VarCharValue)));
    token = page.NextToken;
  } while (token);
  return rows;
}

describe('query lifecycle', () => {
  it('moves QUEUED/RUNNING → SUCCEEDED on the emulator clock and returns typed, formatted results', async () => {
    const id = await start(alice, { QueryString: 'SELECT * FROM sales.orders WHERE id = 1' });
    expect((await status(alice, id)).State).toBe('RUNNING');
    const early = await awsError(results(alice, id));
    expect(early.code).toBe('InvalidRequestException');
    expect(early.message).toContain('RUNNING');
    runtime.advance(20);
    const done = await call(athena, runtime, alice, 'GetQueryExecution', { QueryExecutionId: id });
    const qe = done.QueryExecution as Record<string, unknown>;
    expect(qe).toMatchObject({
      QueryExecutionId: id,
      StatementType: 'DML',
      WorkGroup: 'analysts',
      ResultConfiguration: { OutputLocation: `s3://results/analysts/${id}.csv` },
      Status: { State: 'SUCCEEDED' },
      EngineVersion: { SelectedEngineVersion: 'Trino engine version 3' },
    });
    expect((qe.Status as { CompletionDateTime: Date }).CompletionDateTime).toBeInstanceOf(Date);
    const page = await results(alice, id);
    expect(
      page.ResultSet.ResultSetMetadata.ColumnInfo.map((c) => [c.Name, c.Type, c.Precision, c.Scale]),
    ).toEqual([
      ['id', 'integer', 10, 0],
      ['region', 'varchar', 8, 0],
      ['amount', 'decimal', 10, 2],
      ['tags', 'array', 0, 0],
      ['attrs', 'map', 0, 0],
      ['at', 'timestamp', 3, 0],
    ]);
    expect(page.ResultSet.Rows.map((r) => r.Data.map((d) => d.VarCharValue))).toEqual([
      ['id', 'region', 'amount', 'tags', 'attrs', 'at'],
      ['1', 'eu', '1.50', '[a, b]', '{k=v}', '2024-01-02 03:04:05.000'],
    ]);
  });

  it('pages with NextToken (header counted on the first page) and rejects forged tokens', async () => {
    const id = await start(carol, { QueryString: 'SELECT id FROM sales.orders ORDER BY id' });
    runtime.advance(20);
    const first = await results(carol, id);
    expect(first.ResultSet.Rows).toHaveLength(10);
    expect(first.NextToken).toBeDefined();
    const rows = await allRows(carol, id);
    expect(rows[0]).toEqual(['id']);
    expect(rows.slice(1).map((r) => Number(r[0]))).toEqual(Array.from({ length: 25 }, (_, k) => k + 1));
    const small = await results(carol, id, { MaxResults: 3 });
    expect(small.ResultSet.Rows).toHaveLength(3);
    for (const bad of ['3.AAAAAAAAAAAAAAAAAAAAAA', 'garbage', '', 42]) {
      expect((await awsError(results(carol, id, { NextToken: bad }))).code).toBe('InvalidRequestException');
    }
    expect((await awsError(results(carol, id, { MaxResults: 1001 }))).code).toBe('InvalidRequestException');
  });

  it('applies row filters per user and group, and column grants', async () => {
    const count = async (caller: Caller) => {
      const id = await start(caller, {
        QueryString: 'SELECT count(*) AS n FROM orders',
        QueryExecutionContext: { Database: 'sales' },
      });
      runtime.advance(20);
      const page = await results(caller, id);
      expect(page.ResultSet.ResultSetMetadata.ColumnInfo[0]).toMatchObject({ Name: 'n', Type: 'bigint' });
      return Number(page.ResultSet.Rows[1]?.Data[0]?.VarCharValue);
    };
    expect(await count(alice)).toBe(9); // eu rows only, through the analysts group
    expect(await count(carol)).toBe(25);
    const bobId = await start(bob, { QueryString: 'SELECT id, region FROM sales.orders' });
    runtime.advance(20);
    expect((await status(bob, bobId)).State).toBe('SUCCEEDED');
    // As Lake Formation: SELECT * returns just the granted columns, a denied column does not exist.
    const star = await start(bob, { QueryString: 'SELECT * FROM sales.orders ORDER BY id LIMIT 1' });
    runtime.advance(20);
    expect((await status(bob, star)).State).toBe('SUCCEEDED');
    const page = await results(bob, star);
    expect(page.ResultSet.ResultSetMetadata.ColumnInfo.map((c) => c.Name)).toEqual(['id', 'region']);
    expect(page.ResultSet.ResultSetMetadata.ColumnInfo[0]).toMatchObject({ Type: 'integer' });
    const denied = await start(bob, { QueryString: 'SELECT amount FROM sales.orders' });
    runtime.advance(20);
    expect(await status(bob, denied)).toMatchObject({
      State: 'FAILED',
      StateChangeReason: "COLUMN_NOT_FOUND: Column 'amount' cannot be resolved",
    });
    // Nothing of the swap is left behind: a full reader still sees every column of the table.
    const full = await start(carol, { QueryString: 'SELECT * FROM sales.orders LIMIT 1' });
    runtime.advance(20);
    expect((await results(carol, full)).ResultSet.ResultSetMetadata.ColumnInfo.length).toBeGreaterThan(2);
  });

  it('fails a query on an ungranted table with a Lake Formation error (the call itself succeeds)', async () => {
    const audits: AuditRecord[] = [];
    const id = await start(alice, { QueryString: 'SELECT * FROM sales.secrets' }, audits);
    runtime.advance(20);
    const s = await status(alice, id);
    expect(s).toMatchObject({
      State: 'FAILED',
      StateChangeReason: 'Insufficient Lake Formation permission(s) on secrets',
      AthenaError: { ErrorCategory: 2, ErrorType: 234, Retryable: false },
    });
    expect(audits).toEqual([
      expect.objectContaining({
        outcome: 'denied',
        resource: `arn:aws:athena:us-east-1:${ACCOUNT}:workgroup/analysts`,
      }),
    ]);
    expect((await awsError(results(alice, id))).message).toContain('FAILED');
  });

  it('takes a revoke at runtime into account for later queries', async () => {
    await athena.admin.grant({ principal: 'user:alice', table: 'sales.secrets' });
    const ok = await start(alice, { QueryString: 'SELECT v FROM sales.secrets' });
    await athena.admin.revoke('user:alice', 'sales.secrets');
    const denied = await start(alice, { QueryString: 'SELECT v FROM sales.secrets' });
    runtime.advance(20);
    expect((await status(alice, ok)).State).toBe('SUCCEEDED');
    expect((await status(alice, denied)).State).toBe('FAILED');
  });

  it('reports missing tables and syntax errors as user errors', async () => {
    const missing = await start(carol, { QueryString: 'SELECT * FROM sales.nope' });
    const syntax = await start(carol, { QueryString: 'SELEC 1' });
    runtime.advance(20);
    expect((await status(carol, missing)).StateChangeReason).toMatch(/^TABLE_NOT_FOUND: /);
    expect((await status(carol, syntax)).AthenaError).toMatchObject({ ErrorCategory: 2, ErrorType: 1000 });
  });

  it('binds ExecutionParameters to ? placeholders', async () => {
    const id = await start(carol, {
      QueryString: "SELECT count(*) FROM sales.orders WHERE region = ? AND id > ? AND '?' = '?'",
      ExecutionParameters: ["'us'", '10'],
    });
    runtime.advance(20);
    expect((await results(carol, id)).ResultSet.Rows[1]?.Data[0]?.VarCharValue).toBe('5');
    const mismatch = await awsError(start(carol, { QueryString: 'SELECT ?', ExecutionParameters: [] }));
    expect(mismatch.code).toBe('InvalidRequestException');
  });

  it('cancels a running query with StopQueryExecution', async () => {
    const id = await start(carol, { QueryString: 'SELECT 1' });
    await call(athena, runtime, carol, 'StopQueryExecution', { QueryExecutionId: id });
    runtime.advance(20);
    expect(await status(carol, id)).toMatchObject({ State: 'CANCELLED' });
    expect((await awsError(results(carol, id))).message).toContain('CANCELLED');
  });

  it('is idempotent per ClientRequestToken', async () => {
    const token = 'token-0123456789-0123456789-0123456789';
    const a = await start(carol, { QueryString: 'SELECT 2', ClientRequestToken: token });
    const b = await start(carol, { QueryString: 'SELECT 2', ClientRequestToken: token });
    expect(b).toBe(a);
    const e = await awsError(start(carol, { QueryString: 'SELECT 3', ClientRequestToken: token }));
    expect(e.code).toBe('InvalidRequestException');
  });

  it('records the IdC user in the query history', async () => {
    const history = await athena.admin.history();
    expect(history.some((h) => h.role === 'AWSIDC:alice' && h.status === 'success')).toBe(true);
    expect(history.some((h) => h.role === 'AWSIDC:alice' && h.error?.code === '42501')).toBe(true);
  });
});

describe('authorization', () => {
  it('refuses plain credentials on an Identity Center workgroup', async () => {
    const audits: AuditRecord[] = [];
    const e = await awsError(
      call(
        athena,
        runtime,
        IAM_CALLER,
        'StartQueryExecution',
        { WorkGroup: 'analysts', QueryString: 'SELECT 1' },
        audits,
      ),
    );
    expect(e.code).toBe('InvalidRequestException');
    expect(e.message).toContain('identity-enhanced');
    expect(audits[0]?.outcome).toBe('denied');
  });

  it('refuses identity contexts of another instance', async () => {
    const stranger = idcCaller('alice', [], 'arn:aws:sso:::instance/ssoins-9999999999999999');
    expect((await awsError(start(stranger, { QueryString: 'SELECT 1' }))).code).toBe(
      'InvalidRequestException',
    );
  });

  it('runs IAM callers on a plain workgroup with access to every table', async () => {
    const out = await call(athena, runtime, IAM_CALLER, 'StartQueryExecution', {
      WorkGroup: 'plain',
      QueryString: 'SELECT v FROM sales.secrets',
      ResultConfiguration: { OutputLocation: 's3://mine/out' },
    });
    const id = out.QueryExecutionId as string;
    runtime.advance(20);
    const qe = (await call(athena, runtime, IAM_CALLER, 'GetQueryExecution', { QueryExecutionId: id }))
      .QueryExecution as Record<string, unknown>;
    expect(qe).toMatchObject({
      Status: { State: 'SUCCEEDED' },
      ResultConfiguration: { OutputLocation: `s3://mine/out/${id}.csv` },
    });
    expect((await results(IAM_CALLER, id)).ResultSet.Rows[1]?.Data[0]?.VarCharValue).toBe('hidden');
  });

  it('refuses identity-enhanced sessions on a workgroup without Identity Center', async () => {
    const audits: AuditRecord[] = [];
    const e = await awsError(
      call(
        athena,
        runtime,
        alice,
        'StartQueryExecution',
        { WorkGroup: 'plain', QueryString: 'SELECT v FROM sales.secrets' },
        audits,
      ),
    );
    expect(e.code).toBe('InvalidRequestException');
    expect(audits).toEqual([expect.objectContaining({ outcome: 'denied' })]);
  });

  it('hides one user’s executions from another', async () => {
    const id = await start(alice, { QueryString: 'SELECT 1' });
    const e = await awsError(call(athena, runtime, carol, 'GetQueryExecution', { QueryExecutionId: id }));
    expect(e.code).toBe('InvalidRequestException');
    expect(e.message).toContain('not found');
  });

  it('applies resource-level IAM decisions on the workgroup', async () => {
    const arn = `arn:aws:athena:us-east-1:${ACCOUNT}:workgroup/analysts`;
    runtime.deny.add(`athena:StartQueryExecution ${arn}`);
    try {
      expect((await awsError(start(alice, { QueryString: 'SELECT 1' }))).code).toBe('AccessDeniedException');
    } finally {
      runtime.deny.clear();
    }
  });

  it.each([
    [{ QueryString: '' }],
    [{ QueryString: 42 }],
    [{ QueryString: 'SELECT 1', WorkGroup: 'nope' }],
    [{ QueryString: 'SELECT 1', WorkGroup: '../x' }],
    [{ QueryString: 'SELECT 1', QueryExecutionContext: 'sales' }],
    [{ QueryString: 'SELECT 1', ExecutionParameters: [1] }],
  ])('rejects malformed input %j', async (input) => {
    const e = await awsError(
      call(athena, runtime, alice, 'StartQueryExecution', { WorkGroup: 'analysts', ...input }),
    );
    expect(e.code).toBe('InvalidRequestException');
  });

  it('rejects malformed and unknown query ids', async () => {
    for (const QueryExecutionId of [
      undefined,
      '',
      'x'.repeat(200),
      'a b',
      '00000000-0000-0000-0000-000000000000',
    ]) {
      expect(
        (await awsError(call(athena, runtime, alice, 'GetQueryExecution', { QueryExecutionId }))).code,
      ).toBe('InvalidRequestException');
    }
  });
});

describe('catalog metadata', () => {
  const meta = (caller: Caller, op: string, input: Record<string, unknown>) =>
    call(athena, runtime, caller, op, { CatalogName: 'AwsDataCatalog', WorkGroup: 'analysts', ...input });

  it('lists only what Lake Formation lets the user see, columns included', async () => {
    expect(await meta(alice, 'ListDatabases', {})).toEqual({
      DatabaseList: [{ Name: 'sales', Parameters: {} }],
    });
    const bobs = (await meta(bob, 'ListTableMetadata', { DatabaseName: 'sales' })) as {
      TableMetadataList: { Name: string; Columns: { Name: string; Type: string }[] }[];
    };
    expect(bobs.TableMetadataList).toEqual([
      expect.objectContaining({
        Name: 'orders',
        Columns: [
          { Name: 'id', Type: 'integer' },
          { Name: 'region', Type: 'varchar(8)' },
        ],
      }),
    ]);
    const table = await meta(carol, 'GetTableMetadata', { DatabaseName: 'sales', TableName: 'orders' });
    expect((table.TableMetadata as { Columns: unknown[] }).Columns).toHaveLength(6);
    const hidden = await awsError(
      meta(carol, 'GetTableMetadata', { DatabaseName: 'sales', TableName: 'secrets' }),
    );
    expect(hidden.code).toBe('MetadataException');
  });

  it('needs an Identity Center workgroup for identity-enhanced sessions and a known catalog', async () => {
    const noGroup = await awsError(
      call(athena, runtime, alice, 'ListDatabases', { CatalogName: 'AwsDataCatalog' }),
    );
    expect(noGroup.code).toBe('InvalidRequestException');
    expect((await awsError(meta(alice, 'ListDatabases', { CatalogName: 'other' }))).code).toBe(
      'MetadataException',
    );
    const iam = await call(athena, runtime, IAM_CALLER, 'ListTableMetadata', {
      CatalogName: 'AwsDataCatalog',
      DatabaseName: 'sales',
    });
    expect((iam.TableMetadataList as { Name: string }[]).map((t) => t.Name)).toEqual(['orders', 'secrets']);
  });
});

describe('workgroups', () => {
  it('describes an Identity Center workgroup', async () => {
    const out = await call(athena, runtime, alice, 'GetWorkGroup', { WorkGroup: 'analysts' });
    expect(out.WorkGroup).toMatchObject({
      Name: 'analysts',
      State: 'ENABLED',
      Configuration: {
        ResultConfiguration: { OutputLocation: 's3://results/analysts/' },
        EngineVersion: { EffectiveEngineVersion: 'Trino engine version 3' },
        IdentityCenterConfiguration: {
          EnableIdentityCenter: true,
          IdentityCenterInstanceArn: 'arn:aws:sso:::instance/ssoins-1111222233334444',
        },
      },
    });
    expect((await awsError(call(athena, runtime, alice, 'GetWorkGroup', { WorkGroup: 'nope' }))).code).toBe(
      'InvalidRequestException',
    );
  });

  it('lists workgroups, primary included', async () => {
    const out = await call(athena, runtime, alice, 'ListWorkGroups', {});
    expect((out.WorkGroups as { Name: string }[]).map((w) => w.Name)).toEqual([
      'primary',
      'analysts',
      'plain',
    ]);
    const paged = await call(athena, runtime, alice, 'ListWorkGroups', { MaxResults: 2 });
    expect(paged.NextToken).toBe('wg-2');
    const rest = await call(athena, runtime, alice, 'ListWorkGroups', { MaxResults: 2, NextToken: 'wg-2' });
    expect((rest.WorkGroups as { Name: string }[]).map((w) => w.Name)).toEqual(['plain']);
  });

  it('lists tags of a workgroup ARN', async () => {
    const out = await call(athena, runtime, alice, 'ListTagsForResource', {
      ResourceARN: `arn:aws:athena:us-east-1:${ACCOUNT}:workgroup/analysts`,
    });
    expect(out.Tags).toEqual([
      { Key: 'AthenaDriverOidcAppArn', Value: expect.stringMatching(/^arn:aws:sso::/) },
      { Key: 'team', Value: 'data' },
    ]);
    const e = await awsError(
      call(athena, runtime, alice, 'ListTagsForResource', {
        ResourceARN: `arn:aws:athena:us-east-1:${ACCOUNT}:workgroup/nope`,
      }),
    );
    expect(e.code).toBe('ResourceNotFoundException');
  });
});
