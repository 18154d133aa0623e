/**
 * Running one Athena query as the user: StartQueryExecution, polling GetQueryExecution (every 50 ms at
 * first, then a tenth of the query's age, at most 1 s), reading GetQueryResults page by page, and
 * StopQueryExecution on abort or deadline.
 *
 * @module
 */
import type { AthenaClient, QueryExecution } from '@aws-sdk/client-athena';
import { sleep } from '../../aws/abort.js';
import { redactAwsMessage } from '../../aws/map-error.js';
import { TipError, optionError } from '../../errors.js';
import type { ServiceContext } from '../context.js';
import { type QueryError, queryFailureError } from '../query-failure.js';
import { statementCall, statementSignals, withDeadline } from '../deadline.js';
import { defaultPollDelay } from '../poll.js';
import { isHeaderRow, readColumns, typedRows } from './results.js';
import { athenaSdk } from './sdk.js';
import type { AthenaColumn, AthenaQueryOptions, AthenaResultPage } from './types.js';

const DEFAULT_TIMEOUT_MS = 600_000;
const STOP_TIMEOUT_MS = 5_000;

/** Validated query options. */
export interface ResolvedQuery {
  readonly sql: string;
  readonly options: AthenaQueryOptions<unknown>;
  readonly timeoutMs: number;
  readonly pageSize: number;
  readonly maxRows: number;
}

/** Validates `sql` and options. @throws TypeError */
export function resolveQuery(sql: string, options: AthenaQueryOptions<unknown>): ResolvedQuery {
  if (typeof sql !== 'string' || sql.trim().length === 0 || sql.length > 262_144)
    throw optionError('sql', 'must be a non-empty string of at most 262144 characters');
  if (typeof options !== 'object' || options === null) throw optionError('athena.query', 'needs options');
  if (typeof options.workGroup !== 'string' || !/^[a-zA-Z0-9._-]{1,128}$/.test(options.workGroup))
    throw optionError('workGroup', 'must be an Athena workgroup name (1–128 of letters, digits, . _ -)');
  const params = options.executionParameters;
  if (
    params !== undefined &&
    (!Array.isArray(params) || params.some((p) => typeof p !== 'string' || p.length === 0))
  )
    throw optionError('executionParameters', 'must be a list of non-empty SQL literal strings');
  const positive = (
    path: string,
    value: number | undefined,
    fallback: number,
    max = Number.MAX_SAFE_INTEGER,
  ) => {
    if (value === undefined) return fallback;
    if (!Number.isInteger(value) || value < 1 || value > max)
      throw optionError(path, `must be an integer from 1 to ${max}`);
    return value;
  };
  if (options.pollInterval !== undefined) positive('pollInterval', options.pollInterval, 0, 60_000);
  return {
    sql,
    options,
    timeoutMs: positive('timeoutMs', options.timeoutMs, DEFAULT_TIMEOUT_MS),
    pageSize: positive('pageSize', options.pageSize, 1000, 1000),
    maxRows: positive('maxRows', options.maxRows, Number.MAX_SAFE_INTEGER),
  };
}

function failed(execution: QueryExecution, queryId: string): QueryError {
  const status = execution.Status;
  const state = String(status?.State ?? 'UNKNOWN');
  return queryFailureError({
    service: 'athena',
    queryId,
    state,
    cancelled: state === 'CANCELLED',
    reason: redactAwsMessage(status?.AthenaError?.ErrorMessage ?? status?.StateChangeReason ?? ''),
    details: {
      errorCategory: status?.AthenaError?.ErrorCategory,
      errorType: status?.AthenaError?.ErrorType,
    },
  });
}

/**
 * Runs a query and yields its typed pages. Aborting or passing the deadline while the query runs stops
 * it with StopQueryExecution.
 */
export async function* runQuery(
  ctx: ServiceContext,
  client: AthenaClient,
  q: ResolvedQuery,
): AsyncGenerator<AthenaResultPage & { truncated: boolean }, void, undefined> {
  const { options } = q;
  const signals = statementSignals(q.timeoutMs, options.signal, ctx.signal);
  try {
    yield* runWith(ctx, client, q, signals.deadline, signals.signal);
  } finally {
    signals.dispose();
  }
}

async function* runWith(
  ctx: ServiceContext,
  client: AthenaClient,
  q: ResolvedQuery,
  deadline: AbortSignal,
  signal: AbortSignal,
): AsyncGenerator<AthenaResultPage & { truncated: boolean }, void, undefined> {
  const { options } = q;
  const { GetQueryExecutionCommand, GetQueryResultsCommand, StartQueryExecutionCommand } = athenaSdk();
  const context =
    options.database !== undefined || options.catalog !== undefined
      ? {
          ...(options.database === undefined ? {} : { Database: options.database }),
          ...(options.catalog === undefined ? {} : { Catalog: options.catalog }),
        }
      : undefined;
  /** One Athena call under the query's deadline and signals. */
  const call = <T>(operation: string, send: (s: AbortSignal) => Promise<T>, queryId?: string): Promise<T> =>
    statementCall(ctx, 'athena', { deadline, signal }, q.timeoutMs, operation, send, queryId);
  const started = await call('StartQueryExecution', (s) =>
    client.send(
      new StartQueryExecutionCommand({
        QueryString: q.sql,
        WorkGroup: options.workGroup,
        ...(context === undefined ? {} : { QueryExecutionContext: context }),
        ...(options.executionParameters === undefined
          ? {}
          : { ExecutionParameters: [...options.executionParameters] }),
      }),
      { abortSignal: s },
    ),
  );
  const queryId = started.QueryExecutionId;
  if (typeof queryId !== 'string' || queryId.length === 0) {
    throw new TipError('ERR_SERVICE_RESPONSE_INVALID', 'Athena returned no QueryExecutionId.', {
      details: { service: 'athena', operation: 'StartQueryExecution' },
    });
  }
  ctx.emit({ type: 'query-started', service: 'athena', queryId });
  const startedAt = performance.now();
  let done = false;
  try {
    for (;;) {
      const out = await call(
        'GetQueryExecution',
        (s) => client.send(new GetQueryExecutionCommand({ QueryExecutionId: queryId }), { abortSignal: s }),
        queryId,
      );
      const execution = out.QueryExecution ?? {};
      const state = execution.Status?.State;
      if (state === 'SUCCEEDED') break;
      if (state === 'FAILED' || state === 'CANCELLED') {
        done = true;
        const error = failed(execution, queryId);
        ctx.emit({ type: 'query-failed', service: 'athena', queryId, code: error.code });
        throw error;
      }
      const delay = options.pollInterval ?? defaultPollDelay(performance.now() - startedAt);
      await withDeadline('athena', deadline, q.timeoutMs, () => sleep(delay, signal), queryId);
    }
    done = true;
    ctx.emit({ type: 'query-finished', service: 'athena', queryId });
    let token: string | undefined;
    let first = true;
    let count = 0;
    let columns: AthenaColumn[] | undefined;
    do {
      const page = await call(
        'GetQueryResults',
        (s) =>
          client.send(
            new GetQueryResultsCommand({
              QueryExecutionId: queryId,
              MaxResults: q.pageSize,
              ...(token === undefined ? {} : { NextToken: token }),
            }),
            { abortSignal: s },
          ),
        queryId,
      );
      columns ??= readColumns(page.ResultSet?.ResultSetMetadata?.ColumnInfo, queryId);
      let raw = page.ResultSet?.Rows ?? [];
      if (first && isHeaderRow(raw[0], columns)) raw = raw.slice(1);
      first = false;
      const room = q.maxRows - count;
      const truncated = raw.length > room || (raw.length === room && typeof page.NextToken === 'string');
      const rows = typedRows(raw.slice(0, room), columns, queryId);
      count += rows.length;
      yield { queryId, columns, rows, truncated };
      if (truncated) return;
      token = typeof page.NextToken === 'string' && page.NextToken.length > 0 ? page.NextToken : undefined;
    } while (token !== undefined);
  } finally {
    if (!done) await stopQuery(ctx, client, queryId);
  }
}

/** Stops a query, best effort, with its own short deadline (the caller's signal has usually fired). */
async function stopQuery(ctx: ServiceContext, client: AthenaClient, queryId: string): Promise<void> {
  try {
    const { StopQueryExecutionCommand } = athenaSdk();
    await client.send(new StopQueryExecutionCommand({ QueryExecutionId: queryId }), {
      abortSignal: AbortSignal.timeout(STOP_TIMEOUT_MS),
    });
    ctx.emit({ type: 'query-cancelled', service: 'athena', queryId });
  } catch (error) {
    ctx.logger.debug({ queryId, error: String((error as Error)?.name) }, 'athena StopQueryExecution failed');
  }
}
