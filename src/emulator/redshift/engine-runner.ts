/**
 * The {@link SqlRunner} over the emulator's SQL engine (`../sql`): the configured layout applied with the
 * engine's roles, grants and row filters; single statements through `runAs`; batches in one transaction.
 *
 * A batch runs through the engine's `runBatchAs`: one transaction under the role that holds the engine's
 * queue until it commits or rolls back, so no concurrent run can end it early.
 */
import {
  createSqlEngine,
  isSqlError,
  quoteIdent,
  type SqlEngine,
  type SqlResult,
  type StatementDescription,
} from '../sql/index.js';
import type { RedshiftLayout } from './database-setup.js';
import { HISTORY_TABLE_SQL, type HistoryEntry, historyInsertSql, historyViewSql } from './query-history.js';
import { COMPAT_SCHEMA } from './targets.js';
import { refusal } from './statement-guard.js';
import {
  RunnerFailure,
  type RunnerColumn,
  type RunnerResult,
  type RunnerStatement,
  type SessionSqlRunner,
  type SessionStatement,
} from './sql-runner.js';

/**
 * Redshift functions Postgres lacks, in schema {@link COMPAT_SCHEMA} at the end of every search path:
 * `GETDATE()` (current timestamp, whole seconds), `NVL(a, b)`, `LEN(text)`.
 */
const COMPAT_SQL = [
  `CREATE SCHEMA ${COMPAT_SCHEMA}`,
  `GRANT USAGE ON SCHEMA ${COMPAT_SCHEMA} TO PUBLIC`,
  `CREATE FUNCTION ${COMPAT_SCHEMA}.getdate() RETURNS timestamp LANGUAGE sql STABLE AS $f$ SELECT date_trunc('second', localtimestamp)::timestamp $f$`,
  `CREATE FUNCTION ${COMPAT_SCHEMA}.nvl(anyelement, anyelement) RETURNS anyelement LANGUAGE sql IMMUTABLE AS $f$ SELECT coalesce($1, $2) $f$`,
  `CREATE FUNCTION ${COMPAT_SCHEMA}.len(text) RETURNS integer LANGUAGE sql IMMUTABLE AS $f$ SELECT length($1) $f$`,
];

/** Every table privilege, for a grant of `ALL`. */
const ALL_PRIVILEGES = ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER'] as const;
type Privilege = (typeof ALL_PRIVILEGES)[number];

/** Short Postgres type names (`pg_type.typname`) of the OIDs results commonly carry. */
const TYPE_NAMES: Readonly<Record<number, string>> = {
  16: 'bool',
  17: 'bytea',
  18: 'char',
  19: 'name',
  20: 'int8',
  21: 'int2',
  23: 'int4',
  25: 'text',
  26: 'oid',
  114: 'json',
  700: 'float4',
  701: 'float8',
  1042: 'bpchar',
  1043: 'varchar',
  1082: 'date',
  1083: 'time',
  1114: 'timestamp',
  1184: 'timestamptz',
  1186: 'interval',
  1700: 'numeric',
  3802: 'jsonb',
};

function failure(index: number, error: unknown): RunnerFailure {
  if (error instanceof RunnerFailure) return error;
  if (isSqlError(error)) return new RunnerFailure(index, error.code, error.message);
  return new RunnerFailure(index, 'XX000', error instanceof Error ? error.message : String(error));
}

function toRunnerResult(result: SqlResult): RunnerResult {
  const columns: RunnerColumn[] = result.columns.map((c) => ({
    name: c.name,
    typeName: TYPE_NAMES[c.typeOid] ?? c.pgType.replace(/\(.*$/, ''),
    typmod: c.typmod,
  }));
  return { columns, rows: result.rows, hasResultSet: columns.length > 0, rowCount: result.rowCount };
}

/** A runner over one {@link SqlEngine}. */
export class EngineRunner implements SessionSqlRunner {
  readonly #engine: SqlEngine;
  readonly #roles = new Set<string>();

  private constructor(engine: SqlEngine) {
    this.#engine = engine;
  }

  /**
   * Boots an engine (from the shared data-dir snapshot when there is one) and applies `layout`.
   *
   * @param now - The emulator clock for the engine's own history, epoch ms.
   */
  static async create(layout: RedshiftLayout, now: () => number): Promise<EngineRunner> {
    const runner = new EngineRunner(await createSqlEngine({ now }));
    await runner.#apply(layout);
    return runner;
  }

  async #apply(layout: RedshiftLayout): Promise<void> {
    const engine = this.#engine;
    await engine.admin([...HISTORY_TABLE_SQL, ...COMPAT_SQL].join(';\n'));
    for (const role of layout.roles) await this.ensureRole(role);
    for (const [group, member] of layout.memberships) await engine.grantRoleTo(group, member);
    for (const db of layout.databases) {
      for (const schema of db.schemas.byName.values()) {
        await engine.createSchema(schema);
        // Usage for everyone: a missing grant then reads "permission denied for table", as on Redshift.
        await engine.admin(`GRANT USAGE ON SCHEMA ${quoteIdent(schema)} TO PUBLIC`);
      }
      const publicSchema = db.schemas.byName.get('public') as string;
      await engine.admin(historyViewSql(publicSchema, db.target, db.database).join(';\n'));
      for (const table of db.tables) await engine.createTable(table.schema, table);
      for (const grant of db.grants) {
        const privileges = grant.privileges.includes('ALL')
          ? [...ALL_PRIVILEGES]
          : (grant.privileges as Privilege[]);
        await engine.grant({ schema: grant.schema, table: grant.table, role: grant.role, privileges });
        if (grant.rowFilter !== undefined) {
          await engine.setRowFilter(grant.schema, grant.table, grant.role, grant.rowFilter);
        }
      }
    }
  }

  async ensureRole(role: string): Promise<void> {
    if (this.#roles.has(role)) return;
    try {
      await this.#engine.ensureRole(role);
      // LOGIN only so that pg_user lists the user (sys_query_history joins it); nothing connects.
      await this.#engine.admin(`ALTER ROLE ${quoteIdent(role)} LOGIN`);
    } catch (error) {
      throw failure(0, error);
    }
    this.#roles.add(role);
  }

  async recordHistory(entries: readonly HistoryEntry[]): Promise<void> {
    if (entries.length > 0) await this.#engine.admin(historyInsertSql(entries));
  }

  async run(
    role: string,
    searchPath: readonly string[],
    statements: readonly RunnerStatement[],
  ): Promise<RunnerResult[]> {
    if (statements.length === 1) {
      const [only] = statements as [RunnerStatement];
      try {
        return [
          toRunnerResult(await this.#engine.runAs(role, only.sql, { searchPath, params: only.params })),
        ];
      } catch (error) {
        throw failure(0, error);
      }
    }
    return this.#batch(role, searchPath, statements);
  }

  async #batch(
    role: string,
    searchPath: readonly string[],
    statements: readonly RunnerStatement[],
  ): Promise<RunnerResult[]> {
    statements.forEach((statement, index) => {
      const refused = refusal(statement.sql);
      if (refused)
        throw new RunnerFailure(index, '42501', `${refused} in queries run for a propagated user.`);
    });
    try {
      // One engine call: the whole transaction holds the engine's queue, so no other run can interleave.
      const results = await this.#engine.runBatchAs(
        role,
        statements.map((statement) => ({ sql: statement.sql, params: [...statement.params] })),
        { searchPath: [...searchPath] },
      );
      return results.map(toRunnerResult);
    } catch (error) {
      throw failure(isSqlError(error) ? (error.statementIndex ?? 0) : 0, error);
    }
  }

  runStatement(role: string, searchPath: readonly string[], statement: SessionStatement): Promise<SqlResult> {
    return this.#engine.runAs(role, statement.sql, {
      searchPath,
      params: statement.params,
      parameterTypes: statement.parameterTypes,
    });
  }

  describeStatement(
    role: string,
    searchPath: readonly string[],
    statement: Omit<SessionStatement, 'params'>,
  ): Promise<StatementDescription> {
    return this.#engine.describeAs(role, statement.sql, {
      searchPath,
      parameterTypes: statement.parameterTypes,
    });
  }

  async ensureAdministrator(role: string, schemas: readonly string[]): Promise<void> {
    await this.ensureRole(role);
    const name = quoteIdent(role);
    const grants = schemas.flatMap((schema) => [
      `GRANT USAGE, CREATE ON SCHEMA ${quoteIdent(schema)} TO ${name}`,
      `GRANT ALL ON ALL TABLES IN SCHEMA ${quoteIdent(schema)} TO ${name} WITH GRANT OPTION`,
    ]);
    await this.#engine.admin([`ALTER ROLE ${name} LOGIN BYPASSRLS`, ...grants].join(';\n'));
  }

  /** Closes the engine. */
  async close(): Promise<void> {
    await this.#engine.close();
  }
}
