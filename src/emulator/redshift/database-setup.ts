/**
 * The layout of the configured Redshift databases on the SQL engine, applied once by its administrator:
 *
 * - one internal schema per Redshift schema of each (target, database) (`public` always), usable by
 *   everyone, holding the configured tables (`schema.table`); nobody but the administrator has any
 *   privilege on a table until a grant gives one;
 * - IdC users and groups as roles `<namespace>:<name>` (namespace of the target, default `AWSIDC`), each
 *   user a member of its groups' roles; plain database users from grants as roles of that name;
 * - grants as table privileges plus one permissive row policy per grant (`USING (<filter>)`, or all rows
 *   for a grant without one), so a user sees the union of the rows their own and their groups' grants allow.
 *
 * Row filters come from the trusted configuration and are used as SQL.
 */
import type { EmulatorConfig, TableConfig } from '../config/types.js';
import type { DatabaseSchemas } from './data-state.js';
import { COMPAT_SCHEMA, DEFAULT_IDC_NAMESPACE, type RedshiftTarget, schemaFor } from './targets.js';

/** Privileges a grant may name. */
const PRIVILEGES = new Set(['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'ALL']);

/** A configuration the setup cannot lay out; the message names the path. */
export class RedshiftSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RedshiftSetupError';
  }
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
  return { searchPath: [...byName.values(), COMPAT_SCHEMA], byName };
}

/** The role of a grant principal on a target with IdC namespace `namespace`. */
export function principalRole(principal: string, namespace: string): string {
  if (principal.startsWith('user:')) return `${namespace}:${principal.slice(5)}`;
  if (principal.startsWith('group:')) return `${namespace}:${principal.slice(6)}`;
  return principal;
}

/** A table to create in an internal schema. */
export interface LayoutTable {
  /** Internal schema. */
  readonly schema: string;
  /** Table name, lower case. */
  readonly name: string;
  readonly columns: readonly { readonly name: string; readonly type: string }[];
  readonly rows: readonly (readonly unknown[])[];
}

/** A grant on a table of an internal schema. */
export interface LayoutGrant {
  readonly schema: string;
  readonly table: string;
  readonly role: string;
  /** Upper-case privileges; `ALL` stands for every table privilege. */
  readonly privileges: readonly string[];
  /** Row filter of this role on the table. */
  readonly rowFilter?: string;
}

/** One configured database, laid out. */
export interface LayoutDatabase {
  /** Target key, `workgroup/<name>` or `cluster/<name>`. */
  readonly target: string;
  readonly database: string;
  readonly schemas: DatabaseSchemas;
  readonly tables: readonly LayoutTable[];
  readonly grants: readonly LayoutGrant[];
}

/** The whole layout: roles, then memberships, then each database. */
export interface RedshiftLayout {
  /** Every role, in creation order. */
  readonly roles: readonly string[];
  /** Role memberships `[group role, member role]`. */
  readonly memberships: readonly (readonly [string, string])[];
  readonly databases: readonly LayoutDatabase[];
}

/** Builds the layout of every configured Redshift database. */
export function redshiftLayout(config: EmulatorConfig): RedshiftLayout {
  const roles: string[] = [];
  const memberships: [string, string][] = [];
  const databases: LayoutDatabase[] = [];
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
  config.redshift.targets.forEach((target, t) => {
    const kind = target.workgroupName !== undefined ? 'workgroup' : 'cluster';
    const name = target.workgroupName ?? target.clusterIdentifier ?? '';
    const namespace = target.idcNamespace ?? DEFAULT_IDC_NAMESPACE;
    target.databases.forEach((db, d) => {
      const path = `redshift.targets[${t}].databases[${d}]`;
      const schemas = databaseSchemas({ kind, name }, db);
      const locate = (configured: string) => {
        const { schema, table } = splitTableName(configured);
        return { schema: schemas.byName.get(schema) ?? '', table };
      };
      const tables: LayoutTable[] = db.tables.map((table, k) => {
        if (table.columns.length === 0) {
          throw new RedshiftSetupError(`${path}.tables[${k}].columns: a table needs at least one column`);
        }
        const { schema, table: tableName } = locate(table.name);
        return { schema, name: tableName, columns: table.columns, rows: table.rows };
      });
      const known = new Set(db.tables.map((table) => table.name.toLowerCase()));
      const grants: LayoutGrant[] = db.grants.map((grant, g) => {
        if (!known.has(grant.table.toLowerCase())) {
          throw new RedshiftSetupError(`${path}.grants[${g}].table: no table ${grant.table} in ${db.name}`);
        }
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
        const { schema, table } = locate(grant.table);
        return {
          schema,
          table,
          role,
          privileges,
          ...(grant.rowFilter === undefined ? {} : { rowFilter: grant.rowFilter }),
        };
      });
      databases.push({ target: `${kind}/${name}`, database: db.name, schemas, tables, grants });
    });
  });
  return { roles, memberships, databases };
}
