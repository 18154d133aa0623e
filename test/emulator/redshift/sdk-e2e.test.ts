import { GetIdentityCenterAuthTokenCommand, RedshiftClient } from '@aws-sdk/client-redshift';
import {
  BatchExecuteStatementCommand,
  CancelStatementCommand,
  DescribeStatementCommand,
  type DescribeStatementCommandOutput,
  ExecuteStatementCommand,
  type ExecuteStatementCommandInput,
  GetStatementResultCommand,
  GetStatementResultV2Command,
  ListStatementsCommand,
  RedshiftDataClient,
} from '@aws-sdk/client-redshift-data';
import {
  GetIdentityCenterAuthTokenCommand as GetServerlessTokenCommand,
  RedshiftServerlessClient,
} from '@aws-sdk/client-redshift-serverless';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmulatorConfigInput } from '../../../src/emulator/config/types.js';
import { verifyRedshiftAuthToken } from '../../../src/emulator/redshift/auth-token.js';
import { redshiftDataServiceFactory } from '../../../src/emulator/redshift/data-service.js';
import { type RunningEmulator, startEmulator } from '../../../src/emulator/start.js';
import { ACCOUNT, BEARER_ROLE_ARN, BEARER_TRUST, e2eDirectory } from '../support/identities.js';
import { clientTracker, errorOf } from '../support/sdk.js';
import { type SessionKeys, identitySession } from '../support/sessions.js';

const OTHER_ROLE = `arn:aws:iam::${ACCOUNT}:role/other-bearer`;
const ROLE = BEARER_ROLE_ARN;
/** Statements stay STARTED this long (emulator clock), so a cancel test can catch one in flight. */
const RUNNING_MS = 60_000;

const config: EmulatorConfigInput = {
  ...e2eDirectory(),
  roles: [
    { arn: ROLE, trustPolicy: BEARER_TRUST },
    { arn: OTHER_ROLE, trustPolicy: BEARER_TRUST },
  ],
  redshift: {
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
                ],
                rows: [
                  ['eu', 10],
                  ['eu', 20],
                  ['us', 30],
                  ['apac', 40],
                ],
              },
              { name: 'public.secrets', columns: [{ name: 'v', type: 'varchar' }], rows: [['hidden']] },
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
            grants: [
              { principal: 'user:alice', table: 'public.kpis' },
              { principal: 'reporter', table: 'public.kpis' },
            ],
          },
        ],
      },
    ],
  },
};

type Keys = SessionKeys;

let emu: RunningEmulator;
const { track, destroyAll } = clientTracker();

beforeAll(async () => {
  emu = await startEmulator(config, {
    quiet: true,
    services: {
      'redshift-data': redshiftDataServiceFactory({ maxPageSize: 10, timing: { runningMs: RUNNING_MS } }),
      athena: false,
      s3: false,
      's3-control': false,
      'sso-oauth': false,
    },
  });
}, 60_000);

afterAll(async () => {
  destroyAll();
  await emu?.stop();
});

/** Identity-enhanced credentials of `user` in `roleArn`, through STS AssumeRole with ProvidedContexts. */
async function sessionOf(user: string, roleArn = ROLE): Promise<Keys> {
  return (await identitySession(emu, user, { roleArn, track })).keys;
}

function dataClient(keys: Keys): RedshiftDataClient {
  return track(new RedshiftDataClient(emu.clientConfig({ service: 'redshift-data', credentials: keys })));
}

const WG = { WorkgroupName: 'analytics', Database: 'dev' };

/** Runs `sql` and moves the emulator clock past the STARTED window; returns the statement's description. */
async function run(
  client: RedshiftDataClient,
  input: Omit<ExecuteStatementCommandInput, 'Sql'> & { Sql: string },
): Promise<DescribeStatementCommandOutput> {
  const { Id } = await client.send(new ExecuteStatementCommand(input));
  emu.clock.advance(RUNNING_MS);
  return client.send(new DescribeStatementCommand({ Id }));
}

let alice: RedshiftDataClient;
let bob: RedshiftDataClient;

beforeAll(async () => {
  alice = dataClient(await sessionOf('alice'));
  bob = dataClient(await sessionOf('bob'));
}, 30_000);

describe('Redshift Data API through @aws-sdk/client-redshift-data with identity-enhanced credentials', () => {
  it('runs as AWSIDC:alice and delivers timestamps the SDK turns into Dates', async () => {
    const out = await alice.send(new ExecuteStatementCommand({ ...WG, Sql: 'select current_user' }));
    expect(out.CreatedAt).toBeInstanceOf(Date);
    expect(Math.abs((out.CreatedAt as Date).getTime() - emu.clock.now())).toBeLessThan(60_000);
    const started = await alice.send(new DescribeStatementCommand({ Id: out.Id }));
    expect(started.Status).toBe('STARTED');
    emu.clock.advance(RUNNING_MS);
    const d = await alice.send(new DescribeStatementCommand({ Id: out.Id }));
    expect(d).toMatchObject({
      Status: 'FINISHED',
      HasResultSet: true,
      ResultRows: 1,
      DbUser: 'AWSIDC:alice',
    });
    expect(d.UpdatedAt).toBeInstanceOf(Date);
    expect(d.CreatedAt).toBeInstanceOf(Date);
    const r = await alice.send(new GetStatementResultCommand({ Id: out.Id }));
    expect(r.Records).toEqual([[{ stringValue: 'AWSIDC:alice' }]]);
    expect(r.ColumnMetadata?.[0]).toMatchObject({ name: 'current_user', typeName: 'name' });
  });

  it('applies row filters per user and per group, and refuses a user without grants', async () => {
    const sql = 'select region, amount from sales order by amount';
    const a = await run(alice, { ...WG, Sql: sql });
    const rowsA = await alice.send(new GetStatementResultCommand({ Id: a.Id }));
    expect(rowsA.Records?.map((r) => r[0]?.stringValue)).toEqual(['eu', 'eu']);
    const b = await run(bob, { ...WG, Sql: sql });
    const rowsB = await bob.send(new GetStatementResultCommand({ Id: b.Id }));
    expect(rowsB.Records?.map((r) => r[1]?.longValue)).toEqual([10, 20, 30, 40]);
    const qualified = await run(alice, { ...WG, Sql: 'select count(*) from public.sales' });
    expect((await alice.send(new GetStatementResultCommand({ Id: qualified.Id }))).Records).toEqual([
      [{ longValue: 2 }],
    ]);
    const carol = dataClient(await sessionOf('carol'));
    const c = await run(carol, { ...WG, Sql: sql });
    expect(c.Status).toBe('FAILED');
    expect(c.Error).toBe('ERROR: permission denied for table sales');
  });

  it('fails a statement on a denied table with the permission error, while the API call succeeds', async () => {
    const d = await run(alice, { ...WG, Sql: 'select * from secrets' });
    expect(d.Status).toBe('FAILED');
    expect(d.Error).toBe('ERROR: permission denied for table secrets');
    const err = await errorOf(alice.send(new GetStatementResultCommand({ Id: d.Id })));
    expect(err.name).toBe('ValidationException');
  });

  it('binds named parameters', async () => {
    const d = await run(bob, {
      ...WG,
      Sql: 'select region from sales where amount > :min and region <> :skip order by amount',
      Parameters: [
        { name: 'min', value: '15' },
        { name: 'skip', value: 'apac' },
      ],
    });
    expect(d.Status).toBe('FINISHED');
    expect(d.QueryParameters).toEqual([
      { name: 'min', value: '15' },
      { name: 'skip', value: 'apac' },
    ]);
    const r = await bob.send(new GetStatementResultCommand({ Id: d.Id }));
    expect(r.Records?.map((x) => x[0]?.stringValue)).toEqual(['eu', 'us']);
  });

  it('pages through more rows than one page', async () => {
    const d = await run(alice, { ...WG, Sql: 'select n from numbers order by n' });
    const values: number[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await alice.send(new GetStatementResultCommand({ Id: d.Id, NextToken: token }));
      pages++;
      expect(page.TotalNumRows).toBe(25);
      for (const record of page.Records ?? []) values.push(record[0]?.longValue as number);
      token = page.NextToken;
    } while (token);
    expect(pages).toBe(3);
    expect(values).toEqual(Array.from({ length: 25 }, (_, k) => k + 1));
    const csv = await run(alice, {
      ...WG,
      Sql: 'select n from numbers where n <= 3 order by n',
      ResultFormat: 'CSV',
    });
    const v2 = await alice.send(new GetStatementResultV2Command({ Id: csv.Id }));
    expect(v2.Records).toEqual([{ CSVRecords: 'n\n1\n2\n3\n' }]);
  });

  it('runs a batch in one transaction with <Id>:N sub-statements', async () => {
    const { Id } = await alice.send(
      new BatchExecuteStatementCommand({
        ...WG,
        Sqls: [
          "insert into events values ('login')",
          "insert into events values ('query')",
          'select count(*) from events',
        ],
      }),
    );
    emu.clock.advance(RUNNING_MS);
    const d = await alice.send(new DescribeStatementCommand({ Id }));
    expect(d.Status).toBe('FINISHED');
    expect(d.SubStatements?.map((s) => [s.Id, s.Status])).toEqual([
      [`${Id}:1`, 'FINISHED'],
      [`${Id}:2`, 'FINISHED'],
      [`${Id}:3`, 'FINISHED'],
    ]);
    expect(d.SubStatements?.[0]?.CreatedAt).toBeInstanceOf(Date);
    const r = await alice.send(new GetStatementResultCommand({ Id: `${Id}:3` }));
    expect(r.Records).toEqual([[{ longValue: 2 }]]);
    const failing = await alice.send(
      new BatchExecuteStatementCommand({
        ...WG,
        Sqls: ["insert into events values ('x')", 'select * from secrets'],
      }),
    );
    emu.clock.advance(RUNNING_MS);
    const f = await alice.send(new DescribeStatementCommand({ Id: failing.Id }));
    expect(f.Status).toBe('FAILED');
    expect(f.SubStatements?.map((s) => s.Status)).toEqual(['FINISHED', 'FAILED']);
    const count = await run(alice, { ...WG, Sql: 'select count(*) from events' });
    const after = await alice.send(new GetStatementResultCommand({ Id: count.Id }));
    expect(after.Records).toEqual([[{ longValue: 2 }]]);
  });

  it('cancels a statement in flight; it never runs', async () => {
    const { Id } = await alice.send(
      new ExecuteStatementCommand({ ...WG, Sql: "insert into events values ('cancelled')" }),
    );
    expect((await alice.send(new CancelStatementCommand({ Id }))).Status).toBe(true);
    emu.clock.advance(RUNNING_MS);
    expect((await alice.send(new DescribeStatementCommand({ Id }))).Status).toBe('ABORTED');
    const count = await run(alice, { ...WG, Sql: "select count(*) from events where what = 'cancelled'" });
    expect((await alice.send(new GetStatementResultCommand({ Id: count.Id }))).Records).toEqual([
      [{ longValue: 0 }],
    ]);
    const again = await errorOf(alice.send(new CancelStatementCommand({ Id })));
    expect(again.name).toBe('ValidationException');
  });

  it("refuses another user's statement, and the same user's statement from another role", async () => {
    const d = await run(alice, { ...WG, Sql: 'select current_user' });
    const byBob = await errorOf(bob.send(new DescribeStatementCommand({ Id: d.Id })));
    expect(byBob).toMatchObject({ name: 'ResourceNotFoundException', status: 404 });
    const aliceOtherRole = dataClient(await sessionOf('alice', OTHER_ROLE));
    for (const command of [
      new DescribeStatementCommand({ Id: d.Id }),
      new GetStatementResultCommand({ Id: d.Id }),
      new CancelStatementCommand({ Id: d.Id }),
    ]) {
      const err = await errorOf(aliceOtherRole.send(command as DescribeStatementCommand));
      expect(err.name).toBe('ResourceNotFoundException');
    }
    expect(
      emu.auditLog
        .entries()
        .some((e) => e.outcome === 'denied' && /another user or role/.test(e.reason ?? '')),
    ).toBe(true);
  });

  it('scopes ListStatements to the target and to the caller', async () => {
    const missing = await errorOf(alice.send(new ListStatementsCommand({})));
    expect(missing.name).toBe('ValidationException');
    const mine = await alice.send(new ListStatementsCommand({ WorkgroupName: 'analytics', MaxResults: 100 }));
    const bobs = await bob.send(new ListStatementsCommand({ WorkgroupName: 'analytics', MaxResults: 100 }));
    expect((mine.Statements ?? []).length).toBeGreaterThan(0);
    const mineIds = new Set((mine.Statements ?? []).map((s) => s.Id));
    for (const s of bobs.Statements ?? []) expect(mineIds.has(s.Id)).toBe(false);
    expect(mine.Statements?.[0]?.CreatedAt).toBeInstanceOf(Date);
    const other = await alice.send(new ListStatementsCommand({ ClusterIdentifier: 'warehouse' }));
    expect(other.Statements).toEqual([]);
  });

  it("records each user's statements in sys_query_history as the IdC database user", async () => {
    await run(alice, { ...WG, Sql: "select 'history probe'" });
    const sql =
      'select u.usename, h.status, h.query_type from sys_query_history h join pg_user u on u.usesysid = h.user_id ' +
      "where h.query_text = 'select ''history probe'''";
    const mine = await run(alice, { ...WG, Sql: sql });
    expect(mine.Status).toBe('FINISHED');
    const rows = await alice.send(new GetStatementResultCommand({ Id: mine.Id }));
    expect(rows.Records).toEqual([
      [{ stringValue: 'AWSIDC:alice' }, { stringValue: 'success' }, { stringValue: 'SELECT' }],
    ]);
    const theirs = await run(bob, { ...WG, Sql: sql });
    expect((await bob.send(new GetStatementResultCommand({ Id: theirs.Id }))).Records).toEqual([]);
  });

  it('refuses DbUser with identity-enhanced credentials and honours it for plain IAM callers', async () => {
    const err = await errorOf(
      alice.send(
        new ExecuteStatementCommand({
          ClusterIdentifier: 'warehouse',
          Database: 'prod',
          DbUser: 'reporter',
          Sql: 'select 1',
        }),
      ),
    );
    expect(err.name).toBe('ValidationException');
    const service = dataClient(emu.credentials);
    const d = await run(service, {
      ClusterIdentifier: 'warehouse',
      Database: 'prod',
      DbUser: 'reporter',
      Sql: 'select k from kpis',
    });
    expect(d).toMatchObject({ Status: 'FINISHED', DbUser: 'reporter' });
    const iam = await run(service, { ...WG, Sql: 'select current_user' });
    expect(iam.DbUser).toBe('IAM:service');
  });
});

describe('GetIdentityCenterAuthToken through the Redshift SDK clients', () => {
  it('issues tokens for clusters and workgroups to identity-enhanced sessions only', async () => {
    const keys = await sessionOf('alice');
    const redshift = track(new RedshiftClient(emu.clientConfig({ service: 'redshift', credentials: keys })));
    const out = await redshift.send(new GetIdentityCenterAuthTokenCommand({ ClusterIds: ['warehouse'] }));
    expect(out.ExpirationTime).toBeInstanceOf(Date);
    const verified = verifyRedshiftAuthToken(emu.runtime, out.Token, { kind: 'cluster', name: 'warehouse' });
    expect(verified.ok && verified.claims.userName).toBe('alice');
    const serverless = track(
      new RedshiftServerlessClient(emu.clientConfig({ service: 'redshift-serverless', credentials: keys })),
    );
    const sv = await serverless.send(new GetServerlessTokenCommand({ workgroupNames: ['analytics'] }));
    expect(sv.expirationTime).toBeInstanceOf(Date);
    expect(verifyRedshiftAuthToken(emu.runtime, sv.token, { kind: 'workgroup', name: 'analytics' }).ok).toBe(
      true,
    );
    const missing = await errorOf(
      redshift.send(new GetIdentityCenterAuthTokenCommand({ ClusterIds: ['nope'] })),
    );
    expect(missing).toMatchObject({ name: 'ClusterNotFoundFault', status: 404 });
    const plainRedshift = track(new RedshiftClient(emu.clientConfig({ service: 'redshift' })));
    const plain = await errorOf(
      plainRedshift.send(new GetIdentityCenterAuthTokenCommand({ ClusterIds: ['warehouse'] })),
    );
    expect(plain.status).toBe(403);
    expect(plain.name).toBe('AccessDenied');
    const trail = JSON.stringify(emu.auditLog.entries());
    for (const secret of [
      out.Token as string,
      sv.token as string,
      keys.sessionToken as string,
      keys.secretAccessKey,
    ]) {
      expect(trail.includes(secret)).toBe(false);
    }
    const plainServerless = track(
      new RedshiftServerlessClient(emu.clientConfig({ service: 'redshift-serverless' })),
    );
    const refused = await errorOf(
      plainServerless.send(new GetServerlessTokenCommand({ workgroupNames: ['analytics'] })),
    );
    expect(refused).toMatchObject({ name: 'AccessDeniedException', status: 403 });
  });
});
