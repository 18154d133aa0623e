/**
 * The SQL that lays out the configured Redshift databases on the engine, run once as its administrator:
 *
 * - one internal schema per Redshift schema of each (target, database) (`public` always), usable by
 *   everyone, holding the configured tables (`schema.table`); nobody but the administrator has any
 *   privilege on a table until a grant gives one;
 * - IdC users and groups as roles `<namespace>:<name>` (namespace of the target, default `AWSIDC`), each
 *   user a member of its groups' roles; plain database users from grants as roles of that name;
 * - grants as `GRANT <privileges> ON <table> TO <role>`; a table with any row filter gets row-level
 *   security with one permissive policy per grant (`USING (<filter>)`, or `USING (true)` for a grant without
 *   one), so a user sees the union of the rows their own and their groups' grants allow.
 *
 * Names and values are quoted; row filters come from the trusted configuration and are used as SQL.
 */
import type { EmulatorConfig, TableConfig } from '../config/types.js';
import { parseColumnType, pgStorageType } from '../sql/column-type.js';
import { quoteIdent, quoteLiteral } from '../sql/ident.js';
import { encodeLiteral } from '../sql/literal.js';
import type { DatabaseSchemas } from './data-state.js';
import { HISTORY_TABLE_SQL, historyViewSql } from './query-history.js';
import { DEFAULT_IDC_NAMESPACE, type RedshiftTarget, schemaFor } from './targets.js';

/** Privileges a grant may name. */
const PRIVILEGES = new Set(['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'ALL']);

/** A configuration the setup cannot lay out; the message names the path. */
export class RedshiftSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RedshiftSetupError';
  }
}

/** The setup: roles to ensure, then statements to run in order. */
export interface RedshiftSetup {
  /** Every role the layout needs, in creation order. */
  readonly roles: readonly string[];
  /** Role memberships `[group role, member role]`. */
  readonly memberships: readonly (readonly [string, string])[];
  /** Schema, table, grant and policy statements, after the roles exist. */
  readonly statements: readonly string[];
}

/** A configured table name split: `schema.table`, or `table` in schema `public`. Lower-cased. */
export function splitTableName(name: string): { schema: string; table: string } {
  const dot = name.indexOf('.');
  return dot < 0
    ? { schema: 'public', table: name.toLowerCase() }
    : { schema: name.slice(0, dot).toLowerCase(), table: name.slice(dot + 1).toLowerCase() };
}

/** The internal schemas of one configured database: `public` (always) and each schema its tables name. */
export function databaseSchemas(
  target: Pick<RedshiftTarget, 'kind' | 'name'>,
  database: { name: string; tables: readonly TableConfig[] },
): DatabaseSchemas {
  const byName = new Map<string, string>([['public', schemaFor(target, database.name, 'public')]]);
  for (const table of database.tables) {
    const { schema } = splitTableName(table.name);
    if (!byName.has(schema)) byName.set(schema, schemaFor(target, database.name, schema));
  }
  return { searchPath: [...byName.values()], byName };
}

/** The role of a grant principal on a target with IdC namespace `namespace`. */
export function principalRole(principal: string, namespace: string): string {
  if (principal.startsWith('user:')) return `${namespace}:${principal.slice(5)}`;
  if (principal.startsWith('group:')) return `${namespace}:${principal.slice(6)}`;
  return principal;
}

/** Statements creating and filling one table. */
function tableStatements(name: string, table: TableConfig, path: string): string[] {
  let types: ReturnType<typeof parseColumnType>[];
  try {
    types = table.columns.map((c) => parseColumnType(c.type));
  } catch (error) {
    throw new RedshiftSetupError(`${path}.columns: ${(error as Error).message}`);
  }
  if (table.columns.length === 0)
    throw new RedshiftSetupError(`${path}.columns: a table needs at least one column`);
  const columns = table.columns.map((c, k) => `${quoteIdent(c.name)} ${pgStorageType(types[k]!)}`);
  const out = [`CREATE TABLE ${name} (${columns.join(', ')})`];
  table.rows.forEach((row, r) => {
    if (!Array.isArray(row) || row.length !== table.columns.length) {
      throw new RedshiftSetupError(`${path}.rows[${r}]: expected ${table.columns.length} values`);
    }
    const values = row.map((v, k) => encodeLiteral(v, types[k]!));
    out.push(`INSERT INTO ${name} VALUES (${values.join(', ')})`);
  });
  out.push(`REVOKE ALL ON TABLE ${name} FROM PUBLIC`);
  return out;
}

/** Builds the setup of every configured Redshift database. */
export function redshiftSetup(config: EmulatorConfig): RedshiftSetup {
  const roles: string[] = [];
  const memberships: [string, string][] = [];
  const statements: string[] = [];
  const addRole = (role: string) => {
    if (!roles.includes(role)) roles.push(role);
  };
  const namespaces = new Set(config.redshift.targets.map((t) => t.idcNamespace ?? DEFAULT_IDC_NAMESPACE));
  for (const namespace of namespaces) {
    for (const group of config.identityCenter.groups) addRole(`${namespace}:${group.name}`);
    for (const user of config.identityCenter.users) {
      addRole(`${namespace}:${user.userName}`);
      for (const group of user.groups)
        memberships.push([`${namespace}:${group}`, `${namespace}:${user.userName}`]);
    }
  }
  if (config.redshift.targets.length > 0) statements.push(...HISTORY_TABLE_SQL);
  config.redshift.targets.forEach((target, t) => {
    const kind = target.workgroupName !== undefined ? 'workgroup' : 'cluster';
    const name = target.workgroupName ?? target.clusterIdentifier ?? '';
    const namespace = target.idcNamespace ?? DEFAULT_IDC_NAMESPACE;
    target.databases.forEach((db, d) => {
      const path = `redshift.targets[${t}].databases[${d}]`;
      const schemas = databaseSchemas({ kind, name }, db);
      for (const internal of schemas.byName.values()) {
        statements.push(
          `CREATE SCHEMA ${quoteIdent(internal)}`,
          `GRANT USAGE ON SCHEMA ${quoteIdent(internal)} TO PUBLIC`,
        );
      }
      statements.push(...historyViewSql(schemas.byName.get('public') as string, `${kind}/${name}`, db.name));
      const tables = new Map<string, string>();
      const qualifiedName = (configured: string) => {
        const { schema, table } = splitTableName(configured);
        return `${quoteIdent(schemas.byName.get(schema) ?? '')}.${quoteIdent(table)}`;
      };
      db.tables.forEach((table, k) => {
        statements.push(...tableStatements(qualifiedName(table.name), table, `${path}.tables[${k}]`));
        tables.set(table.name.toLowerCase(), qualifiedName(table.name));
      });
      const filtered = new Set(
        db.grants.filter((g) => g.rowFilter !== undefined).map((g) => g.table.toLowerCase()),
      );
      for (const table of filtered) {
        const qualified = tables.get(table);
        if (qualified) statements.push(`ALTER TABLE ${qualified} ENABLE ROW LEVEL SECURITY`);
      }
      db.grants.forEach((grant, g) => {
        const table = grant.table.toLowerCase();
        const qualified = tables.get(table);
        if (!qualified)
          throw new RedshiftSetupError(`${path}.grants[${g}].table: no table ${grant.table} in ${db.name}`);
        const role = principalRole(grant.principal, namespace);
        if (role.length === 0 || role.endsWith(':')) {
          throw new RedshiftSetupError(
            `${path}.grants[${g}].principal: name the user, group or database user`,
          );
        }
        addRole(role);
        const privileges = (grant.privileges ?? ['SELECT']).map((p) => p.toUpperCase());
        for (const p of privileges) {
          if (!PRIVILEGES.has(p))
            throw new RedshiftSetupError(`${path}.grants[${g}].privileges: unknown privilege ${p}`);
        }
        statements.push(`GRANT ${privileges.join(', ')} ON TABLE ${qualified} TO ${quoteIdent(role)}`);
        if (filtered.has(table)) {
          const policy = quoteIdent(`rs_grant_${g}`);
          const using = grant.rowFilter ?? 'true';
          statements.push(
            `CREATE POLICY ${policy} ON ${qualified} AS PERMISSIVE FOR ALL TO ${quoteIdent(role)} USING (${using})`,
          );
        }
      });
    });
  });
  return { roles, memberships, statements };
}

/** A query returning one row when `role` exists. */
export function roleExistsSql(role: string): string {
  return `SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = ${quoteLiteral(role)}`;
}

/**
 * `CREATE ROLE` for a database user or group, without privileges. LOGIN only so that `pg_user` lists it
 * (joins with `sys_query_history.user_id`); nothing connects to the embedded database.
 */
export function createRoleSql(role: string): string {
  return `CREATE ROLE ${quoteIdent(role)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE INHERIT`;
}
