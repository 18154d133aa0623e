import { http, HttpResponse } from 'msw';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isTipError } from '../../src/errors.js';
import { discoverFromWorkGroup } from '../../src/services/athena/discover.js';
import { athena } from '../../src/services/athena/handle.js';
import { USER_CREDENTIALS, mswServer, testContext } from './helpers.js';

const server = mswServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const COLUMNS = [
  { Name: 'id', Label: 'id', Type: 'bigint' },
  { Name: 'name', Label: 'name', Type: 'varchar' },
  { Name: 'tags', Label: 'tags', Type: 'array' },
  { Name: 'at', Label: 'at', Type: 'timestamp' },
];

interface FakeAthena {
  readonly calls: { op: string; body: Record<string, unknown> }[];
  states: string[];
  failure?: { State: string; StateChangeReason?: string; AthenaError?: Record<string, unknown> };
}

/** An Athena endpoint with `total` rows served in pages of `MaxResults`. */
function fakeAthena(total: number, states = ['QUEUED', 'RUNNING', 'SUCCEEDED']): FakeAthena {
  const fake: FakeAthena = { calls: [], states: [...states] };
  server.use(
    http.post('https://athena.us-east-1.amazonaws.com/', async ({ request }) => {
      const op = (request.headers.get('x-amz-target') ?? '').replace('AmazonAthena.', '');
      const body = (await request.json()) as Record<string, unknown>;
      fake.calls.push({ op, body });
      const json = (value: Record<string, unknown>) =>
        HttpResponse.json(value, { headers: { 'content-type': 'application/x-amz-json-1.1' } });
      switch (op) {
        case 'StartQueryExecution':
          return json({ QueryExecutionId: 'q-1' });
        case 'GetQueryExecution': {
          const state = fake.states.length > 1 ? fake.states.shift() : fake.states[0];
          const status =
            state === 'FAILED' || state === 'CANCELLED'
              ? { ...fake.failure, State: state }
              : { State: state };
          return json({ QueryExecution: { QueryExecutionId: 'q-1', StatementType: 'DML', Status: status } });
        }
        case 'GetQueryResults': {
          const max = Number(body.MaxResults ?? 1000);
          const start = Number(body.NextToken ?? 0);
          const rows: { Data: { VarCharValue?: string }[] }[] = [];
          // Athena's header row counts toward the first page.
          if (start === 0) rows.push({ Data: COLUMNS.map((c) => ({ VarCharValue: c.Name })) });
          let i = start;
          while (rows.length < max && i < total) {
            rows.push({
              Data: [
                { VarCharValue: String(2n ** 60n + BigInt(i)) },
                i % 2 === 0 ? { VarCharValue: `user ${i}` } : {},
                { VarCharValue: `[t${i}, x]` },
                { VarCharValue: '2024-05-06 07:08:09.010' },
              ],
            });
            i++;
          }
          return json({
            ResultSet: { Rows: rows, ResultSetMetadata: { ColumnInfo: COLUMNS } },
            ...(i < total ? { NextToken: String(i) } : {}),
          });
        }
        case 'StopQueryExecution':
          return json({});
        default:
          return json({ __type: 'InvalidRequestException', Message: `unexpected ${op}` });
      }
    }),
  );
  return fake;
}

function handle() {
  const { ctx, events } = testContext();
  return { a: athena(ctx), events };
}

describe('athena.query', () => {
  it('starts, polls, skips the header row and types every datum', async () => {
    const { a, events } = handle();
    const fake = fakeAthena(3);
    const result = await a.query('SELECT * FROM t WHERE x = ?', {
      workGroup: 'analysts',
      database: 'sales',
      catalog: 'AwsDataCatalog',
      executionParameters: ["'eu'"],
      pollInterval: 1,
    });
    expect(result.queryId).toBe('q-1');
    expect(result.columns).toEqual(COLUMNS.map((c) => ({ name: c.Name, type: c.Type })));
    expect(result.rows).toHaveLength(3);
    expect(result.rows[0]).toEqual({
      id: 2n ** 60n,
      name: 'user 0',
      tags: ['t0', 'x'],
      at: new Date('2024-05-06T07:08:09.010Z'),
    });
    expect(result.rows[1]?.name).toBeNull();
    expect(result.truncated).toBe(false);
    expect(fake.calls[0]?.body).toMatchObject({
      QueryString: 'SELECT * FROM t WHERE x = ?',
      WorkGroup: 'analysts',
      QueryExecutionContext: { Database: 'sales', Catalog: 'AwsDataCatalog' },
      ExecutionParameters: ["'eu'"],
    });
    expect(fake.calls.filter((c) => c.op === 'GetQueryExecution')).toHaveLength(3);
    expect(events.map((e) => e.type)).toEqual(['query-started', 'query-finished']);
  });

  it('follows NextToken over more rows than one page', async () => {
    const { a } = handle();
    const fake = fakeAthena(2_500, ['SUCCEEDED']);
    const result = await a.query('SELECT 1', { workGroup: 'analysts' });
    expect(result.rows).toHaveLength(2_500);
    expect(result.rows[2_499]?.id).toBe(2n ** 60n + 2_499n);
    expect(fake.calls.filter((c) => c.op === 'GetQueryResults').map((c) => c.body.NextToken)).toEqual([
      undefined,
      '999',
      '1999',
    ]);
  });

  it('maps every row with mapRow, counting rows across pages', async () => {
    const { a } = handle();
    fakeAthena(25, ['SUCCEEDED']);
    const result = await a.query('SELECT 1', {
      workGroup: 'analysts',
      pageSize: 10,
      mapRow: (row, index) => ({ index, id: String(row.id), named: row.name !== null }),
    });
    expect(result.rows).toHaveLength(25);
    expect(result.rows[0]).toEqual({ index: 0, id: String(2n ** 60n), named: true });
    expect(result.rows[24]).toEqual({ index: 24, id: String(2n ** 60n + 24n), named: true });
    const pages: number[][] = [];
    for await (const page of a.queryPages('SELECT 1', {
      workGroup: 'analysts',
      pageSize: 10,
      mapRow: (_row, index) => index,
    }))
      pages.push(page.rows);
    expect(pages.flat()).toEqual(Array.from({ length: 25 }, (_, i) => i));
    expect(pages.map((p) => p.length)).toEqual([9, 10, 6]);
  });

  it('rejects with what mapRow throws, and refuses a mapRow that is not a function before any call', async () => {
    const { a } = handle();
    const fake = fakeAthena(3, ['SUCCEEDED']);
    const invalid = new Error('row 1 is not a Sale');
    const error = await a
      .query('SELECT 1', {
        workGroup: 'analysts',
        mapRow: (row, index) => {
          if (index === 1) throw invalid;
          return row;
        },
      })
      .catch((e) => e);
    expect(error).toBe(invalid);
    const calls = fake.calls.length;
    await expect(a.query('SELECT 1', { workGroup: 'analysts', mapRow: 'id' as never })).rejects.toThrow(
      /option `mapRow` must be a function/,
    );
    expect(fake.calls).toHaveLength(calls);
  });

  it('queryPages yields page by page', async () => {
    const { a } = handle();
    fakeAthena(25, ['SUCCEEDED']);
    const sizes: number[] = [];
    for await (const page of a.queryPages('SELECT 1', { workGroup: 'analysts', pageSize: 10 }))
      sizes.push(page.rows.length);
    expect(sizes).toEqual([9, 10, 6]);
  });

  it('stops reading at maxRows and reports truncation', async () => {
    const { a } = handle();
    const fake = fakeAthena(5_000, ['SUCCEEDED']);
    const result = await a.query('SELECT 1', { workGroup: 'analysts', maxRows: 1_200 });
    expect(result.rows).toHaveLength(1_200);
    expect(result.truncated).toBe(true);
    expect(fake.calls.filter((c) => c.op === 'GetQueryResults')).toHaveLength(2);
  });

  it('turns a failed query into ERR_QUERY_FAILED with the query id and reason', async () => {
    const { a, events } = handle();
    const fake = fakeAthena(0, ['RUNNING', 'FAILED']);
    fake.failure = {
      State: 'FAILED',
      StateChangeReason: 'TABLE_NOT_FOUND: line 1:15: Table awsdatacatalog.sales.nope does not exist',
      AthenaError: {
        ErrorCategory: 2,
        ErrorType: 1301,
        ErrorMessage: 'TABLE_NOT_FOUND: Table sales.nope does not exist',
      },
    };
    const error = await a
      .query('SELECT * FROM nope', { workGroup: 'analysts', pollInterval: 1 })
      .catch((e) => e);
    expect(isTipError(error, 'ERR_QUERY_FAILED')).toBe(true);
    expect(error.details).toMatchObject({
      queryId: 'q-1',
      state: 'FAILED',
      errorCategory: 2,
      errorType: 1301,
    });
    expect(error.message).toContain('TABLE_NOT_FOUND');
    expect(fake.calls.some((c) => c.op === 'StopQueryExecution')).toBe(false);
    expect(events.map((e) => e.type)).toEqual(['query-started', 'query-failed']);
  });

  it('turns a query Lake Formation refused into ERR_ACCESS_DENIED, with the same details', async () => {
    const { a, events } = handle();
    const fake = fakeAthena(0, ['FAILED']);
    fake.failure = {
      State: 'FAILED',
      StateChangeReason: 'Insufficient Lake Formation permission(s) on finance',
      AthenaError: {
        ErrorCategory: 2,
        ErrorType: 234,
        ErrorMessage: 'Insufficient Lake Formation permission(s) on finance',
      },
    };
    const error = await a.query('SELECT * FROM finance.ledger', { workGroup: 'analysts' }).catch((e) => e);
    expect(isTipError(error, 'ERR_ACCESS_DENIED')).toBe(true);
    expect(error.details).toMatchObject({
      service: 'athena',
      queryId: 'q-1',
      state: 'FAILED',
      reason: 'Insufficient Lake Formation permission(s) on finance',
      errorType: 234,
    });
    expect(error.message).toMatch(
      /^Athena query q-1 was refused: Insufficient Lake Formation permission\(s\) on finance\. Grant/,
    );
    expect(events.at(-1)).toEqual({
      type: 'query-failed',
      service: 'athena',
      queryId: 'q-1',
      code: 'ERR_ACCESS_DENIED',
    });
  });

  it('reports a cancelled query as ERR_QUERY_FAILED', async () => {
    const { a } = handle();
    const fake = fakeAthena(0, ['CANCELLED']);
    fake.failure = { State: 'CANCELLED', StateChangeReason: 'Query was cancelled by user' };
    const error = await a.query('SELECT 1', { workGroup: 'analysts' }).catch((e) => e);
    expect(isTipError(error, 'ERR_QUERY_FAILED')).toBe(true);
    expect(error.details.state).toBe('CANCELLED');
    expect(error.message).toContain('was cancelled');
  });

  it('stops the query with StopQueryExecution when the caller aborts', async () => {
    const { a, events } = handle();
    const fake = fakeAthena(0, ['RUNNING']);
    const controller = new AbortController();
    const pending = a
      .query('SELECT 1', { workGroup: 'analysts', signal: controller.signal, pollInterval: 5 })
      .catch((e) => e);
    while (!fake.calls.some((c) => c.op === 'GetQueryExecution')) await new Promise((r) => setTimeout(r, 2));
    controller.abort();
    const error = await pending;
    expect(isTipError(error, 'ERR_ABORTED')).toBe(true);
    expect(fake.calls.filter((c) => c.op === 'StopQueryExecution').map((c) => c.body)).toEqual([
      { QueryExecutionId: 'q-1' },
    ]);
    expect(events.at(-1)).toEqual({ type: 'query-cancelled', service: 'athena', queryId: 'q-1' });
  });

  it('stops the query and raises ERR_TIMEOUT past timeoutMs', async () => {
    const { a } = handle();
    const fake = fakeAthena(0, ['RUNNING']);
    const error = await a
      .query('SELECT 1', { workGroup: 'analysts', timeoutMs: 30, pollInterval: 5 })
      .catch((e) => e);
    expect(isTipError(error, 'ERR_TIMEOUT')).toBe(true);
    expect(error.details.queryId).toBe('q-1');
    expect(fake.calls.some((c) => c.op === 'StopQueryExecution')).toBe(true);
  });

  it('maps AccessDeniedException from StartQueryExecution to ERR_ACCESS_DENIED', async () => {
    const { a } = handle();
    server.use(
      http.post('https://athena.us-east-1.amazonaws.com/', () =>
        HttpResponse.json(
          {
            __type: 'AccessDeniedException',
            Message: 'not authorized to perform athena:StartQueryExecution',
          },
          {
            status: 400,
            headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'rq-7' },
          },
        ),
      ),
    );
    const error = await a.query('SELECT 1', { workGroup: 'analysts' }).catch((e) => e);
    expect(isTipError(error, 'ERR_ACCESS_DENIED')).toBe(true);
    expect(error.requestId).toBe('rq-7');
    expect(JSON.stringify(error)).not.toContain(USER_CREDENTIALS.secretAccessKey);
  });

  it('rejects a row whose width does not match the columns', async () => {
    const { a } = handle();
    server.use(
      http.post('https://athena.us-east-1.amazonaws.com/', ({ request }) => {
        const op = request.headers.get('x-amz-target');
        const h = { headers: { 'content-type': 'application/x-amz-json-1.1' } };
        if (op?.endsWith('StartQueryExecution')) return HttpResponse.json({ QueryExecutionId: 'q-2' }, h);
        if (op?.endsWith('GetQueryExecution'))
          return HttpResponse.json({ QueryExecution: { Status: { State: 'SUCCEEDED' } } }, h);
        return HttpResponse.json(
          {
            ResultSet: {
              Rows: [{ Data: [{ VarCharValue: '1' }] }],
              ResultSetMetadata: { ColumnInfo: COLUMNS },
            },
          },
          h,
        );
      }),
    );
    const error = await a.query('SELECT 1', { workGroup: 'analysts' }).catch((e) => e);
    expect(isTipError(error, 'ERR_SERVICE_RESPONSE_INVALID')).toBe(true);
    expect(error.details.queryId).toBe('q-2');
  });

  it.each([
    ['', { workGroup: 'analysts' }],
    ['SELECT 1', { workGroup: '' }],
    ['SELECT 1', { workGroup: 'a b' }],
    ['SELECT 1', { workGroup: 'analysts', maxRows: 0 }],
    ['SELECT 1', { workGroup: 'analysts', pageSize: 5000 }],
    ['SELECT 1', { workGroup: 'analysts', executionParameters: [''] }],
  ])('rejects bad input %j %j with a TypeError', async (sql, options) => {
    const { a } = handle();
    await expect(a.query(sql, options as never)).rejects.toThrow(TypeError);
  });
});

describe('discoverFromWorkGroup', () => {
  const APP = 'arn:aws:sso::123456789012:application/ssoins-0123456789abcdef/apl-0123456789abcdef';
  const ROLE = 'arn:aws:iam::123456789012:role/analytics-identity-bearer';
  const config = { credentials: { accessKeyId: 'AKIDSERVICE', secretAccessKey: 'service-secret' } };

  function tags(workgroupTags: { Key: string; Value: string }[]) {
    const arns: string[] = [];
    server.use(
      http.post('https://athena.us-east-1.amazonaws.com/', async ({ request }) => {
        arns.push(String(((await request.json()) as { ResourceARN: string }).ResourceARN));
        return HttpResponse.json(
          { Tags: workgroupTags },
          { headers: { 'content-type': 'application/x-amz-json-1.1' } },
        );
      }),
    );
    return arns;
  }

  it('reads the workgroup tag, then the application tag', async () => {
    const arns = tags([{ Key: 'AthenaDriverOidcAppArn', Value: APP }]);
    const seen: string[] = [];
    const found = await discoverFromWorkGroup({
      workGroup: 'analysts',
      region: 'us-east-1',
      accountId: '123456789012',
      clientConfig: config,
      applicationTags: async (arn) => {
        seen.push(arn);
        return { AthenaDriverOidcAppArn: ROLE };
      },
    });
    expect(found).toEqual({ applicationArn: APP, accessRoleArn: ROLE });
    expect(arns).toEqual(['arn:aws:athena:us-east-1:123456789012:workgroup/analysts']);
    expect(seen).toEqual([APP]);
  });

  it('finds the account with STS GetCallerIdentity when none is given', async () => {
    const arns = tags([{ Key: 'AthenaDriverOidcAppArn', Value: APP }]);
    server.use(
      http.post(
        'https://sts.us-east-1.amazonaws.com/',
        () =>
          new HttpResponse(
            '<GetCallerIdentityResponse><GetCallerIdentityResult><Account>210987654321</Account><Arn>arn:aws:iam::210987654321:user/x</Arn><UserId>X</UserId></GetCallerIdentityResult></GetCallerIdentityResponse>',
            { headers: { 'content-type': 'text/xml' } },
          ),
      ),
    );
    await discoverFromWorkGroup({
      workGroup: 'wg',
      region: 'us-east-1',
      clientConfig: config,
      applicationTags: async () => [{ Key: 'AthenaDriverOidcAppArn', Value: ROLE }],
    });
    expect(arns).toEqual(['arn:aws:athena:us-east-1:210987654321:workgroup/wg']);
  });

  it.each([
    [[], { AthenaDriverOidcAppArn: ROLE }, 'ERR_NOT_FOUND'],
    [[{ Key: 'AthenaDriverOidcAppArn', Value: 'arn:aws:iam::1:role/x' }], {}, 'ERR_SERVICE_RESPONSE_INVALID'],
    [[{ Key: 'AthenaDriverOidcAppArn', Value: APP }], {}, 'ERR_NOT_FOUND'],
    [
      [{ Key: 'AthenaDriverOidcAppArn', Value: APP }],
      { AthenaDriverOidcAppArn: 'role/x' },
      'ERR_SERVICE_RESPONSE_INVALID',
    ],
  ])('workgroup tags %j, application tags %j → %s', async (wgTags, appTags, code) => {
    tags(wgTags);
    const error = await discoverFromWorkGroup({
      workGroup: 'wg',
      region: 'us-east-1',
      accountId: '123456789012',
      clientConfig: config,
      applicationTags: async () => appTags,
    }).catch((e) => e);
    expect(isTipError(error, code as 'ERR_NOT_FOUND')).toBe(true);
  });
});
