/**
 * How statements look on the wire: `DescribeStatement`, `ListStatements` entries and sub-statements.
 * Timestamps are epoch seconds (numbers), the only form the SDK's awsJson1_1 deserializer accepts.
 */
import { resultSize } from './results.js';
import {
  type Statement,
  type StatementStatus,
  type SubStatement,
  startedAt,
  statusAt,
  updatedAt,
} from './statements.js';

/** Epoch ms to the Data API's epoch seconds. */
export function epochSeconds(ms: number): number {
  return ms / 1000;
}

function targetMembers(statement: Statement): Record<string, string> {
  return statement.target.kind === 'workgroup'
    ? { WorkgroupName: statement.target.name }
    : { ClusterIdentifier: statement.target.name };
}

function rowsOf(sub: SubStatement): number {
  return sub.result ? sub.result.rowCount : -1;
}

function durationNs(statement: Statement): number {
  if (statement.endedAt === undefined || statement.aborted) return -1;
  return Math.max(0, statement.endedAt - startedAt(statement)) * 1_000_000;
}

/** Status of one sub-statement of a batch at `now`. */
function subStatus(statement: Statement, sub: SubStatement, now: number): StatementStatus {
  if (statement.aborted) return 'ABORTED';
  return sub.status ?? statusAt(statement, now);
}

/** The `SubStatementData` of sub-statement `index` (0-based). */
export function subStatementData(statement: Statement, index: number, now: number): Record<string, unknown> {
  const sub = statement.subStatements[index] as SubStatement;
  const status = subStatus(statement, sub, now);
  const done = status === 'FINISHED';
  return {
    Id: `${statement.id}:${index + 1}`,
    Status: status,
    QueryString: sub.queryString,
    CreatedAt: epochSeconds(statement.createdAt),
    UpdatedAt: epochSeconds(updatedAt(statement, now)),
    Duration: done ? durationNs(statement) : -1,
    HasResultSet: done && sub.result ? sub.result.hasResultSet : false,
    ResultRows: done ? rowsOf(sub) : -1,
    ResultSize: done && sub.result ? resultSize(sub.result) : -1,
    RedshiftQueryId: sub.queryId,
    ...(sub.error === undefined ? {} : { Error: sub.error }),
  };
}

/** The `DescribeStatement` output of a statement, or of its sub-statement `subIndex` (0-based). */
export function describeOutput(
  statement: Statement,
  now: number,
  subIndex?: number,
): Record<string, unknown> {
  const status = statusAt(statement, now);
  const common = {
    Id: statement.id,
    ...targetMembers(statement),
    Database: statement.database,
    DbUser: statement.dbUser,
    CreatedAt: epochSeconds(statement.createdAt),
    UpdatedAt: epochSeconds(updatedAt(statement, now)),
    RedshiftPid: statement.redshiftPid,
    ResultFormat: statement.resultFormat,
    ...(statement.parameters.length === 0
      ? {}
      : { QueryParameters: statement.parameters.map((p) => ({ ...p })) }),
  };
  if (subIndex !== undefined) {
    const sub = subStatementData(statement, subIndex, now);
    return { ...common, ...sub, Id: sub.Id };
  }
  if (statement.isBatch) {
    const subs = statement.subStatements.map((_s, k) => subStatementData(statement, k, now));
    const finished = status === 'FINISHED';
    return {
      ...common,
      Status: status,
      Duration: finished || status === 'FAILED' ? durationNs(statement) : -1,
      HasResultSet: subs.some((s) => s.HasResultSet === true),
      ResultRows: finished ? subs.reduce((n, s) => n + Math.max(0, s.ResultRows as number), 0) : -1,
      ResultSize: finished ? subs.reduce((n, s) => n + Math.max(0, s.ResultSize as number), 0) : -1,
      SubStatements: subs,
      ...(statement.error === undefined ? {} : { Error: statement.error }),
    };
  }
  const sub = statement.subStatements[0] as SubStatement;
  const finished = status === 'FINISHED';
  return {
    ...common,
    Status: status,
    QueryString: sub.queryString,
    Duration: finished || status === 'FAILED' ? durationNs(statement) : -1,
    HasResultSet: finished && sub.result ? sub.result.hasResultSet : false,
    ResultRows: finished ? rowsOf(sub) : -1,
    ResultSize: finished && sub.result ? resultSize(sub.result) : -1,
    RedshiftQueryId: sub.queryId,
    ...(statement.error === undefined ? {} : { Error: statement.error }),
  };
}

/** A `ListStatements` entry. */
export function statementData(statement: Statement, now: number): Record<string, unknown> {
  return {
    Id: statement.id,
    Status: statusAt(statement, now),
    CreatedAt: epochSeconds(statement.createdAt),
    UpdatedAt: epochSeconds(updatedAt(statement, now)),
    IsBatchStatement: statement.isBatch,
    ResultFormat: statement.resultFormat,
    ...(statement.isBatch
      ? { QueryStrings: statement.subStatements.map((s) => s.queryString) }
      : { QueryString: statement.subStatements[0]?.queryString }),
    ...(statement.statementName === undefined ? {} : { StatementName: statement.statementName }),
    ...(statement.parameters.length === 0
      ? {}
      : { QueryParameters: statement.parameters.map((p) => ({ ...p })) }),
  };
}
