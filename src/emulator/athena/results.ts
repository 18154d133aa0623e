import { createHmac, timingSafeEqual } from 'node:crypto';
import type { EmulatorRuntime, OperationContext } from '../core/types.js';
import { columnInfo } from './column-info.js';
import { invalidRequest } from './errors.js';
import { stateAt } from './executions.js';
import { formatRow } from './format.js';
import { type QueryDeps, visibleExecution } from './query-handlers.js';

type Ctx = OperationContext<EmulatorRuntime>;

/** NextToken: `<offset>.<HMAC of query id and offset>`, so a token only pages the query it came from. */
function pageToken(secret: Buffer, id: string, offset: number): string {
  const mac = createHmac('sha256', secret).update(`${id}:${offset}`).digest('base64url').slice(0, 22);
  return `${offset}.${mac}`;
}

function readPageToken(secret: Buffer, id: string, token: unknown, total: number): number {
  const m = typeof token === 'string' ? /^(\d{1,9})\.([A-Za-z0-9_-]{22})$/.exec(token) : null;
  const offset = m ? Number(m[1]) : -1;
  const expected = m ? Buffer.from(pageToken(secret, id, offset)) : Buffer.alloc(0);
  const given = Buffer.from(typeof token === 'string' ? token : '');
  if (!m || offset > total || expected.length !== given.length || !timingSafeEqual(expected, given)) {
    throw invalidRequest('NextToken is not valid for this query.');
  }
  return offset;
}

/** `GetQueryResults`: a header row on the first page, then data rows, `MaxResults` per page. */
export function getQueryResults(deps: QueryDeps, ctx: Ctx): object {
  const execution = visibleExecution(deps, ctx);
  const max = ctx.input.MaxResults;
  if (max !== undefined && (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > 1000)) {
    throw invalidRequest('MaxResults must be an integer from 1 to 1000.');
  }
  const { state } = stateAt(execution, deps.runtime.now());
  if (state === 'QUEUED' || state === 'RUNNING') {
    throw invalidRequest(`Query has not yet finished. Current state: ${state}`);
  }
  if (state !== 'SUCCEEDED' || execution.outcome.kind !== 'succeeded') {
    throw invalidRequest(`Query did not finish successfully. Final query state: ${state}`);
  }
  const { result, types } = execution.outcome;
  const header = result.columns.length > 0 ? 1 : 0;
  const total = header + result.rows.length;
  const size = Math.min((max as number | undefined) ?? 1000, deps.runtime.config.athena.maxPageSize);
  const start =
    ctx.input.NextToken === undefined
      ? 0
      : readPageToken(deps.runtime.secretKey, execution.id, ctx.input.NextToken, total);
  const end = Math.min(start + size, total);
  const rows = [];
  for (let i = start; i < end; i++) {
    if (i < header) rows.push({ Data: result.columns.map((c) => ({ VarCharValue: c.name })) });
    else rows.push({ Data: formatRow(result.rows[i - header] ?? [], types) });
  }
  return {
    // Athena always answers UpdateCount: rows written by INSERT/CTAS/UPDATE, 0 for a SELECT.
    UpdateCount:
      execution.statementType === 'DML' && execution.substatementType !== 'SELECT' ? result.rowCount : 0,
    ResultSet: { Rows: rows, ResultSetMetadata: { ColumnInfo: columnInfo(result.columns) } },
    ...(end < total ? { NextToken: pageToken(deps.runtime.secretKey, execution.id, end) } : {}),
  };
}
