/**
 * Running Redshift Data API statements as the user: ExecuteStatement / BatchExecuteStatement, polling
 * DescribeStatement, reading GetStatementResult page by page, and CancelStatement on abort or deadline.
 *
 * Statement ownership: DescribeStatement, GetStatementResult and CancelStatement succeed only for the same
 * IAM Identity Center user through the same IAM role that ran the statement. A handle always follows up
 * with the credentials it started with, so this holds; a statement id handed to another user or role is
 * useless to them (`ERR_ACCESS_DENIED` / `ERR_NOT_FOUND`).
 *
 * @module
 */
import type { DescribeStatementResponse, RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import { sleep } from '../../aws/abort.js';
import { redactAwsMessage } from '../../aws/map-error.js';
import { TipError, optionError } from '../../errors.js';
import type { ServiceContext } from '../context.js';
import { type QueryError, queryFailureError } from '../query-failure.js';
import { type StatementSignals, statementCall, statementSignals, withDeadline } from '../deadline.js';
import { readColumns, typedRows } from './fields.js';
import { resolveTarget, toSqlParameters, validSql } from './options.js';
import { parseLosslessJson } from './lossless-json.js';
import type { LosslessJson } from './lossless-json.js';
import { defaultPollDelay } from '../poll.js';
import { captureRawBody } from './raw-body.js';
import { redshiftDataSdk } from './sdk.js';
import type { RedshiftColumn, RedshiftQueryOptions, RedshiftQueryResult, RedshiftRow } from './types.js';

const STOP_TIMEOUT_MS = 5_000;

function failed(describe: DescribeStatementResponse, id: string): QueryError {
  const status = String(describe.Status ?? 'UNKNOWN');
  const subError = describe.SubStatements?.find((s) => s.Status === 'FAILED')?.Error;
  return queryFailureError({
    service: 'redshift-data',
    queryId: id,
    state: status,
    cancelled: status === 'ABORTED',
    reason: redactAwsMessage(describe.Error ?? subError ?? ''),
  });
}

interface Run {
  readonly ctx: ServiceContext;
  readonly client: RedshiftDataClient;
  readonly options: RedshiftQueryOptions;
}

/** Polls DescribeStatement until FINISHED; cancels on abort or deadline. */
async function waitFor(run: Run, id: string, deadline: AbortSignal, signal: AbortSignal, timeoutMs: number) {
  const { ctx, client, options } = run;
  let finished = false;
  try {
    const startedAt = performance.now();
    const { DescribeStatementCommand } = redshiftDataSdk();
    for (;;) {
      const d = await statementCall(
        ctx,
        'redshift-data',
        { deadline, signal },
        timeoutMs,
        'DescribeStatement',
        (s) => client.send(new DescribeStatementCommand({ Id: id }), { abortSignal: s }),
        id,
      );
      if (d.Status === 'FINISHED') {
        finished = true;
        ctx.emit({ type: 'query-finished', service: 'redshift-data', queryId: id });
        return d;
      }
      if (d.Status === 'FAILED' || d.Status === 'ABORTED') {
        finished = true;
        const error = failed(d, id);
        ctx.emit({ type: 'query-failed', service: 'redshift-data', queryId: id, code: error.code });
        throw error;
      }
      const delay = options.pollInterval ?? defaultPollDelay(performance.now() - startedAt);
      await withDeadline('redshift-data', deadline, timeoutMs, () => sleep(delay, signal), id);
    }
  } finally {
    if (!finished) await cancel(run, id);
  }
}

async function cancel(run: Run, id: string): Promise<void> {
  try {
    const { CancelStatementCommand } = redshiftDataSdk();
    await run.client.send(new CancelStatementCommand({ Id: id }), {
      abortSignal: AbortSignal.timeout(STOP_TIMEOUT_MS),
    });
    run.ctx.emit({ type: 'query-cancelled', service: 'redshift-data', queryId: id });
  } catch (error) {
    run.ctx.logger.debug(
      { queryId: id, error: String((error as Error)?.name) },
      'redshift-data CancelStatement failed',
    );
  }
}

/** Reads every page of a statement's result (up to `maxRows`). */
async function readResult(
  run: Run,
  id: string,
  deadline: AbortSignal,
  signal: AbortSignal,
  timeoutMs: number,
): Promise<{ columns: RedshiftColumn[]; rows: RedshiftRow[]; truncated: boolean }> {
  const maxRows = run.options.maxRows ?? Number.MAX_SAFE_INTEGER;
  const rows: RedshiftRow[] = [];
  let columns: RedshiftColumn[] | undefined;
  let token: string | undefined;
  const { GetStatementResultCommand } = redshiftDataSdk();
  do {
    let raw: { text: string | undefined } = { text: undefined };
    const page = await statementCall(
      run.ctx,
      'redshift-data',
      { deadline, signal },
      timeoutMs,
      'GetStatementResult',
      (s) => {
        const command = new GetStatementResultCommand({
          Id: id,
          ...(token === undefined ? {} : { NextToken: token }),
        });
        raw = captureRawBody(command.middlewareStack);
        return run.client.send(command, { abortSignal: s });
      },
      id,
    );
    columns ??= readColumns(page.ColumnMetadata);
    const records = page.Records ?? [];
    let exact: LosslessJson | undefined;
    const unsafe = records.some((r) =>
      r.some((f) => typeof f.longValue === 'number' && !Number.isSafeInteger(f.longValue)),
    );
    if (unsafe && raw.text !== undefined) {
      try {
        const parsed = parseLosslessJson(raw.text);
        exact =
          typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
            ? parsed.Records
            : undefined;
      } catch {
        exact = undefined;
      }
    }
    const typed = typedRows(records, columns, id, exact);
    for (const row of typed) {
      if (rows.length >= maxRows) return { columns, rows, truncated: true };
      rows.push(row);
    }
    token = typeof page.NextToken === 'string' && page.NextToken.length > 0 ? page.NextToken : undefined;
    if (rows.length >= maxRows && token !== undefined) return { columns, rows, truncated: true };
  } while (token !== undefined);
  return { columns: columns ?? [], rows, truncated: false };
}

/** The result of a finished statement or sub-statement: its rows, or the count of rows it changed. */
async function statementResult(
  run: Run,
  id: string,
  described: { HasResultSet?: boolean; ResultRows?: number },
  signals: StatementSignals,
  timeoutMs: number,
): Promise<RedshiftQueryResult> {
  if (described.HasResultSet !== true) {
    return {
      statementId: id,
      columns: [],
      rows: [],
      updatedRows: described.ResultRows ?? undefined,
      truncated: false,
    };
  }
  const result = await readResult(run, id, signals.deadline, signals.signal, timeoutMs);
  return { statementId: id, ...result, updatedRows: undefined };
}

/**
 * Starts a statement with `start` (ExecuteStatement or BatchExecuteStatement) under the options' deadline
 * and signals, waits until it finishes, and hands the description to `finish`.
 */
async function execute<T>(
  run: Run,
  operation: 'ExecuteStatement' | 'BatchExecuteStatement',
  start: (abortSignal: AbortSignal) => Promise<{ Id?: string }>,
  finish: (
    id: string,
    described: DescribeStatementResponse,
    signals: StatementSignals,
    timeoutMs: number,
  ) => Promise<T>,
): Promise<T> {
  const { ctx, options } = run;
  const timeoutMs = options.timeoutMs ?? 600_000;
  const signals = statementSignals(timeoutMs, options.signal, ctx.signal);
  const { deadline, signal } = signals;
  try {
    const started = await statementCall(ctx, 'redshift-data', signals, timeoutMs, operation, start);
    const id = requireId(started.Id, operation);
    ctx.emit({ type: 'query-started', service: 'redshift-data', queryId: id });
    const described = await waitFor(run, id, deadline, signal, timeoutMs);
    return await finish(id, described, signals, timeoutMs);
  } finally {
    signals.dispose();
  }
}

/** Runs one statement. */
export async function runStatement(
  ctx: ServiceContext,
  client: RedshiftDataClient,
  sql: string,
  options: RedshiftQueryOptions,
): Promise<RedshiftQueryResult> {
  const target = resolveTarget(options);
  const parameters = toSqlParameters(options.parameters);
  validSql(sql, 'sql');
  const { ExecuteStatementCommand } = redshiftDataSdk();
  const run: Run = { ctx, client, options };
  return execute(
    run,
    'ExecuteStatement',
    (s) =>
      client.send(
        new ExecuteStatementCommand({
          Sql: sql,
          ...target,
          ...(parameters ? { Parameters: parameters } : {}),
        }),
        { abortSignal: s },
      ),
    (id, described, signals, timeoutMs) => statementResult(run, id, described, signals, timeoutMs),
  );
}

/** Runs statements as one batch (one transaction). */
export async function runBatch(
  ctx: ServiceContext,
  client: RedshiftDataClient,
  sqls: readonly string[],
  options: RedshiftQueryOptions,
): Promise<RedshiftQueryResult[]> {
  const target = resolveTarget(options);
  if (!Array.isArray(sqls) || sqls.length === 0 || sqls.length > 40)
    throw optionError('sqls', 'must hold 1 to 40 SQL statements');
  for (const [i, sql] of sqls.entries()) validSql(sql, `sqls[${i}]`);
  const { BatchExecuteStatementCommand } = redshiftDataSdk();
  const run: Run = { ctx, client, options };
  return execute(
    run,
    'BatchExecuteStatement',
    (s) => client.send(new BatchExecuteStatementCommand({ Sqls: [...sqls], ...target }), { abortSignal: s }),
    async (id, described, signals, timeoutMs) => {
      const subs = described.SubStatements ?? [];
      if (subs.length !== sqls.length) {
        throw new TipError(
          'ERR_SERVICE_RESPONSE_INVALID',
          `The Data API reported ${subs.length} sub-statements for ${sqls.length} statements.`,
          { details: { service: 'redshift-data', queryId: id } },
        );
      }
      const results: RedshiftQueryResult[] = [];
      for (const sub of subs) {
        results.push(
          await statementResult(run, requireId(sub.Id, 'DescribeStatement'), sub, signals, timeoutMs),
        );
      }
      return results;
    },
  );
}

function requireId(id: unknown, operation: string): string {
  if (typeof id !== 'string' || id.length === 0 || id.length > 200) {
    throw new TipError(
      'ERR_SERVICE_RESPONSE_INVALID',
      `The Data API returned no statement id from ${operation}.`,
      {
        details: { service: 'redshift-data', operation },
      },
    );
  }
  return id;
}
