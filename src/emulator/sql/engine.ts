/**
 * The SQL engine over PGlite. How it keeps a propagated user inside their role:
 *
 * - One operation at a time (PGlite has one connection), so the `SET LOCAL ROLE` of one run never meets
 *   the statement of another.
 * - Each `runAs` is `BEGIN; SET LOCAL ROLE "<role>"; SET LOCAL search_path …`, then the user's text as ONE
 *   extended-protocol statement (Postgres refuses `a; b` there), then a check that `current_user` is still
 *   the role, then `COMMIT` (any error: `ROLLBACK`). Privileges and row-level security are Postgres's own.
 * - Postgres lets `SET ROLE` pick any role the *session* user (the superuser) could, so the engine refuses
 *   `SET`/`RESET`, `DO`, `CALL`, transaction control, `PREPARE`/`EXECUTE`, `COPY` and the creation of
 *   functions, triggers, rules and roles before they reach Postgres, and revokes `set_config`, the `sql`
 *   and `plpgsql` languages, `TEMP` and `CREATE` on `public` from PUBLIC.
 * - Column grants are Postgres column privileges: a column-restricted role can select its columns by name,
 *   and `SELECT *` fails with 42501 — unless the run asks for Lake Formation's semantics
 *   (`columnScoped`, see `column-scope.ts`): then the table shows only the permitted columns.
 * - A running statement cannot be interrupted (PGlite has no statement timeout); results are bounded by
 *   `maxResultRows`.
 */
import { randomUUID } from 'node:crypto';
import type { PGlite } from '@electric-sql/pglite';
import { fold, grantSql, policyName, policySql, revokeSql } from './access.js';
import { bootPglite } from './boot.js';
import { COLUMN_SCOPE_DDL } from './column-scope.js';
import { formatColumnType, parseColumnType, pgStorageType } from './column-type.js';
import { SqlError, toSqlError } from './errors.js';
import { HISTORY_DDL, readHistory, recordHistory } from './history.js';
import {
  giveBack,
  noteFreshDatabase,
  reusingClosedSqlDatabases,
  takeIdleDatabase,
} from './idle-databases.js';
import { qualified, quoteIdent } from './ident.js';
import { encodeLiteral } from './literal.js';
import { type RawResult, runExtended, runSimple } from './protocol.js';
import { ResultReader } from './result.js';
import { describeStatementAs, execStatementsAs } from './run-as.js';
import type {
  QueryHistoryEntry,
  RunOptions,
  SqlEngine,
  SqlEngineOptions,
  SqlResult,
  SqlTableSpec,
} from './types.js';

/**
 * Revocations that keep a propagated role inside its role: no `set_config` (it can set `role`), no
 * functions of its own (a function body could `SET ROLE`), no temporary objects, no `public` writes.
 */
const HARDENING = `
REVOKE EXECUTE ON FUNCTION pg_catalog.set_config(text, text, boolean) FROM PUBLIC;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
DO $$ BEGIN EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC', current_database()); END $$;
REVOKE USAGE ON LANGUAGE plpgsql FROM PUBLIC;
REVOKE USAGE ON LANGUAGE sql FROM PUBLIC;`;

/** Rows per INSERT statement when loading a table. */
const INSERT_BATCH = 500;

/** Default {@link SqlEngineOptions.maxResultRows}. */
const MAX_RESULT_ROWS = 100_000;

/**
 * Boots a PGlite database (from a snapshot when possible) and returns the {@link SqlEngine} over it.
 * Boot takes about 0.2–0.3 s of CPU from this process's snapshot, 0.5–1.5 s from the snapshot file,
 * several seconds on the first initdb of the machine. With `reuseDatabases`, a database an earlier engine
 * of this process gave back at `close()` (reset and checked, see `idle-databases.ts`) is taken instead
 * when one waits.
 */
export async function createSqlEngine(options: SqlEngineOptions = {}): Promise<SqlEngine> {
  const now = options.now ?? Date.now;
  const maxRows = options.maxResultRows ?? MAX_RESULT_ROWS;
  const reuse = options.reuseDatabases ?? reusingClosedSqlDatabases();
  const started = Date.now();
  const kept = reuse ? takeIdleDatabase() : undefined;
  const boot = kept
    ? { pg: kept, source: 'reused' as const, bootMs: Date.now() - started }
    : await bootPglite(options.snapshotPath === undefined ? {} : { snapshotPath: options.snapshotPath });
  const pg = boot.pg;
  let closed = false;
  let tail: Promise<unknown> = Promise.resolve();

  /** Runs `fn` after every earlier operation: PGlite has one connection, and roles are per transaction. */
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = tail.then(() => {
      if (closed) throw new SqlError('08003', 'The SQL engine is closed.');
      return fn();
    });
    tail = run.catch(() => undefined);
    return run;
  };

  await runSimple(pg, HARDENING);
  // The state every database given back must return to: booted and hardened, nothing else.
  if (reuse && !kept) await noteFreshDatabase(pg);
  await runSimple(pg, HISTORY_DDL + COLUMN_SCOPE_DDL);

  const reader = new ResultReader(pg);
  const toResult = (raw: RawResult) => reader.read(raw);

  /** Runs user statements as `role`, records each in the history, returns their results. */
  const runUser = async (
    role: string,
    statements: readonly { sql: string; params?: readonly unknown[]; parameterTypes?: readonly number[] }[],
    opts: RunOptions,
  ): Promise<SqlResult[]> => {
    const startedAt = now();
    const queryId = opts.queryId ?? randomUUID();
    const idOf = (i: number) => (statements.length > 1 ? `${queryId}#${i + 1}` : queryId);
    try {
      const raws = await execStatementsAs(
        pg,
        role,
        statements.map((s) => ({
          sql: s.sql,
          params: (s.params ?? []).map(encodeParam),
          ...(s.parameterTypes ? { parameterTypes: s.parameterTypes } : {}),
        })),
        {
          ...(opts.searchPath ? { searchPath: opts.searchPath } : {}),
          ...(opts.signal ? { signal: opts.signal } : {}),
          ...(opts.columnScoped ? { scopeColumns: true } : {}),
          maxRows: opts.maxRows ?? maxRows,
        },
      );
      const results: SqlResult[] = [];
      for (const raw of raws) results.push(await toResult(raw));
      const endedAt = now();
      for (const [i, r] of results.entries()) {
        const sql = statements[i]?.sql ?? '';
        await recordHistory(pg, {
          queryId: idOf(i),
          role,
          sql,
          startedAt,
          endedAt,
          status: 'success',
          rowCount: r.rowCount,
        });
      }
      return results;
    } catch (error) {
      const e = toSqlError(error);
      const i = e.statementIndex ?? 0;
      const status: QueryHistoryEntry['status'] = e.code === '57014' ? 'cancelled' : 'failed';
      const error_ = { code: e.code, message: e.message };
      const entry = {
        queryId: idOf(i),
        role,
        sql: statements[i]?.sql ?? '',
        startedAt,
        endedAt: now(),
        status,
        rowCount: 0,
        error: error_,
      };
      await recordHistory(pg, entry).catch(() => undefined);
      throw e;
    }
  };

  const engine: SqlEngine = {
    boot: { source: boot.source, bootMs: boot.bootMs },

    createSchema: (name) =>
      serial(async () => {
        await runSimple(pg, `CREATE SCHEMA IF NOT EXISTS ${quoteIdent(fold(name))}`);
      }),

    createTable: (schema, table: SqlTableSpec) =>
      serial(async () => {
        const types = table.columns.map((c) => parseColumnType(c.type));
        if (types.length === 0)
          throw new SqlError('42P16', `Table "${table.name}" needs at least one column.`);
        const target = qualified(fold(schema), fold(table.name));
        const columnsSql = table.columns.map(
          (c, i) => `${quoteIdent(fold(c.name))} ${pgStorageType(types[i]!)}`,
        );
        await runSimple(
          pg,
          `CREATE SCHEMA IF NOT EXISTS ${quoteIdent(fold(schema))};\n` +
            `CREATE TABLE ${target} (${columnsSql.join(', ')});\n` +
            `ALTER TABLE ${target} ENABLE ROW LEVEL SECURITY;\nALTER TABLE ${target} FORCE ROW LEVEL SECURITY;`,
        );
        const rows = table.rows ?? [];
        for (let start = 0; start < rows.length; start += INSERT_BATCH) {
          const values = rows.slice(start, start + INSERT_BATCH).map((row, n) => {
            if (row.length !== types.length) {
              throw new SqlError(
                '22023',
                `Row ${start + n} of "${table.name}" has ${row.length} cells; the table has ${types.length} columns.`,
              );
            }
            return `(${row.map((cell, i) => encodeLiteral(cell, types[i]!)).join(', ')})`;
          });
          await runSimple(pg, `INSERT INTO ${target} VALUES ${values.join(',\n')}`);
        }
        const oid = await runExtended(pg, 'SELECT to_regclass($1)::oid', [target]);
        const tableOid = oid.rows[0]?.[0];
        for (const [i, t] of types.entries()) reader.declare(tableOid ?? 0, i + 1, formatColumnType(t));
      }),

    ensureRole: (name) =>
      serial(async () => {
        const exists = await runExtended(pg, 'SELECT 1 FROM pg_roles WHERE rolname = $1', [name]);
        if (exists.rows.length === 0) {
          await runSimple(
            pg,
            `CREATE ROLE ${quoteIdent(name)} NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE INHERIT`,
          );
        }
      }),

    grantRoleTo: (group, member) =>
      serial(async () => {
        await runSimple(pg, `GRANT ${quoteIdent(group)} TO ${quoteIdent(member)}`);
      }),

    grant: (grant) =>
      serial(async () => {
        await runSimple(pg, grantSql(grant));
        await ensurePolicy(pg, grant.schema, grant.table, grant.role);
      }),

    grantSelect: (schema, table, role, columns) =>
      engine.grant({ schema, table, role, privileges: ['SELECT'], ...(columns ? { columns } : {}) }),

    revoke: (revoke) =>
      serial(async () => {
        await runSimple(pg, revokeSql(revoke));
      }),

    setRowFilter: (schema, table, role, expression) =>
      serial(async () => {
        const [drop, create] = policySql(schema, table, role, expression).split('\n');
        // One statement per protocol message: an expression cannot smuggle in a second statement.
        await runExtended(pg, drop!, []);
        await runExtended(pg, create!, []);
      }),

    runAs: (role, sql, opts = {}) =>
      serial(async () => {
        const [result] = await runUser(
          role,
          [
            {
              sql,
              ...(opts.params ? { params: opts.params } : {}),
              ...(opts.parameterTypes ? { parameterTypes: opts.parameterTypes } : {}),
            },
          ],
          opts,
        );
        return result!;
      }),

    runBatchAs: (role, statements, opts = {}) => serial(() => runUser(role, statements, opts)),

    describeAs: (role, sql, opts = {}) =>
      serial(async () => {
        const described = await describeStatementAs(
          pg,
          role,
          { sql, ...(opts.parameterTypes ? { parameterTypes: opts.parameterTypes } : {}) },
          opts.searchPath,
        );
        return {
          parameterTypes: described.parameterTypes,
          columns: described.fields.map((f) => ({
            name: f.name,
            typeOid: f.typeOid,
            typmod: f.typmod,
            tableOid: f.tableOid,
            columnNumber: f.columnNumber,
          })),
        };
      }),

    admin: (sql, params) =>
      serial(async () =>
        toResult(params ? await runExtended(pg, sql, params.map(encodeParam)) : await runSimple(pg, sql)),
      ),

    history: (filter) => serial(() => readHistory(pg, filter)),

    close: () =>
      serial(async () => {
        closed = true;
        if (reuse) await giveBack(pg);
        else await pg.close();
      }),
  };
  return engine;
}

/** Gives the role a `USING (true)` policy on an RLS table unless it already has one (a row filter). */
async function ensurePolicy(pg: PGlite, schema: string, table: string, role: string): Promise<void> {
  const target = qualified(fold(schema), fold(table));
  const rls = await runExtended(pg, 'SELECT relrowsecurity FROM pg_class WHERE oid = to_regclass($1)', [
    target,
  ]);
  if (rls.rows[0]?.[0] !== 't') return;
  const exists = await runExtended(
    pg,
    'SELECT 1 FROM pg_policy WHERE polrelid = to_regclass($1) AND polname = $2',
    [target, policyName(role)],
  );
  if (exists.rows.length === 0) {
    const [, create] = policySql(schema, table, role, undefined).split('\n');
    await runExtended(pg, create!, []);
  }
}

/** Text form of a positional parameter. */
function encodeParam(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean')
    return String(value);
  if (value instanceof Date) return value.toISOString();
  return JSON.stringify(value);
}
