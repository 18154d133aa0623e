/**
 * A {@link SqlRunner} on a private PGlite instance. Each run is one transaction that sets
 * `SET LOCAL ROLE <user>` and `search_path` before every statement, so a statement cannot carry another
 * role into the next one; statements that could change the role or end the transaction are refused.
 */
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { quoteIdent } from '../sql/ident.js';
import { createRoleSql, type RedshiftSetup, roleExistsSql } from './database-setup.js';
import { type HistoryEntry, historyInsertSql } from './query-history.js';
import { RunnerFailure, type RunnerResult, type RunnerStatement, type SqlRunner } from './sql-runner.js';

/** Leading keywords a propagated user's statement may start with. */
const ALLOWED_FIRST = new Set([
  'select',
  'with',
  'values',
  'table',
  'insert',
  'update',
  'delete',
  'show',
  'explain',
  'create',
  'drop',
  'alter',
  'truncate',
]);
/** Objects a user's CREATE / ALTER / DROP may name. */
const ALLOWED_OBJECTS = new Set(['table', 'view', 'index', 'temp', 'temporary']);

/** Hardening run once: a user must not switch roles with `set_config('role', …)` inside a query. */
const HARDENING = [
  'REVOKE EXECUTE ON FUNCTION pg_catalog.set_config(text, text, boolean) FROM PUBLIC',
  'REVOKE CREATE ON SCHEMA public FROM PUBLIC',
];

function leadingWords(sql: string): string[] {
  const stripped = sql.replace(/--[^\n]*|\/\*[\s\S]*?\*\//g, ' ').replace(/^[\s(]+/, '');
  return stripped.toLowerCase().split(/[^a-z_]+/, 3);
}

/** Refuses statements that could leave the propagated role (see module comment). */
export function refusal(sql: string): string | undefined {
  const [first, second] = leadingWords(sql);
  if (!first || !ALLOWED_FIRST.has(first))
    return `${(first ?? '').toUpperCase() || 'This'} statements are not permitted`;
  if ((first === 'create' || first === 'alter' || first === 'drop') && !ALLOWED_OBJECTS.has(second ?? '')) {
    return `${first.toUpperCase()} ${(second ?? '').toUpperCase()} statements are not permitted`;
  }
  return undefined;
}

/** Postgres type names of the OIDs results commonly carry. */
const TYPE_NAMES: Readonly<Record<number, string>> = {
  16: 'bool',
  17: 'bytea',
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
  1114: 'timestamp',
  1184: 'timestamptz',
  1700: 'numeric',
  3802: 'jsonb',
};

/** Dates and times stay in Postgres's text form (`2026-01-01 12:00:00`), as Redshift returns them. */
const TEXT = (value: string) => value;
const PARSERS = { 1082: TEXT, 1083: TEXT, 1114: TEXT, 1184: TEXT, 1266: TEXT, 1186: TEXT };

function sqlState(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : 'XX000';
}

/** A private PGlite with the Redshift layout applied. */
export class PgliteRunner implements SqlRunner {
  readonly #pg: PGlite;
  readonly #roles = new Set<string>();
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(pg: PGlite) {
    this.#pg = pg;
  }

  /** Boots PGlite (several seconds for initdb) and applies `setup`. */
  static async create(setup: RedshiftSetup): Promise<PgliteRunner> {
    const runner = new PgliteRunner(await PGlite.create());
    for (const sql of HARDENING) await runner.#pg.exec(sql);
    for (const role of setup.roles) await runner.ensureRole(role);
    for (const [group, member] of setup.memberships) {
      await runner.#pg.exec(`GRANT ${quoteIdent(group)} TO ${quoteIdent(member)}`);
    }
    for (const sql of setup.statements) await runner.#pg.exec(sql);
    return runner;
  }

  ensureRole(role: string): Promise<void> {
    return this.#serial(async () => {
      if (this.#roles.has(role)) return;
      try {
        const exists = await this.#pg.query(roleExistsSql(role));
        if (exists.rows.length === 0) await this.#pg.exec(createRoleSql(role));
      } catch (error) {
        throw new RunnerFailure(0, sqlState(error), (error as Error).message);
      }
      this.#roles.add(role);
    });
  }

  recordHistory(entries: readonly HistoryEntry[]): Promise<void> {
    if (entries.length === 0) return Promise.resolve();
    return this.#serial(async () => {
      await this.#pg.exec(historyInsertSql(entries));
    });
  }

  run(
    role: string,
    searchPath: readonly string[],
    statements: readonly RunnerStatement[],
  ): Promise<RunnerResult[]> {
    return this.#serial(() =>
      this.#pg.transaction(async (tx) => {
        const out: RunnerResult[] = [];
        for (const [index, statement] of statements.entries())
          out.push(await this.#one(tx, role, searchPath, statement, index));
        return out;
      }),
    );
  }

  async #one(
    tx: Transaction,
    role: string,
    searchPath: readonly string[],
    statement: RunnerStatement,
    index: number,
  ) {
    const refused = refusal(statement.sql);
    if (refused) throw new RunnerFailure(index, '42501', `${refused} in queries run for a propagated user.`);
    try {
      const path = searchPath.length > 0 ? searchPath.map(quoteIdent).join(', ') : "''";
      await tx.exec(`SET LOCAL ROLE ${quoteIdent(role)}; SET LOCAL search_path TO ${path}`);
      const result = await tx.query<unknown[]>(statement.sql, [...statement.params], {
        rowMode: 'array',
        parsers: PARSERS,
      });
      const columns = [];
      for (const field of result.fields) {
        columns.push({ name: field.name, typeName: await this.#typeName(tx, field.dataTypeID), typmod: -1 });
      }
      const hasResultSet = result.fields.length > 0;
      return {
        columns,
        rows: result.rows,
        hasResultSet,
        rowCount: hasResultSet ? result.rows.length : (result.affectedRows ?? 0),
      };
    } catch (error) {
      if (error instanceof RunnerFailure) throw error;
      throw new RunnerFailure(index, sqlState(error), (error as Error).message);
    }
  }

  async #typeName(tx: Transaction, oid: number): Promise<string> {
    const known = TYPE_NAMES[oid];
    if (known) return known;
    const found = await tx.query<{ typname: string }>(
      'SELECT typname FROM pg_catalog.pg_type WHERE oid = $1',
      [oid],
    );
    return found.rows[0]?.typname ?? 'unknown';
  }

  #serial<T>(task: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(task);
    this.#queue = next.catch(() => undefined);
    return next;
  }

  /** Closes the database. */
  async close(): Promise<void> {
    await this.#queue;
    await this.#pg.close();
  }
}
