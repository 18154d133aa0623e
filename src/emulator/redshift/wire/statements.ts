/**
 * Statements of a SQL-endpoint session: what runs on the shared SQL engine as the session's role, and
 * what the endpoint answers itself.
 *
 * - Every statement runs in its own transaction on the engine (PGlite has one connection, shared by every
 *   session and the Data API, so no session may hold it open between messages). `BEGIN`, `COMMIT`,
 *   `ROLLBACK` and their synonyms are acknowledged so drivers that wrap statements in transactions work;
 *   a `ROLLBACK` comes with a notice that it undid nothing.
 * - `SET`/`RESET` of client settings drivers send (`application_name`, `datestyle`,
 *   `extra_float_digits`, …) are acknowledged and ignored; any other `SET` is refused, because a role or
 *   search path change must never reach the engine.
 * - Propagated users get the Data API's statement rules (no GRANT, REVOKE, MERGE…); the administrator gets
 *   the engine's. Qualified Redshift schema names are rewritten to the database's internal schemas.
 */
import { leadingWords } from '../../sql/guard.js';
import { SqlError } from '../../sql/index.js';
import { skipNonCode } from '../../sql/scan.js';
import { queryType, type HistoryEntry } from '../query-history.js';
import { rewriteSchemas } from '../schema-rewrite.js';
import type { SessionSqlRunner } from '../sql-runner.js';
import { refusal } from '../statement-guard.js';
import type { FieldDescription } from './backend.js';

/** Who a session is and where its statements run. */
export interface StatementScope {
  readonly runner: SessionSqlRunner;
  /** The database role, e.g. `AWSIDC:alice`, or the administrator's name. */
  readonly role: string;
  readonly isAdministrator: boolean;
  /** Target key, `workgroup/<name>` or `cluster/<name>`, for the query history. */
  readonly target: string;
  readonly database: string;
  readonly searchPath: readonly string[];
  /** Redshift schema name -> internal schema. */
  readonly schemas: ReadonlyMap<string, string>;
  /** Current time, epoch ms (the emulator clock). */
  now(): number;
  /** Next query id for the history. */
  nextQueryId(): number;
}

/** What a statement produced. */
export interface StatementOutcome {
  /** Result columns; undefined for a statement without a result set. */
  readonly fields?: readonly FieldDescription[];
  readonly rows: readonly (readonly (string | null)[])[];
  /** Command tag, e.g. `SELECT 2`. */
  readonly tag: string;
  /** A notice to send before the tag. */
  readonly notice?: string;
  /** How the session's transaction status changes. */
  readonly transaction?: 'begin' | 'end';
}

/** Settings a client may SET; the endpoint acknowledges and ignores them. */
const IGNORED_SETTINGS = new Set([
  'application_name',
  'client_encoding',
  'datestyle',
  'extra_float_digits',
  'intervalstyle',
  'statement_timeout',
  'timezone',
  'time',
  'query_group',
  'enable_result_cache_for_session',
  'analyze_threshold_percent',
]);

const TRANSACTION: Readonly<Record<string, { tag: string; transaction: 'begin' | 'end' }>> = {
  begin: { tag: 'BEGIN', transaction: 'begin' },
  start: { tag: 'BEGIN', transaction: 'begin' },
  commit: { tag: 'COMMIT', transaction: 'end' },
  end: { tag: 'COMMIT', transaction: 'end' },
  rollback: { tag: 'ROLLBACK', transaction: 'end' },
  abort: { tag: 'ROLLBACK', transaction: 'end' },
};

/** `pg_type.typlen` of common types (RowDescription's type size); -1 (variable) otherwise. */
const TYPE_SIZES: Readonly<Record<number, number>> = {
  16: 1,
  18: 1,
  20: 8,
  21: 2,
  23: 4,
  26: 4,
  700: 4,
  701: 8,
  1082: 4,
  1083: 8,
  1114: 8,
  1184: 8,
};

/** Splits simple-query text at top-level semicolons (outside literals, identifiers and comments). */
export function splitStatements(sql: string): string[] {
  const out: string[] = [];
  let start = 0;
  let pos = 0;
  while (pos < sql.length) {
    const skipped = skipNonCode(sql, pos);
    if (skipped !== undefined) {
      pos = skipped;
    } else if (sql[pos] === ';') {
      out.push(sql.slice(start, pos));
      start = ++pos;
    } else pos++;
  }
  out.push(sql.slice(start));
  return out.filter((s) => leadingWords(s, 1).length > 0);
}

/** What the endpoint answers itself, or undefined when the statement goes to the engine. */
export function localOutcome(sql: string): StatementOutcome | undefined {
  const [first, second] = leadingWords(sql, 2);
  if (first === undefined) return undefined;
  const tx = TRANSACTION[first];
  if (tx && (first !== 'start' || second === 'transaction')) {
    return {
      rows: [],
      tag: tx.tag,
      transaction: tx.transaction,
      ...(tx.tag === 'ROLLBACK'
        ? { notice: "The emulator's SQL endpoint commits each statement on its own: ROLLBACK undid nothing." }
        : {}),
    };
  }
  if (first === 'set' || first === 'reset') {
    const name = second === 'session' || second === 'local' ? leadingWords(sql, 3)[2] : second;
    if (name !== undefined && IGNORED_SETTINGS.has(name)) return { rows: [], tag: first.toUpperCase() };
    throw new SqlError(
      '42501',
      `${first.toUpperCase()} ${String(name ?? '').slice(0, 64)} is not supported by the emulator's SQL endpoint.`,
    );
  }
  return undefined;
}

function engineSql(scope: StatementScope, sql: string): string {
  if (!scope.isAdministrator) {
    const refused = refusal(sql);
    if (refused) throw new SqlError('42501', `${refused} for IAM Identity Center users.`);
  }
  return rewriteSchemas(sql, scope.schemas);
}

function fieldsOf(
  columns: readonly {
    name: string;
    typeOid: number;
    typmod: number;
    tableOid?: number;
    columnNumber?: number;
  }[],
): FieldDescription[] {
  return columns.map((c) => ({
    name: c.name,
    tableOid: c.tableOid ?? 0,
    columnNumber: c.columnNumber ?? 0,
    typeOid: c.typeOid,
    typeSize: TYPE_SIZES[c.typeOid] ?? -1,
    typmod: c.typmod,
  }));
}

function commandTag(command: string, rowCount: number, tag: string | undefined): string {
  if (tag) return tag;
  if (command === 'INSERT') return `INSERT 0 ${rowCount}`;
  return ['SELECT', 'UPDATE', 'DELETE', 'MERGE'].includes(command) ? `${command} ${rowCount}` : command;
}

function record(scope: StatementScope, sql: string, startTime: number, outcome: Partial<HistoryEntry>): void {
  const entry: HistoryEntry = {
    queryId: scope.nextQueryId(),
    userName: scope.role,
    target: scope.target,
    database: scope.database,
    queryType: queryType(sql),
    status: 'success',
    startTime,
    endTime: scope.now(),
    returnedRows: 0,
    queryText: sql,
    ...outcome,
  };
  // Queued on the engine before the next statement, so a later read of the history sees it.
  void scope.runner.recordHistory?.([entry])?.catch(() => undefined);
}

/**
 * Runs one statement as the session's role.
 *
 * @throws SqlError with the SQLSTATE (42501 refused or permission denied, 42601 syntax…).
 */
export async function runStatement(
  scope: StatementScope,
  sql: string,
  params: readonly (string | null)[],
  parameterTypes: readonly number[],
): Promise<StatementOutcome> {
  const local = localOutcome(sql);
  if (local) return local;
  const startTime = scope.now();
  try {
    const result = await scope.runner.runStatement(scope.role, scope.searchPath, {
      sql: engineSql(scope, sql),
      params,
      parameterTypes,
    });
    record(scope, sql, startTime, { returnedRows: result.columns.length > 0 ? result.rowCount : 0 });
    return {
      ...(result.columns.length > 0 ? { fields: fieldsOf(result.columns) } : {}),
      rows: result.textRows,
      tag: commandTag(result.command, result.rowCount, result.tag),
    };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    record(scope, sql, startTime, { status: 'failed', errorMessage: `ERROR: ${message}` });
    throw error;
  }
}

/**
 * Describes one statement without running it: parameter types and result columns (undefined = none).
 *
 * @throws SqlError as {@link runStatement} would.
 */
export async function describeStatement(
  scope: StatementScope,
  sql: string,
  parameterTypes: readonly number[],
): Promise<{ parameterTypes: readonly number[]; fields?: readonly FieldDescription[] }> {
  if (localOutcome(sql)) return { parameterTypes: [] };
  const described = await scope.runner.describeStatement(scope.role, scope.searchPath, {
    sql: engineSql(scope, sql),
    parameterTypes,
  });
  return {
    parameterTypes: described.parameterTypes,
    ...(described.columns.length > 0 ? { fields: fieldsOf(described.columns) } : {}),
  };
}
