/**
 * `GetStatementResult` and `GetStatementResultV2`: pages of a finished statement's result set.
 * `NextToken` is opaque to callers: it names the statement and the next row, sealed with an HMAC so a
 * token cannot be forged or moved to another statement.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { validation } from './data-input.js';
import { toColumnMetadata, toCsv, toRecords } from './results.js';
import type { RunnerResult } from './sql-runner.js';
import { type Statement, statusAt } from './statements.js';

/** Row offset encoded in a page token for `statementId`. */
export function pageToken(secret: Buffer, statementId: string, offset: number): string {
  const body = Buffer.from(JSON.stringify([statementId, offset])).toString('base64url');
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}

/** The offset of a page token, or a ValidationException for a token that is not for `statementId`. */
export function readPageToken(secret: Buffer, statementId: string, token: unknown): number {
  if (token === undefined || token === null) return 0;
  const invalid = validation(
    'NextToken is invalid for this statement: pass the NextToken of the previous page',
  );
  if (typeof token !== 'string' || token.length > 512) throw invalid;
  const dot = token.indexOf('.');
  if (dot < 0) throw invalid;
  const body = token.slice(0, dot);
  const mac = Buffer.from(token.slice(dot + 1), 'base64url');
  const expected = createHmac('sha256', secret).update(body).digest();
  if (mac.length !== expected.length || !timingSafeEqual(mac, expected)) throw invalid;
  try {
    const [id, offset] = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as [unknown, unknown];
    if (id !== statementId || typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0)
      throw invalid;
    return offset;
  } catch {
    throw invalid;
  }
}

/** The result set of `statement` (or of its sub-statement `subIndex`), or the ValidationException the service gives. */
export function resultOf(statement: Statement, now: number, subIndex: number | undefined): RunnerResult {
  if (statement.isBatch && subIndex === undefined) {
    throw validation(
      `Statement ${statement.id} is a batch: get the result of a sub-statement with its id ${statement.id}:N`,
    );
  }
  const status = statusAt(statement, now);
  const sub = statement.subStatements[subIndex ?? 0];
  if (status !== 'FINISHED' || !sub?.result) {
    throw validation(
      status === 'FINISHED' || status === 'FAILED' || status === 'ABORTED'
        ? 'Query does not have result. Please check query status with DescribeStatement.'
        : `Query has not finished (status ${status}): wait until DescribeStatement reports FINISHED`,
    );
  }
  if (!sub.result.hasResultSet) {
    throw validation('Query does not have result. Please check query status with DescribeStatement.');
  }
  return sub.result;
}

/**
 * One result page of rows `offset` up to `pageSize` later: `JSON` records for `GetStatementResult`, one
 * `CSV` text for `GetStatementResultV2`.
 */
export function resultPage(
  secret: Buffer,
  id: string,
  result: RunnerResult,
  offset: number,
  pageSize: number,
  format: 'JSON' | 'CSV',
): Record<string, unknown> {
  const end = Math.min(result.rows.length, offset + pageSize);
  return {
    Records: format === 'CSV' ? [{ CSVRecords: toCsv(result, offset, end) }] : toRecords(result, offset, end),
    ColumnMetadata: result.columns.map(toColumnMetadata),
    TotalNumRows: result.rows.length,
    ...(format === 'CSV' ? { ResultFormat: 'CSV' } : {}),
    ...(end < result.rows.length ? { NextToken: pageToken(secret, id, end) } : {}),
  };
}
