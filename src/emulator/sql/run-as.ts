import type { PGlite } from '@electric-sql/pglite';
import { fold } from './access.js';
import { type ColumnScope, mapScopedFields, scopeColumns, unscopeColumns } from './column-scope.js';
import { SqlError, toSqlError } from './errors.js';
import { assertUserStatementAllowed } from './guard.js';
import { quoteIdent } from './ident.js';
import { type RawField, type RawResult, describeExtended, runExtended, runSimple } from './protocol.js';

/** One user statement with its positional parameters (already in text form). */
export interface UserStatement {
  readonly sql: string;
  readonly params: readonly (string | null)[];
  /** Parameter type OIDs (`0` = inferred). Default: all inferred. */
  readonly parameterTypes?: readonly number[];
}

/** What {@link execStatementsAs} needs besides the statements. */
export interface ExecSettings {
  readonly searchPath?: readonly string[];
  readonly signal?: AbortSignal;
  readonly maxRows: number;
  /** Lake Formation column semantics (see `column-scope.ts`). Default false. */
  readonly scopeColumns?: boolean;
}

/**
 * `BEGIN`, the column scope when asked for, `SET LOCAL ROLE; SET LOCAL search_path`, then a refusal of
 * superuser roles: never run user text with superuser rights, whatever role name a caller passes. The
 * caller rolls back on failure.
 */
async function enterRole(
  pg: PGlite,
  role: string,
  searchPath: readonly string[] | undefined,
  withColumnScope: boolean,
): Promise<ColumnScope | undefined> {
  let setup = `SET LOCAL ROLE ${quoteIdent(role)};`;
  if (searchPath) {
    const path = searchPath.map((s) => quoteIdent(fold(s))).join(', ');
    setup += ` SET LOCAL search_path TO ${path.length > 0 ? path : "''"};`;
  }
  await runSimple(pg, 'BEGIN');
  const scope = withColumnScope ? await scopeColumns(pg, role) : undefined;
  await runSimple(pg, setup);
  const rights = await runExtended(pg, "SELECT current_setting('is_superuser')", []);
  if (rights.rows[0]?.[0] !== 'off') {
    throw new SqlError('42501', 'Statements are not run as a superuser role; pass a propagated user role.');
  }
  return scope;
}

/**
 * Describes one user statement as `role` without running it (its kind checked first), in a transaction
 * that is always rolled back. The caller must hold the engine's queue.
 */
export async function describeStatementAs(
  pg: PGlite,
  role: string,
  statement: { readonly sql: string; readonly parameterTypes?: readonly number[] },
  searchPath: readonly string[] | undefined,
): Promise<{ parameterTypes: number[]; fields: RawField[] }> {
  assertUserStatementAllowed(statement.sql);
  try {
    await enterRole(pg, role, searchPath, false);
    return await describeExtended(pg, statement.sql, statement.parameterTypes ?? []);
  } catch (error) {
    throw toSqlError(error);
  } finally {
    await runSimple(pg, 'ROLLBACK').catch(() => undefined);
  }
}

function failedAt(error: unknown, index: number, batch: boolean): SqlError {
  const e = toSqlError(error);
  if (!batch || e.statementIndex !== undefined) return e;
  return new SqlError(e.code, e.message, { cause: e, statementIndex: index });
}

/**
 * Runs user statements as `role` in ONE transaction: `BEGIN; SET LOCAL ROLE; SET LOCAL search_path`, a
 * refusal of superuser roles, then each statement (kind checked first, one statement per protocol
 * message, `current_user` checked after it), then `COMMIT`. Any failure rolls everything back and is thrown
 * as a SqlError (with `statementIndex` for batches). The caller must hold the engine's queue for the
 * whole call, so no other operation can run inside this transaction.
 */
export async function execStatementsAs(
  pg: PGlite,
  role: string,
  statements: readonly UserStatement[],
  settings: ExecSettings,
): Promise<RawResult[]> {
  const batch = statements.length > 1;
  if (settings.signal?.aborted) throw new SqlError('57014', 'The query was cancelled before it started.');
  if (statements.length === 0) throw new SqlError('42601', 'There is no statement to run.');
  statements.forEach((s, i) => {
    try {
      assertUserStatementAllowed(s.sql);
    } catch (error) {
      throw failedAt(error, i, batch);
    }
  });
  let index = 0;
  try {
    const scope = await enterRole(pg, role, settings.searchPath, settings.scopeColumns === true);
    const results: RawResult[] = [];
    for (const statement of statements) {
      results.push(
        await runExtended(pg, statement.sql, statement.params, settings.maxRows, statement.parameterTypes),
      );
      const who = await runExtended(pg, 'SELECT current_user', []);
      if (who.rows[0]?.[0] !== role) {
        throw new SqlError('42501', 'The statement changed the current role; its effects were rolled back.');
      }
      index++;
    }
    index = statements.length - 1;
    if (settings.signal?.aborted) throw new SqlError('57014', 'The query was cancelled.');
    if (scope) {
      // Back to the engine's own role to put the tables back before committing the user's work.
      await runSimple(pg, 'RESET ROLE');
      await unscopeColumns(pg, scope);
    }
    const end = await runSimple(pg, 'COMMIT');
    if (end.tag === 'ROLLBACK') throw new SqlError('40000', 'The transaction was rolled back.');
    return scope ? results.map((r) => mapScopedFields(r, scope)) : results;
  } catch (error) {
    await runSimple(pg, 'ROLLBACK').catch(() => undefined);
    throw failedAt(error, index, batch);
  }
}
