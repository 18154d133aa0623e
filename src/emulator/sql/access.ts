import { createHash } from 'node:crypto';
import { SqlError } from './errors.js';
import { qualified, quoteIdent } from './ident.js';
import type { SqlGrant, SqlPrivilege, SqlRevoke } from './types.js';

const PRIVILEGES: ReadonlySet<string> = new Set<SqlPrivilege>([
  'SELECT',
  'INSERT',
  'UPDATE',
  'DELETE',
  'TRUNCATE',
  'REFERENCES',
  'TRIGGER',
]);

/** Folds a schema, table or column name to lower case, as Athena and Redshift treat unquoted names. */
export function fold(name: string): string {
  return name.toLowerCase();
}

/** Name of the row policy of `role` on a table: a digest, so any role name fits in 63 bytes. */
export function policyName(role: string): string {
  return `tip_rls_${createHash('sha256').update(role).digest('hex').slice(0, 32)}`;
}

function privilegeList(privileges: readonly string[] | undefined, fallback: string): string {
  const list = privileges ?? [fallback];
  if (list.length === 0) throw new SqlError('42601', 'A grant needs at least one privilege.');
  for (const p of list) {
    if (!PRIVILEGES.has(p)) {
      throw new SqlError('42601', `Unknown privilege "${p}"; use ${[...PRIVILEGES].join(', ')}.`);
    }
  }
  return list.join(', ');
}

/** SQL for a grant: schema usage plus the table (or column) privileges. */
export function grantSql(grant: SqlGrant): string {
  const role = quoteIdent(grant.role);
  const privileges = privilegeList(grant.privileges, 'SELECT');
  const columns = grant.columns ? ` (${grant.columns.map((c) => quoteIdent(fold(c))).join(', ')})` : '';
  if (grant.columns && grant.columns.length === 0) {
    throw new SqlError('42601', 'A column grant needs at least one column.');
  }
  const table = qualified(fold(grant.schema), fold(grant.table));
  return (
    `GRANT USAGE ON SCHEMA ${quoteIdent(fold(grant.schema))} TO ${role};\n` +
    `GRANT ${privileges}${columns} ON TABLE ${table} TO ${role};`
  );
}

/** SQL for a revocation (table-level revokes also remove column privileges). */
export function revokeSql(revoke: SqlRevoke): string {
  const privileges = revoke.privileges ? privilegeList(revoke.privileges, 'SELECT') : 'ALL PRIVILEGES';
  const table = qualified(fold(revoke.schema), fold(revoke.table));
  let sql = `REVOKE ${privileges} ON TABLE ${table} FROM ${quoteIdent(revoke.role)};`;
  if (!revoke.privileges)
    sql += `\nDROP POLICY IF EXISTS ${quoteIdent(policyName(revoke.role))} ON ${table};`;
  return sql;
}

/**
 * SQL replacing the role's permissive policy on the table: `USING (expression)` or `USING (true)`.
 * FOR ALL: the same filter bounds reads and, as the default WITH CHECK, writes.
 */
export function policySql(
  schema: string,
  table: string,
  role: string,
  expression: string | undefined,
): string {
  const target = qualified(fold(schema), fold(table));
  const name = quoteIdent(policyName(role));
  return (
    `DROP POLICY IF EXISTS ${name} ON ${target};\n` +
    `CREATE POLICY ${name} ON ${target} AS PERMISSIVE FOR ALL TO ${quoteIdent(role)} USING (${expression ?? 'true'});`
  );
}
