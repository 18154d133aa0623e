/**
 * What the Data API needs from a SQL engine: run statements as a database role inside one schema, in one
 * transaction, and report columns, rows and Postgres errors. `database.ts` adapts the emulator's shared
 * engine to it; tests may supply another implementation.
 */

import type { SqlResult, StatementDescription } from '../sql/index.js';
import type { HistoryEntry } from './query-history.js';

/** A result column. */
export interface RunnerColumn {
  readonly name: string;
  /** Postgres type name as `pg_type.typname`, e.g. `int4`, `varchar`, `numeric`, `name`, `bool`. */
  readonly typeName: string;
  /** Type modifier, `-1` when none (varchar length + 4; numeric `(precision << 16 | scale) + 4`). */
  readonly typmod: number;
  /** Source table, when the column is a plain table column. */
  readonly tableName?: string;
  /** Schema of the source table as the user sees it (the emulator's internal schema shows as `public`). */
  readonly schemaName?: string;
}

/** The outcome of one statement. */
export interface RunnerResult {
  /** Empty for statements without a result set (DDL, DML without RETURNING). */
  readonly columns: readonly RunnerColumn[];
  /** Rows of JavaScript values: `null`, boolean, number, bigint, string, Uint8Array, or JSON-like values. */
  readonly rows: readonly (readonly unknown[])[];
  /** Whether the statement produced a result set (a SELECT with zero rows does). */
  readonly hasResultSet: boolean;
  /** Rows affected (DML) or returned. */
  readonly rowCount: number;
}

/** One statement and its positional parameters (`$1`…, text values Postgres converts implicitly). */
export interface RunnerStatement {
  readonly sql: string;
  readonly params: readonly string[];
}

/** A statement of a run failed; the run's transaction was rolled back. */
export class RunnerFailure extends Error {
  /** Index of the statement that failed in the run. */
  readonly index: number;
  /** Postgres SQLSTATE, e.g. `42501`. */
  readonly sqlState: string;

  constructor(index: number, sqlState: string, message: string) {
    super(message);
    this.name = 'RunnerFailure';
    this.index = index;
    this.sqlState = sqlState;
  }
}

/** Runs statements as a role. Implementations serialize runs; each run is one transaction. */
export interface SqlRunner {
  /**
   * Runs `statements` in order, in one transaction, as database role `role`, with `searchPath` (internal
   * schema names) as the search path. Resolves with one result per statement, or rejects with
   * {@link RunnerFailure} (rolled back) when one fails.
   */
  run(
    role: string,
    searchPath: readonly string[],
    statements: readonly RunnerStatement[],
  ): Promise<RunnerResult[]>;
  /**
   * Makes sure database role `role` exists (created without privileges when it does not), for database
   * users that appear at run time (`DbUser`, `IAMR:<role>`).
   */
  ensureRole(role: string): Promise<void>;
  /** Appends rows to the query history (`sys_query_history`), as the administrator. Optional. */
  recordHistory?(entries: readonly HistoryEntry[]): Promise<void>;
}

/** One statement of a SQL-endpoint session, with its parameters in text form. */
export interface SessionStatement {
  readonly sql: string;
  readonly params: readonly (string | null)[];
  /** Parameter type OIDs from the client's Parse message (`0` = inferred). */
  readonly parameterTypes: readonly number[];
}

/**
 * What the SQL endpoint needs of a runner besides {@link SqlRunner}: Postgres's own column descriptions
 * and text rows, statements described without running, and the administrator's role.
 */
export interface SessionSqlRunner extends SqlRunner {
  /** Runs one statement as `role` in its own transaction. @throws SqlError */
  runStatement(role: string, searchPath: readonly string[], statement: SessionStatement): Promise<SqlResult>;
  /** Describes one statement as `role` without running it. @throws SqlError */
  describeStatement(
    role: string,
    searchPath: readonly string[],
    statement: Omit<SessionStatement, 'params'>,
  ): Promise<StatementDescription>;
  /**
   * Makes `role` the administrator of `schemas`: it may log in, bypasses row-level security, may create
   * tables there and holds every privilege (with grant option) on the tables already there.
   */
  ensureAdministrator(role: string, schemas: readonly string[]): Promise<void>;
}

/** Whether `runner` can serve SQL-endpoint sessions. */
export function isSessionRunner(runner: SqlRunner): runner is SessionSqlRunner {
  const r = runner as Partial<SessionSqlRunner>;
  return (
    typeof r.runStatement === 'function' &&
    typeof r.describeStatement === 'function' &&
    typeof r.ensureAdministrator === 'function'
  );
}
