import type { BootSource } from './boot.js';

/** Options of `createSqlEngine`. */
export interface SqlEngineOptions {
  /**
   * Data-dir snapshot file shared between processes, or `false` for none (memory only).
   * Default `os.tmpdir()/tip-sdk-pglite-<pglite version>-<format>.tar.gz`.
   */
  readonly snapshotPath?: string | false;
  /** Clock for query history timestamps, epoch milliseconds. Default `Date.now`. */
  readonly now?: () => number;
  /** Most rows a `runAs` statement may return; more fail with `54000`. Default 100 000. */
  readonly maxResultRows?: number;
  /**
   * Take a database an earlier engine of this process gave back, and give this one's back at `close()`:
   * reset (every schema, relation in `public` and role the engine made is dropped) and kept only when
   * its catalog matches a fresh boot's again, at most 2 for 60 s. Saves about 0.2 s of CPU per engine.
   * Default: whether `reuseClosedSqlDatabases()` turned it on for the process (off unless it did).
   */
  readonly reuseDatabases?: boolean;
}

/** A column of a table to create: name and Athena/Presto/Redshift type text (`decimal(10,2)`, `array<varchar>`). */
export interface SqlColumnSpec {
  readonly name: string;
  readonly type: string;
}

/** A table to create: unqualified name, columns, and rows (cells in column order; `null` for NULL). */
export interface SqlTableSpec {
  readonly name: string;
  readonly columns: readonly SqlColumnSpec[];
  /**
   * Rows to insert. Default none. Cells of array columns may be arrays, JSON array text (`["a","b"]`) or
   * Postgres array literals (`{a,b}`); cells of map, row and json columns may be values or JSON text.
   */
  readonly rows?: readonly (readonly unknown[])[];
}

/** Table privileges the engine grants and revokes. */
export type SqlPrivilege = 'SELECT' | 'INSERT' | 'UPDATE' | 'DELETE' | 'TRUNCATE' | 'REFERENCES' | 'TRIGGER';

/** A grant on one table to one role. */
export interface SqlGrant {
  readonly schema: string;
  readonly table: string;
  /** Role name, exact case (e.g. `AWSIDC:alice@example.com`). */
  readonly role: string;
  /** Privileges. Default `['SELECT']`. */
  readonly privileges?: readonly SqlPrivilege[];
  /** Restrict the privileges to these columns. Default: the whole table. */
  readonly columns?: readonly string[];
}

/** A revocation; without `privileges` every privilege and the role's row filter are removed. */
export interface SqlRevoke {
  readonly schema: string;
  readonly table: string;
  readonly role: string;
  /** Privileges to revoke. Default: all, and the role's row policy is dropped. */
  readonly privileges?: readonly SqlPrivilege[];
}

/** A result column. */
export interface SqlColumn {
  readonly name: string;
  /** Postgres type as `format_type` prints it, e.g. `integer`, `numeric(10,2)`, `character varying(20)`, `text[]`. */
  readonly pgType: string;
  /** Postgres type OID. */
  readonly typeOid: number;
  /** Postgres type modifier, `-1` when none. */
  readonly typmod: number;
  /**
   * The declared type (canonical Athena spelling, e.g. `map<varchar,integer>`, `tinyint`) when the column
   * is a plain column of a table made by `createTable`; undefined for expressions.
   */
  readonly declaredType?: string;
}

/** The result of one statement. */
export interface SqlResult {
  readonly columns: readonly SqlColumn[];
  /**
   * Decoded rows: `boolean`, `number` (int2/int4/float), `bigint` (int8), parsed JSON (json/jsonb), arrays
   * of decoded elements, and strings in Postgres text form for everything else (numeric, date,
   * timestamp `2024-01-02 03:04:05.123`, text). NULL is `null`.
   */
  readonly rows: readonly unknown[][];
  /** The same rows in Postgres text format, as the server sent them. */
  readonly textRows: readonly (string | null)[][];
  /** Rows returned (SELECT) or affected (INSERT/UPDATE/DELETE). */
  readonly rowCount: number;
  /** Command of the tag, e.g. `SELECT`, `INSERT`, `CREATE TABLE`. */
  readonly command: string;
  /** The whole command tag as Postgres sent it, e.g. `INSERT 0 1`, `DROP TABLE`. */
  readonly tag?: string;
}

/** Options of `runAs`. */
export interface RunOptions {
  /** Schemas for unqualified names, in order (`SET LOCAL search_path`). Default: Postgres's default. */
  readonly searchPath?: readonly string[];
  /**
   * Positional parameters for `$1`, `$2`… Sent as text: strings as is, numbers/bigints/booleans via
   * `String`, `Date` as ISO 8601, arrays/objects as JSON, `null`/`undefined` as NULL.
   */
  readonly params?: readonly unknown[];
  /** Cancels the run: before it starts, or at the end (rolled back, `57014`); a running statement is not interrupted. */
  readonly signal?: AbortSignal;
  /** Most rows the statement may return (more fail with `54000`). Default: the engine's `maxResultRows`. */
  readonly maxRows?: number;
  /** Id recorded in the query history (e.g. an Athena QueryExecutionId). Default: a random UUID. */
  readonly queryId?: string;
  /**
   * Type OIDs of the parameters, as a Postgres client's Parse message names them (`0` = let Postgres
   * infer). Default: all inferred.
   */
  readonly parameterTypes?: readonly number[];
  /**
   * Lake Formation column semantics: a table the role may read only some columns of shows just those
   * (`SELECT *` returns them, any other column does not exist, 42703). Default false (Postgres's own
   * column privileges: `SELECT *` fails with 42501).
   */
  readonly columnScoped?: boolean;
}

/** What Postgres says of a statement it has parsed but not run. */
export interface StatementDescription {
  /** Type OIDs of `$1`, `$2`… as Postgres resolved them. */
  readonly parameterTypes: readonly number[];
  /** The result columns; empty for a statement without a result set. */
  readonly columns: readonly {
    readonly name: string;
    readonly typeOid: number;
    readonly typmod: number;
    readonly tableOid: number;
    readonly columnNumber: number;
  }[];
}

/** One entry of the query history. */
export interface QueryHistoryEntry {
  readonly queryId: string;
  /** The role the statement ran as (e.g. `AWSIDC:alice@example.com`). */
  readonly role: string;
  readonly sql: string;
  /** Epoch milliseconds. */
  readonly startedAt: number;
  /** Epoch milliseconds. */
  readonly endedAt: number;
  readonly status: 'success' | 'failed' | 'cancelled';
  readonly rowCount: number;
  readonly error?: { readonly code: string; readonly message: string };
}

/** How the engine's database was booted. */
export interface SqlEngineBoot {
  readonly source: BootSource;
  /** Milliseconds. */
  readonly bootMs: number;
}

/**
 * A Postgres (PGlite) database where statements run as a given role with Postgres's own privileges and
 * row-level security. All operations are serialized: PGlite has one connection.
 */
export interface SqlEngine {
  readonly boot: SqlEngineBoot;
  /** Creates a schema (name folded to lower case) if it does not exist. */
  createSchema(name: string): Promise<void>;
  /**
   * Creates a table in `schema` (names folded to lower case), inserts its rows, and enables and forces
   * row-level security on it; roles see rows only through grants made with {@link SqlEngine.grant}.
   * @throws SqlError `42704` for an unknown column type, `22P02` for a value that does not fit.
   */
  createTable(schema: string, table: SqlTableSpec): Promise<void>;
  /** Creates a login-less, non-superuser role if it does not exist. Names keep their case. */
  ensureRole(name: string): Promise<void>;
  /** Makes `member` a member of `group` (it inherits the group's grants and row filters). */
  grantRoleTo(group: string, member: string): Promise<void>;
  /** Grants privileges (and schema usage); the role sees all rows unless a row filter is set for it. */
  grant(grant: SqlGrant): Promise<void>;
  /** Shorthand for `grant({ schema, table, role, privileges: ['SELECT'], columns })`. */
  grantSelect(schema: string, table: string, role: string, columns?: readonly string[]): Promise<void>;
  /** Revokes privileges; without `privileges` also drops the role's row policy. */
  revoke(revoke: SqlRevoke): Promise<void>;
  /**
   * Restricts the rows `role` (and its members) sees in the table to `expression` (a SQL boolean
   * expression over the table's columns); `undefined` lifts the restriction. Policies of several roles
   * are OR-ed, as Lake Formation unions the grants of a user and their groups.
   */
  setRowFilter(schema: string, table: string, role: string, expression: string | undefined): Promise<void>;
  /**
   * Runs one user statement as `role` in its own transaction (`SET LOCAL ROLE`). Refuses several statements,
   * `SET`/`RESET`, `DO`, transaction control and function creation. Records the run in the history.
   * @throws SqlError with the SQLSTATE (42501 permission denied, 42P01 undefined table, 42601 syntax…).
   */
  runAs(role: string, sql: string, options?: RunOptions): Promise<SqlResult>;
  /**
   * Runs several user statements as `role` in ONE transaction, atomically and without any other operation
   * in between (same checks as {@link SqlEngine.runAs}; `params` per statement; `options.params` is ignored).
   * The first failure rolls back all of them and throws a SqlError whose `statementIndex` names it.
   * History entries get ids `<queryId>#1`, `#2`…
   */
  runBatchAs(
    role: string,
    statements: readonly { readonly sql: string; readonly params?: readonly unknown[] }[],
    options?: RunOptions,
  ): Promise<SqlResult[]>;
  /**
   * Parses one user statement as `role` (same checks as {@link SqlEngine.runAs}) and describes its
   * parameters and result columns without running it; the transaction is rolled back.
   * @throws SqlError as `runAs` would for the same text.
   */
  describeAs(
    role: string,
    sql: string,
    options?: Pick<RunOptions, 'searchPath' | 'parameterTypes'>,
  ): Promise<StatementDescription>;
  /**
   * Runs trusted SQL as the superuser (tests, configuration loading). Without `params` the text may hold
   * several statements (the last one's rows are returned); with `params` it must be one statement.
   */
  admin(sql: string, params?: readonly unknown[]): Promise<SqlResult>;
  /** The query history, oldest first; also readable by the superuser as table `tip_sys.query_history`. */
  history(filter?: { readonly role?: string; readonly queryId?: string }): Promise<QueryHistoryEntry[]>;
  /** Closes the database. Later calls fail with `08003`. */
  close(): Promise<void>;
}
