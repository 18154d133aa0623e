/**
 * `SYS_QUERY_HISTORY`: every Data API statement that reached the database, with the database user that ran
 * it, so `AWSIDC:alice` shows in query history as on Redshift. The rows live in an administrator-only
 * table; each database's `public` schema has a `sys_query_history` view that shows a user their own
 * queries in that database, with Redshift's column names (`user_id` joins `pg_user.usesysid`).
 */
import { quoteIdent, quoteLiteral } from '../sql/ident.js';

/** Internal schema of the history table; no user has any privilege on it. */
export const HISTORY_SCHEMA = 'rs_catalog';
const TABLE = `${quoteIdent(HISTORY_SCHEMA)}.query_history`;

/** Statements creating the history table (run once by the administrator). */
export const HISTORY_TABLE_SQL: readonly string[] = [
  `CREATE SCHEMA ${quoteIdent(HISTORY_SCHEMA)}`,
  `CREATE TABLE ${TABLE} (query_id bigint, user_name text, target text, database_name text, query_type text, ` +
    'status text, start_time timestamp, end_time timestamp, elapsed_time bigint, returned_rows bigint, ' +
    'query_text text, error_message text)',
];

/** The `sys_query_history` view of one database, created in its `public` internal schema. */
export function historyViewSql(publicSchema: string, target: string, database: string): string[] {
  const view = `${quoteIdent(publicSchema)}.sys_query_history`;
  return [
    `CREATE VIEW ${view} AS SELECT (SELECT oid::int FROM pg_catalog.pg_roles WHERE rolname = h.user_name) AS user_id, ` +
      'h.query_id, h.database_name, h.query_type, h.status, h.start_time, h.end_time, h.elapsed_time, ' +
      `h.returned_rows, h.query_text, h.error_message FROM ${TABLE} h WHERE h.target = ${quoteLiteral(target)} ` +
      `AND h.database_name = ${quoteLiteral(database)} AND h.user_name = current_user`,
    `GRANT SELECT ON ${view} TO PUBLIC`,
  ];
}

/** One history row. */
export interface HistoryEntry {
  readonly queryId: number;
  readonly userName: string;
  /** Target key, `workgroup/<name>` or `cluster/<name>`. */
  readonly target: string;
  readonly database: string;
  /** `SELECT`, `INSERT`, `DDL`, … */
  readonly queryType: string;
  /** `success`, `failed` or `canceled`, as Redshift spells them. */
  readonly status: 'success' | 'failed' | 'canceled';
  /** Epoch ms. */
  readonly startTime: number;
  /** Epoch ms. */
  readonly endTime: number;
  readonly returnedRows: number;
  readonly queryText: string;
  readonly errorMessage?: string;
}

/** Longest query text kept, characters (Redshift keeps 4000). */
const MAX_TEXT = 4000;

/** The INSERT of `entries` (values quoted; the text is cut to 4000 characters). */
export function historyInsertSql(entries: readonly HistoryEntry[]): string {
  const stamp = (ms: number) => quoteLiteral(new Date(ms).toISOString().replace('T', ' ').replace('Z', ''));
  const rows = entries.map(
    (e) =>
      `(${e.queryId}, ${quoteLiteral(e.userName)}, ${quoteLiteral(e.target)}, ${quoteLiteral(e.database)}, ` +
      `${quoteLiteral(e.queryType)}, ${quoteLiteral(e.status)}, ${stamp(e.startTime)}, ${stamp(e.endTime)}, ` +
      `${Math.max(0, Math.round((e.endTime - e.startTime) * 1000))}, ${Math.max(0, e.returnedRows)}, ` +
      `${quoteLiteral(e.queryText.replaceAll('\0', '').slice(0, MAX_TEXT))}, ` +
      `${e.errorMessage === undefined ? 'NULL' : quoteLiteral(e.errorMessage.replaceAll('\0', '').slice(0, MAX_TEXT))})`,
  );
  return `INSERT INTO ${TABLE} VALUES ${rows.join(', ')}`;
}

const DDL = new Set(['create', 'drop', 'alter', 'truncate', 'comment']);

/** Redshift's `query_type` of a statement from its first keyword. */
export function queryType(sql: string): string {
  const first =
    /^[\s(]*([A-Za-z]+)/.exec(sql.replace(/--[^\n]*|\/\*[\s\S]*?\*\//g, ' '))?.[1]?.toLowerCase() ?? '';
  if (first === 'with' || first === 'values' || first === 'table' || first === 'select') return 'SELECT';
  if (DDL.has(first)) return 'DDL';
  if (['insert', 'update', 'delete', 'merge'].includes(first)) return first.toUpperCase();
  return 'UTILITY';
}
