import { getEventListeners } from 'node:events';
import fc from 'fast-check';
import { anyJsonText } from '../support/code-points.js';
import { http, HttpResponse } from 'msw';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { isTipError } from '../../src/errors.js';
import { redshift } from '../../src/services/redshift/handle.js';
import { parseLosslessJson } from '../../src/services/redshift/lossless-json.js';
import { USER_CREDENTIALS, fakeClock, mswServer, testContext } from './helpers.js';

const server = mswServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const DATA = 'https://redshift-data.us-east-1.amazonaws.com/';
const H = { headers: { 'content-type': 'application/x-amz-json-1.1' } };

const COLUMNS = [
  { name: 'id', label: 'id', typeName: 'int8' },
  { name: 'n', label: 'n', typeName: 'int4' },
  { name: 'score', label: 'score', typeName: 'float8' },
  { name: 'ok', label: 'ok', typeName: 'bool' },
  { name: 'name', label: 'name', typeName: 'varchar' },
  { name: 'amount', label: 'amount', typeName: 'numeric' },
  { name: 'raw', label: 'raw', typeName: 'varbyte' },
];

interface Fake {
  calls: { op: string; body: Record<string, unknown> }[];
  statuses: string[];
  describe: Record<string, unknown>;
  pages: string[];
}

/** A Data API whose GetStatementResult answers the given raw JSON pages in order. */
function fakeData(pages: string[], statuses = ['SUBMITTED', 'STARTED', 'FINISHED']): Fake {
  const fake: Fake = { calls: [], statuses: [...statuses], describe: { HasResultSet: true }, pages };
  server.use(
    http.post(DATA, async ({ request }) => {
      const op = (request.headers.get('x-amz-target') ?? '').replace('RedshiftData.', '');
      const body = (await request.json()) as Record<string, unknown>;
      fake.calls.push({ op, body });
      switch (op) {
        case 'ExecuteStatement':
        case 'BatchExecuteStatement':
          return HttpResponse.json({ Id: 'st-1', CreatedAt: 1_700_000_000 }, H);
        case 'DescribeStatement': {
          const status = fake.statuses.length > 1 ? fake.statuses.shift() : fake.statuses[0];
          return HttpResponse.json(
            { Id: body.Id, Status: status, CreatedAt: 1_700_000_000, ...fake.describe },
            H,
          );
        }
        case 'GetStatementResult': {
          const index = body.NextToken === undefined ? 0 : Number(body.NextToken);
          return new HttpResponse(fake.pages[index], H);
        }
        case 'CancelStatement':
          return HttpResponse.json({ Status: true }, H);
        default:
          return HttpResponse.json({ __type: 'ValidationException', message: op }, { status: 400, ...H });
      }
    }),
  );
  return fake;
}

function page(records: string[], next?: number): string {
  return `{"ColumnMetadata":${JSON.stringify(COLUMNS)},"Records":[${records.join(',')}],"TotalNumRows":${records.length}${next === undefined ? '' : `,"NextToken":"${next}"`}}`;
}

const ROW_A =
  '[{"longValue":9223372036854775807},{"longValue":-5},{"doubleValue":1.25},{"booleanValue":true},{"stringValue":"ann"},{"stringValue":"12.50"},{"blobValue":"AAEC"}]';
const ROW_B =
  '[{"longValue":42},{"isNull":true},{"doubleValue":-0.5},{"booleanValue":false},{"isNull":true},{"stringValue":"-3"},{"isNull":true}]';

function handle(clock = fakeClock()) {
  const { ctx, events } = testContext({ clock });
  return { rs: redshift(ctx), events, clock };
}

describe('redshift.query', () => {
  it('types every Field union member, keeping big integers exact', async () => {
    const { rs, events } = handle();
    const fake = fakeData([page([ROW_A, ROW_B])]);
    const result = await rs.query('select * from t where region = :region and n > :n and flag = :flag', {
      workgroupName: 'analytics',
      database: 'dev',
      parameters: { region: 'eu', n: 5, flag: true },
      pollInterval: 1,
    });
    expect(result.statementId).toBe('st-1');
    expect(result.columns.map((c) => c.type)).toEqual([
      'int8',
      'int4',
      'float8',
      'bool',
      'varchar',
      'numeric',
      'varbyte',
    ]);
    expect(result.rows[0]).toEqual({
      id: 9223372036854775807n,
      n: -5,
      score: 1.25,
      ok: true,
      name: 'ann',
      amount: '12.50',
      raw: new Uint8Array([0, 1, 2]),
    });
    expect(result.rows[1]).toEqual({
      id: 42,
      n: null,
      score: -0.5,
      ok: false,
      name: null,
      amount: '-3',
      raw: null,
    });
    expect(fake.calls[0]?.body).toMatchObject({
      WorkgroupName: 'analytics',
      Database: 'dev',
      Parameters: [
        { name: 'region', value: 'eu' },
        { name: 'n', value: '5' },
        { name: 'flag', value: 'true' },
      ],
    });
    expect(fake.calls[0]?.body).not.toHaveProperty('DbUser');
    expect(fake.calls[0]?.body).not.toHaveProperty('SecretArn');
    expect(events.map((e) => e.type)).toEqual(['query-started', 'query-finished']);
  });

  it('follows NextToken over several pages and honours maxRows', async () => {
    const { rs } = handle();
    const fake = fakeData([page([ROW_B, ROW_B], 1), page([ROW_B, ROW_B], 2), page([ROW_B])], ['FINISHED']);
    const all = await rs.query('select 1', { clusterIdentifier: 'prod-cluster', database: 'dev' });
    expect(all.rows).toHaveLength(5);
    expect(fake.calls.filter((c) => c.op === 'GetStatementResult').map((c) => c.body.NextToken)).toEqual([
      undefined,
      '1',
      '2',
    ]);
    expect(fake.calls[0]?.body).toMatchObject({ ClusterIdentifier: 'prod-cluster' });
    const cut = await rs.query('select 1', {
      clusterIdentifier: 'prod-cluster',
      database: 'dev',
      maxRows: 3,
    });
    expect(cut.rows).toHaveLength(3);
    expect(cut.truncated).toBe(true);
  });

  it('maps every row with mapRow, counting rows across pages', async () => {
    const { rs } = handle();
    fakeData([page([ROW_B, ROW_B], 1), page([ROW_B])], ['FINISHED']);
    const result = await rs.query('select 1', {
      workgroupName: 'wg',
      database: 'dev',
      mapRow: (row, index) => ({ index, columns: Object.keys(row).length }),
    });
    expect(result.rows.map((r) => r.index)).toEqual([0, 1, 2]);
    expect(result.rows[0]?.columns).toBeGreaterThan(0);
    await expect(
      rs.query('select 1', { workgroupName: 'wg', database: 'dev', mapRow: 1 as never }),
    ).rejects.toThrow(/option `mapRow` must be a function/);
  });

  it('reports affected rows for a statement without a result set', async () => {
    const { rs } = handle();
    const fake = fakeData([], ['FINISHED']);
    fake.describe = { HasResultSet: false, ResultRows: 7 };
    const result = await rs.query('update t set x = 1', { workgroupName: 'wg', database: 'dev' });
    expect(result).toMatchObject({ rows: [], updatedRows: 7 });
    expect(fake.calls.some((c) => c.op === 'GetStatementResult')).toBe(false);
  });

  it('turns a statement refused for lack of a GRANT into ERR_ACCESS_DENIED with the statement id and error', async () => {
    const { rs, events } = handle();
    const fake = fakeData([], ['STARTED', 'FAILED']);
    fake.describe = { Error: 'ERROR: permission denied for relation salaries' };
    const error = await rs
      .query('select * from salaries', { workgroupName: 'wg', database: 'dev', pollInterval: 1 })
      .catch((e) => e);
    expect(isTipError(error, 'ERR_ACCESS_DENIED')).toBe(true);
    expect(events.at(-1)).toEqual({
      type: 'query-failed',
      service: 'redshift-data',
      queryId: 'st-1',
      code: 'ERR_ACCESS_DENIED',
    });
    expect(error.details).toMatchObject({
      queryId: 'st-1',
      state: 'FAILED',
      reason: 'ERROR: permission denied for relation salaries',
    });
    expect(fake.calls.some((c) => c.op === 'CancelStatement')).toBe(false);
  });

  it('polls a young statement every 50 ms by default, as Athena queries are polled', async () => {
    const { rs } = handle();
    const fake = fakeData([page([ROW_B])], ['STARTED']);
    // Only the timers and performance.now() are faked: the time a poll waits is what is under test.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    try {
      const pending = rs.query('select 1', { workgroupName: 'wg', database: 'dev' });
      for (let t = 0; t < 500; t += 10) await vi.advanceTimersByTimeAsync(10);
      const describes = fake.calls.filter((c) => c.op === 'DescribeStatement').length;
      // Polls at 0, 50, 100 … 500 ms; the former schedule (100 ms doubling) had polled 3 times by then.
      expect(describes).toBeGreaterThanOrEqual(9);
      expect(describes).toBeLessThanOrEqual(11);
      fake.statuses = ['FINISHED'];
      for (let t = 0; t < 100; t += 10) await vi.advanceTimersByTimeAsync(10);
      expect((await pending).rows).toHaveLength(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it('cancels the statement when the caller aborts', async () => {
    const { rs, events } = handle();
    const fake = fakeData([], ['STARTED']);
    const controller = new AbortController();
    const pending = rs
      .query('select pg_sleep(60)', {
        workgroupName: 'wg',
        database: 'dev',
        signal: controller.signal,
        pollInterval: 5,
      })
      .catch((e) => e);
    while (!fake.calls.some((c) => c.op === 'DescribeStatement')) await new Promise((r) => setTimeout(r, 2));
    controller.abort();
    const error = await pending;
    expect(isTipError(error, 'ERR_ABORTED')).toBe(true);
    expect(fake.calls.filter((c) => c.op === 'CancelStatement').map((c) => c.body)).toEqual([{ Id: 'st-1' }]);
    expect(events.at(-1)?.type).toBe('query-cancelled');
  });

  it('cancels the statement and raises ERR_TIMEOUT past timeoutMs', async () => {
    const { rs } = handle();
    const fake = fakeData([], ['STARTED']);
    const error = await rs
      .query('select 1', { workgroupName: 'wg', database: 'dev', timeoutMs: 30, pollInterval: 5 })
      .catch((e) => e);
    expect(isTipError(error, 'ERR_TIMEOUT')).toBe(true);
    expect(error.details.queryId).toBe('st-1');
    expect(fake.calls.some((c) => c.op === 'CancelStatement')).toBe(true);
  });

  it('maps AccessDeniedException to ERR_ACCESS_DENIED and ResourceNotFoundException to ERR_NOT_FOUND', async () => {
    const { rs } = handle();
    let type = 'AccessDeniedException';
    server.use(
      http.post(DATA, () => HttpResponse.json({ __type: type, message: 'no' }, { status: 400, ...H })),
    );
    const denied = await rs.query('select 1', { workgroupName: 'wg', database: 'dev' }).catch((e) => e);
    expect(isTipError(denied, 'ERR_ACCESS_DENIED')).toBe(true);
    type = 'ResourceNotFoundException';
    const missing = await rs.query('select 1', { workgroupName: 'wg', database: 'dev' }).catch((e) => e);
    expect(isTipError(missing, 'ERR_NOT_FOUND')).toBe(true);
    for (const error of [denied, missing]) {
      const text = JSON.stringify(error) + String(error);
      expect(text).not.toContain(USER_CREDENTIALS.secretAccessKey);
      expect(text).not.toContain(USER_CREDENTIALS.sessionToken as string);
    }
  });

  it('leaves no listener on a long-lived default signal after statements end', async () => {
    const controller = new AbortController();
    const { ctx } = testContext({ signal: controller.signal });
    const rs = redshift(ctx);
    fakeData([page([ROW_B])], ['FINISHED']);
    for (let i = 0; i < 5; i++) await rs.query('select 1', { workgroupName: 'wg', database: 'dev' });
    await rs.query('select 1', { workgroupName: 'wg', database: 'dev', timeoutMs: 1 }).catch(() => undefined);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('rejects a record whose width differs from the columns', async () => {
    const { rs } = handle();
    fakeData([page(['[{"longValue":1}]'])], ['FINISHED']);
    const error = await rs.query('select 1', { workgroupName: 'wg', database: 'dev' }).catch((e) => e);
    expect(isTipError(error, 'ERR_SERVICE_RESPONSE_INVALID')).toBe(true);
  });

  it.each([
    [{ database: 'dev' }],
    [{ workgroupName: 'wg', clusterIdentifier: 'c', database: 'dev' }],
    [{ workgroupName: 'WG!', database: 'dev' }],
    [{ workgroupName: 'wg', database: '' }],
    [{ workgroupName: 'wg', database: 'dev', parameters: { a: null } }],
    [{ workgroupName: 'wg', database: 'dev', parameters: { a: '' } }],
    [{ workgroupName: 'wg', database: 'dev', parameters: { 'a-b': 'x' } }],
    [{ workgroupName: 'wg', database: 'dev', parameters: { a: Number.NaN } }],
  ])('rejects bad options %j with a TypeError', async (options) => {
    const { rs } = handle();
    await expect(rs.query('select 1', options as never)).rejects.toThrow(TypeError);
  });
});

describe('redshift.batch', () => {
  it('runs statements in one batch and reads each sub-statement result', async () => {
    const { rs } = handle();
    const fake = fakeData([page([ROW_B])], ['FINISHED']);
    fake.describe = {
      HasResultSet: true,
      SubStatements: [
        { Id: 'st-1:1', Status: 'FINISHED', HasResultSet: false, ResultRows: 2 },
        { Id: 'st-1:2', Status: 'FINISHED', HasResultSet: true },
      ],
    };
    const results = await rs.batch(['insert into t values (1), (2)', 'select * from t'], {
      workgroupName: 'wg',
      database: 'dev',
    });
    expect(results.map((r) => [r.statementId, r.updatedRows, r.rows.length])).toEqual([
      ['st-1:1', 2, 0],
      ['st-1:2', undefined, 1],
    ]);
    expect(fake.calls[0]).toMatchObject({
      op: 'BatchExecuteStatement',
      body: { Sqls: ['insert into t values (1), (2)', 'select * from t'] },
    });
    expect(fake.calls.find((c) => c.op === 'GetStatementResult')?.body.Id).toBe('st-1:2');
  });

  it('names the failing sub-statement error', async () => {
    const { rs } = handle();
    const fake = fakeData([], ['FAILED']);
    fake.describe = {
      SubStatements: [{ Id: 'st-1:1', Status: 'FAILED', Error: 'ERROR: syntax error at or near "selec"' }],
    };
    const error = await rs.batch(['selec 1'], { workgroupName: 'wg', database: 'dev' }).catch((e) => e);
    expect(isTipError(error, 'ERR_QUERY_FAILED')).toBe(true);
    expect(error.message).toContain('syntax error');
  });
});

describe('redshift.driverToken', () => {
  it('caches a serverless token until shortly before expiry', async () => {
    const clock = fakeClock();
    const { rs, events } = handle(clock);
    const bodies: unknown[] = [];
    server.use(
      http.post('https://redshift-serverless.us-east-1.amazonaws.com/', async ({ request }) => {
        bodies.push(await request.json());
        return HttpResponse.json(
          {
            token: `sealed-token-${bodies.length}`,
            expirationTime: new Date(clock() + 900_000).toISOString(),
          },
          H,
        );
      }),
    );
    const a = await rs.driverToken({ workgroupName: 'analytics' });
    const b = await rs.driverToken({ workgroupName: 'analytics' });
    expect(a).toEqual({ token: 'sealed-token-1', tokenType: 'SUBJECT_TOKEN', expiresAt: expect.any(Number) });
    expect(b.token).toBe('sealed-token-1');
    expect(bodies).toEqual([{ workgroupNames: ['analytics'] }]);
    clock.advance(900_000 - 20_000);
    const c = await rs.driverToken({ workgroupName: 'analytics' });
    expect(c.token).toBe('sealed-token-2');
    expect(JSON.stringify(events)).not.toContain('sealed-token');
  });

  it('single-flights concurrent requests and asks the provisioned API for clusters', async () => {
    const { rs } = handle();
    const forms: string[] = [];
    server.use(
      http.post('https://redshift.us-east-1.amazonaws.com/', async ({ request }) => {
        forms.push(await request.text());
        const exp = new Date(Date.now() + 900_000).toISOString();
        return new HttpResponse(
          `<GetIdentityCenterAuthTokenResponse><GetIdentityCenterAuthTokenResult><Token>cluster-token</Token><ExpirationTime>${exp}</ExpirationTime></GetIdentityCenterAuthTokenResult></GetIdentityCenterAuthTokenResponse>`,
          { headers: { 'content-type': 'text/xml' } },
        );
      }),
    );
    const tokens = await Promise.all(
      Array.from({ length: 5 }, () => rs.driverToken({ clusterIdentifier: 'prod-cluster' })),
    );
    expect(new Set(tokens.map((t) => t.token))).toEqual(new Set(['cluster-token']));
    expect(forms).toHaveLength(1);
    expect(forms[0]).toContain('Action=GetIdentityCenterAuthToken');
    expect(forms[0]).toContain('ClusterIds.ClusterIdentifier.1=prod-cluster');
  });

  it('rejects a response without a token and caches nothing', async () => {
    const { rs } = handle();
    let n = 0;
    server.use(
      http.post('https://redshift-serverless.us-east-1.amazonaws.com/', () => {
        n += 1;
        return HttpResponse.json({ expirationTime: new Date(Date.now() + 900_000).toISOString() }, H);
      }),
    );
    for (let i = 0; i < 2; i++) {
      const error = await rs.driverToken({ workgroupName: 'wg' }).catch((e) => e);
      expect(isTipError(error, 'ERR_SERVICE_RESPONSE_INVALID')).toBe(true);
    }
    expect(n).toBe(2);
  });
});

describe('lossless JSON', () => {
  it('agrees with JSON.parse on any JSON without unsafe integers', () => {
    fc.assert(
      fc.property(anyJsonText(), (text) => {
        const expected = JSON.parse(text);
        const hasUnsafe = /\d{16,}/.test(text);
        if (!hasUnsafe) expect(parseLosslessJson(text)).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });

  it('keeps every 64-bit integer exact', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), (big) => {
        const parsed = parseLosslessJson(`{"Records":[[{"longValue":${big}}]]}`) as {
          Records: { longValue: unknown }[][];
        };
        const value = parsed.Records[0]?.[0]?.longValue;
        expect(typeof value === 'bigint' ? value : BigInt(value as number)).toBe(big);
      }),
    );
  });

  it.each([
    '',
    '{',
    '[1,]',
    '{"a":1}x',
    '"abc',
    '01',
    `${'['.repeat(100)}${']'.repeat(100)}`,
    '{"a" 1}',
    'nul',
  ])('rejects %j', (text) => {
    expect(() => parseLosslessJson(text)).toThrow(SyntaxError);
  });
});
