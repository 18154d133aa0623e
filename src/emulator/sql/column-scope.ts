/**
 * Lake Formation column semantics on Postgres column privileges. Lake Formation shows a principal with
 * a grant on some columns of a table a table of just those columns: `SELECT *` returns them and any
 * other column "cannot be resolved". Postgres instead refuses `SELECT *` (42501). So inside the user's
 * transaction, before `SET LOCAL ROLE`, every table the role may read only some columns of is renamed
 * aside and replaced by a `security_invoker` view of the permitted columns under its own name (the
 * role's column privileges and row policies still apply through the view); after the statements the
 * engine puts everything back. Transactional DDL keeps other runs from ever seeing the swap (and a
 * failure rolls it back), and the engine runs one transaction at a time.
 */
import type { PGlite } from '@electric-sql/pglite';
import { qualified, quoteIdent } from './ident.js';
import { type RawField, type RawResult, runExtended, runSimple } from './protocol.js';

/**
 * `tip_sys.tip_scope_columns(role)`: swaps in the views and returns what it did, one row per view
 * column (schema, table, base table name, view oid, view column number, base oid, base column number).
 * Created at boot by the superuser; PUBLIC may not call it.
 */
export const COLUMN_SCOPE_DDL = `
CREATE OR REPLACE FUNCTION tip_sys.tip_scope_columns(target text)
RETURNS TABLE(schema_name text, table_name text, base_name text, view_oid oid, view_att int, base_oid oid, base_att int)
LANGUAGE plpgsql AS $fn$
DECLARE
  rel record;
  cols text;
  base text;
  vid oid;
BEGIN
  FOR rel IN
    SELECT c.oid, n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'tip_sys')
       AND n.nspname NOT LIKE 'pg\\_%'
       AND NOT has_table_privilege(target, c.oid, 'SELECT')
       AND has_any_column_privilege(target, c.oid, 'SELECT')
  LOOP
    SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum) INTO cols FROM pg_attribute a
     WHERE a.attrelid = rel.oid AND a.attnum > 0 AND NOT a.attisdropped
       AND has_column_privilege(target, rel.oid, a.attnum, 'SELECT');
    base := 'tip_lf_' || rel.oid::text;
    EXECUTE format('ALTER TABLE %I.%I RENAME TO %I', rel.nspname, rel.relname, base);
    EXECUTE format('CREATE VIEW %I.%I WITH (security_invoker = true) AS SELECT %s FROM %I.%I',
                   rel.nspname, rel.relname, cols, rel.nspname, base);
    EXECUTE format('GRANT SELECT ON %I.%I TO %I', rel.nspname, rel.relname, target);
    vid := format('%I.%I', rel.nspname, rel.relname)::regclass::oid;
    RETURN QUERY
      SELECT rel.nspname::text, rel.relname::text, base, vid, (row_number() OVER (ORDER BY a.attnum))::int,
             rel.oid, a.attnum::int
        FROM pg_attribute a
       WHERE a.attrelid = rel.oid AND a.attnum > 0 AND NOT a.attisdropped
         AND has_column_privilege(target, rel.oid, a.attnum, 'SELECT');
  END LOOP;
END
$fn$;
REVOKE ALL ON FUNCTION tip_sys.tip_scope_columns(text) FROM PUBLIC;`;

/** What {@link scopeColumns} swapped in, to map result columns back and undo it. */
export interface ColumnScope {
  /** `view oid:column` -> the base table's `oid:column`. */
  readonly columns: ReadonlyMap<string, { readonly tableOid: number; readonly columnNumber: number }>;
  /** SQL that drops the views and renames the tables back. */
  readonly undo: string;
}

/** Swaps in the column views for `role` (superuser, inside the transaction, before `SET LOCAL ROLE`). */
export async function scopeColumns(pg: PGlite, role: string): Promise<ColumnScope> {
  const result = await runExtended(pg, 'SELECT * FROM tip_sys.tip_scope_columns($1)', [role]);
  const columns = new Map<string, { tableOid: number; columnNumber: number }>();
  const tables = new Map<string, { schema: string; table: string; base: string }>();
  for (const [schema, table, base, viewOid, viewAtt, baseOid, baseAtt] of result.rows) {
    if (!schema || !table || !base) continue;
    tables.set(`${schema}.${table}`, { schema, table, base });
    columns.set(`${viewOid}:${viewAtt}`, { tableOid: Number(baseOid), columnNumber: Number(baseAtt) });
  }
  const undo = [...tables.values()]
    .map(
      (t) =>
        `DROP VIEW ${qualified(t.schema, t.table)}; ALTER TABLE ${qualified(t.schema, t.base)} RENAME TO ${quoteIdent(t.table)};`,
    )
    .join('\n');
  return { columns, undo };
}

/** Undoes {@link scopeColumns} (the engine has reset the role to the superuser). */
export async function unscopeColumns(pg: PGlite, scope: ColumnScope): Promise<void> {
  if (scope.undo !== '') await runSimple(pg, scope.undo);
}

/** A result whose view columns name the base table's columns again (their declared types hang on those). */
export function mapScopedFields(raw: RawResult, scope: ColumnScope): RawResult {
  if (scope.columns.size === 0) return raw;
  const fields = raw.fields.map((f): RawField => {
    const base = scope.columns.get(`${f.tableOid}:${f.columnNumber}`);
    return base ? { ...f, ...base } : f;
  });
  return { ...raw, fields };
}
