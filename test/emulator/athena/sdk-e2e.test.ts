import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  GetWorkGroupCommand,
  ListTagsForResourceCommand,
  ListWorkGroupsCommand,
  StartQueryExecutionCommand,
  type StartQueryExecutionCommandInput,
  StopQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AthenaServiceModule, createAthenaService } from '../../../src/emulator/athena/service.js';
import type { EmulatorConfigInput } from '../../../src/emulator/config/types.js';
import { type RunningEmulator, startEmulator } from '../../../src/emulator/start.js';
import {
  ACCOUNT,
  APP_ARN,
  BEARER_ROLE_ARN,
  BEARER_TRUST,
  INSTANCE_ARN,
  e2eDirectory,
} from '../support/identities.js';
import { clientTracker, errorOf } from '../support/sdk.js';
import { identitySession } from '../support/sessions.js';
import { athenaSection } from './helpers.js';

const RUNNING_MS = 60_000;
const WG_ARN = `arn:aws:athena:us-east-1:${ACCOUNT}:workgroup/analysts`;

const { workGroups, tables, grants } = athenaSection();
const config: EmulatorConfigInput = {
  ...e2eDirectory(),
  roles: [{ arn: BEARER_ROLE_ARN, trustPolicy: BEARER_TRUST }],
  athena: { workGroups, tables, grants, maxPageSize: 10, runningMs: RUNNING_MS },
};

let emu: RunningEmulator;
let module: AthenaServiceModule | undefined;
const { track, destroyAll } = clientTracker();
const users: Record<string, AthenaClient> = {};
/** Every context assertion and session secret handed out, to prove none leaks. */
const secrets: string[] = [];
let plain: AthenaClient;

async function athenaFor(user: string): Promise<AthenaClient> {
  const { keys: credentials, context } = await identitySession(emu, user, { track });
  secrets.push(context, credentials.secretAccessKey, credentials.sessionToken);
  return track(new AthenaClient(emu.clientConfig({ service: 'athena', credentials })));
}

beforeAll(async () => {
  emu = await startEmulator(config, {
    quiet: true,
    services: {
      athena: async (runtime) => {
        module = await createAthenaService(runtime);
        return module;
      },
      'redshift-data': false,
      s3: false,
      's3-control': false,
      'sso-oauth': false,
    },
  });
  for (const user of ['alice', 'bob', 'carol']) users[user] = await athenaFor(user);
  plain = track(new AthenaClient(emu.clientConfig({ service: 'athena' })));
}, 60_000);

afterAll(async () => {
  destroyAll();
  await emu?.stop();
});

function client(user: string): AthenaClient {
  const c = users[user];
  if (!c) throw new Error(`no client for ${user}`);
  return c;
}

/** Starts `sql` in the IdC workgroup and moves the emulator clock past the RUNNING window. */
async function run(
  user: string,
  input: Omit<StartQueryExecutionCommandInput, 'QueryString'> & { QueryString: string },
) {
  const { QueryExecutionId } = await client(user).send(
    new StartQueryExecutionCommand({ WorkGroup: 'analysts', ...input }),
  );
  emu.clock.advance(RUNNING_MS);
  const out = await client(user).send(new GetQueryExecutionCommand({ QueryExecutionId }));
  return { id: QueryExecutionId as string, execution: out.QueryExecution };
}

async function rowsOf(user: string, id: string): Promise<(string | undefined)[][]> {
  const rows: (string | undefined)[][] = [];
  let NextToken: string | undefined;
  let pages = 0;
  do {
    const page = await client(user).send(new GetQueryResultsCommand({ QueryExecutionId: id, NextToken }));
    rows.push(...(page.ResultSet?.Rows ?? []).map((r) => (r.Data ?? []).map((d) => d.VarCharValue)));
    NextToken = page.NextToken;
    pages++;
  } while (NextToken);
  expect(pages).toBeGreaterThan(0);
  return rows;
}

describe('Athena through @aws-sdk/client-athena with identity-enhanced credentials', () => {
  it('reports QUEUED/RUNNING then SUCCEEDED with SDK-parsed dates, typed ColumnInfo and a header row', async () => {
    const { QueryExecutionId } = await client('alice').send(
      new StartQueryExecutionCommand({
        WorkGroup: 'analysts',
        QueryString: 'SELECT id, amount, tags, attrs, at FROM sales.orders WHERE id = 1',
      }),
    );
    const running = await client('alice').send(new GetQueryExecutionCommand({ QueryExecutionId }));
    expect(running.QueryExecution?.Status?.State).toBe('RUNNING');
    expect(running.QueryExecution?.Status?.SubmissionDateTime).toBeInstanceOf(Date);
    emu.clock.advance(RUNNING_MS);
    const done = await client('alice').send(new GetQueryExecutionCommand({ QueryExecutionId }));
    expect(done.QueryExecution?.Status?.State).toBe('SUCCEEDED');
    expect(done.QueryExecution?.Status?.CompletionDateTime).toBeInstanceOf(Date);
    // Members Athena always answers, which clients read.
    expect(done.QueryExecution?.ResultReuseConfiguration).toEqual({
      ResultReuseByAgeConfiguration: { Enabled: false },
    });
    expect(done.QueryExecution?.Statistics?.ResultReuseInformation).toEqual({ ReusedPreviousResult: false });
    const page = await client('alice').send(new GetQueryResultsCommand({ QueryExecutionId }));
    expect(page.UpdateCount).toBe(0);
    expect(
      page.ResultSet?.ResultSetMetadata?.ColumnInfo?.map((c) => [c.Name, c.Type, c.Precision, c.Scale]),
    ).toEqual([
      ['id', 'integer', 10, 0],
      ['amount', 'decimal', 10, 2],
      ['tags', 'array', 0, 0],
      ['attrs', 'map', 0, 0],
      ['at', 'timestamp', 3, 0],
    ]);
    expect(page.ResultSet?.Rows?.map((r) => r.Data?.map((d) => d.VarCharValue))).toEqual([
      ['id', 'amount', 'tags', 'attrs', 'at'],
      ['1', '1.50', '[a, b]', '{k=v}', '2024-01-02 03:04:05.000'],
    ]);
  });

  it('pages over more rows than one page', async () => {
    const { id } = await run('carol', { QueryString: 'SELECT id, at FROM sales.orders ORDER BY id' });
    const rows = await rowsOf('carol', id);
    expect(rows).toHaveLength(26);
    expect(rows[0]).toEqual(['id', 'at']);
    expect(rows.slice(1).map((r) => Number(r[0]))).toEqual(Array.from({ length: 25 }, (_, k) => k + 1));
    expect(rows[2]?.[1]).toBe('2024-01-02 03:04:05.500');
  });

  it('filters rows per user and through groups', async () => {
    const regions = async (user: string) => {
      const { id } = await run(user, {
        QueryString: 'SELECT DISTINCT region FROM orders ORDER BY region',
        QueryExecutionContext: { Database: 'sales' },
      });
      return (await rowsOf(user, id)).slice(1).map((r) => r[0]);
    };
    expect(await regions('alice')).toEqual(['eu']);
    expect(await regions('carol')).toEqual(['apac', 'eu', 'us']);
    expect(await regions('bob')).toEqual(['apac', 'eu', 'us']);
  });

  it('fails a query on an ungranted table with the Lake Formation reason, as Athena does', async () => {
    const { execution } = await run('alice', { QueryString: 'SELECT * FROM sales.secrets' });
    expect(execution?.Status).toMatchObject({
      State: 'FAILED',
      StateChangeReason: 'Insufficient Lake Formation permission(s) on secrets',
      AthenaError: { ErrorCategory: 2, ErrorType: 234 },
    });
    const e = await errorOf(
      client('alice').send(new GetQueryResultsCommand({ QueryExecutionId: execution?.QueryExecutionId })),
    );
    expect(e).toMatchObject({ name: 'InvalidRequestException', status: 400 });
    expect(emu.auditLog.entries().some((a) => a.outcome === 'denied' && a.resource === WG_ARN)).toBe(true);
  });

  it('applies a revoke made while the emulator runs', async () => {
    await module?.admin.grant({ principal: 'group:engineers', table: 'sales.secrets' });
    expect((await run('bob', { QueryString: 'SELECT v FROM sales.secrets' })).execution?.Status?.State).toBe(
      'SUCCEEDED',
    );
    await module?.admin.revoke('group:engineers', 'sales.secrets');
    expect((await run('bob', { QueryString: 'SELECT v FROM sales.secrets' })).execution?.Status?.State).toBe(
      'FAILED',
    );
  });

  it('refuses plain credentials on the Identity Center workgroup', async () => {
    const e = await errorOf(
      plain.send(new StartQueryExecutionCommand({ WorkGroup: 'analysts', QueryString: 'SELECT 1' })),
    );
    expect(e).toMatchObject({ name: 'InvalidRequestException', status: 400 });
    expect(e.message).toContain('identity-enhanced');
    const ok = await plain.send(
      new StartQueryExecutionCommand({ WorkGroup: 'plain', QueryString: 'SELECT 1' }),
    );
    expect(ok.QueryExecutionId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('cancels with StopQueryExecution', async () => {
    const { QueryExecutionId } = await client('carol').send(
      new StartQueryExecutionCommand({ WorkGroup: 'analysts', QueryString: 'SELECT 1' }),
    );
    await client('carol').send(new StopQueryExecutionCommand({ QueryExecutionId }));
    emu.clock.advance(RUNNING_MS);
    const out = await client('carol').send(new GetQueryExecutionCommand({ QueryExecutionId }));
    expect(out.QueryExecution?.Status?.State).toBe('CANCELLED');
  });

  it('binds ExecutionParameters', async () => {
    const { id } = await run('carol', {
      QueryString: 'SELECT count(*) FROM sales.orders WHERE region = ? AND id <= ?',
      ExecutionParameters: ["'eu'", '10'],
    });
    expect((await rowsOf('carol', id))[1]).toEqual(['4']);
  });

  it('describes and lists workgroups and their tags', async () => {
    const wg = await client('alice').send(new GetWorkGroupCommand({ WorkGroup: 'analysts' }));
    expect(wg.WorkGroup?.CreationTime).toBeInstanceOf(Date);
    expect(wg.WorkGroup?.Configuration?.IdentityCenterConfiguration).toEqual({
      EnableIdentityCenter: true,
      IdentityCenterInstanceArn: INSTANCE_ARN,
    });
    const list = await client('alice').send(new ListWorkGroupsCommand({}));
    expect(list.WorkGroups?.map((w) => w.Name)).toEqual(['primary', 'analysts', 'plain']);
    // Drivers read the tag with the service's own credentials: it is not on the identity-context allow-list.
    const denied = await errorOf(
      client('alice').send(new ListTagsForResourceCommand({ ResourceARN: WG_ARN })),
    );
    expect(denied.name).toBe('AccessDeniedException');
    const tags = await plain.send(new ListTagsForResourceCommand({ ResourceARN: WG_ARN }));
    expect(tags.Tags).toContainEqual({ Key: 'AthenaDriverOidcAppArn', Value: APP_ARN });
  });

  it('keeps context assertions and session secrets out of the audit log, the history and errors', async () => {
    const { execution } = await run('alice', { QueryString: 'SELECT * FROM sales.secrets' });
    const history = (await module?.admin.history()) ?? [];
    const text = JSON.stringify([emu.auditLog.entries(), history, execution]);
    expect(secrets.length).toBeGreaterThanOrEqual(9);
    for (const secret of secrets) expect(text).not.toContain(secret);
  });

  it('records queries under the IdC user in the history', async () => {
    const history = (await module?.admin.history()) ?? [];
    expect(new Set(history.map((h) => h.role))).toEqual(
      new Set(['AWSIDC:alice', 'AWSIDC:bob', 'AWSIDC:carol', 'athena_iam']),
    );
  });
});
