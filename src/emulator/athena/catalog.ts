/**
 * The Athena data catalog on the SQL engine: each configured database is a schema, each `database.table`
 * a table; IdC users and groups are roles `AWSIDC:<userName>` and `AWSIDC:group:<name>` (users are
 * members of their groups' roles); each Lake Formation-style grant is a (column) SELECT privilege plus a
 * permissive row policy (its filter, or all rows), so a user sees the union of their own and their
 * groups' grants. IAM principals using workgroups without Identity Center share role `athena_iam`, which
 * reads every table in full (IAM and S3 permissions, not Lake Formation, govern those workgroups here).
 */
import type { AthenaGrantConfig, EmulatorConfig, TableConfig } from '../config/types.js';
import { SqlError } from '../sql/errors.js';
import { layoutDigest } from '../sql/layout-memo.js';
import type { SqlEngine } from '../sql/types.js';

/** Role of IAM principals on workgroups without Identity Center. */
export const IAM_ROLE = 'athena_iam';

/** Schemas a configured database must not shadow. */
const RESERVED_SCHEMAS = new Set(['pg_catalog', 'information_schema', 'tip_sys', 'pg_toast']);

/** Database role of an IdC user. */
export function userRole(userName: string): string {
  return `AWSIDC:${userName}`;
}

/** Database role of an IdC group. */
export function groupRole(groupName: string): string {
  return `AWSIDC:group:${groupName}`;
}

/** The role of a grant principal (`user:<userName>` or `group:<name>`). */
export function principalRole(principal: string): string {
  if (principal.startsWith('user:')) return userRole(principal.slice(5));
  if (principal.startsWith('group:')) return groupRole(principal.slice(6));
  throw new SqlError(
    '22023',
    `Athena grant principals are user:<userName> or group:<name>, not ${JSON.stringify(principal)}.`,
  );
}

/** `database.table` split and folded to lower case. */
export function splitTable(name: string): { database: string; table: string } {
  const dot = name.indexOf('.');
  if (dot <= 0 || dot === name.length - 1) {
    throw new SqlError('42602', `Athena tables are named database.table, not ${JSON.stringify(name)}.`);
  }
  return { database: name.slice(0, dot).toLowerCase(), table: name.slice(dot + 1).toLowerCase() };
}

/** Applies one grant (privilege, columns, row filter). */
export async function applyGrant(engine: SqlEngine, grant: AthenaGrantConfig): Promise<void> {
  const { database, table } = splitTable(grant.table);
  const role = principalRole(grant.principal);
  await engine.ensureRole(role);
  await engine.grant({
    schema: database,
    table,
    role,
    privileges: ['SELECT'],
    ...(grant.columns ? { columns: grant.columns } : {}),
  });
  if (grant.rowFilter !== undefined) await engine.setRowFilter(database, table, role, grant.rowFilter);
}

/** Removes every privilege and the row filter of `principal` on `table` (`database.table`). */
export async function revokeGrant(engine: SqlEngine, principal: string, tableName: string): Promise<void> {
  const { database, table } = splitTable(tableName);
  await engine.revoke({ schema: database, table, role: principalRole(principal) });
}

async function createTable(engine: SqlEngine, config: TableConfig): Promise<void> {
  const { database, table } = splitTable(config.name);
  if (RESERVED_SCHEMAS.has(database) || database.startsWith('pg_')) {
    throw new SqlError('42939', `The Athena database name ${JSON.stringify(database)} is reserved.`);
  }
  await engine.createTable(database, { name: table, columns: config.columns, rows: config.rows });
  await engine.grantSelect(database, table, IAM_ROLE);
}

/**
 * The digest of what {@link setUpCatalog} lays out from `config`: its tables, grants, groups and users'
 * group memberships (see `layout-memo.ts`).
 */
export function catalogDigest(config: EmulatorConfig): string {
  return layoutDigest('athena', {
    tables: config.athena.tables,
    grants: config.athena.grants,
    groups: config.identityCenter.groups.map((g) => g.name),
    users: config.identityCenter.users.map((u) => [u.userName, u.groups]),
  });
}

/** Lays out tables, roles, memberships and grants of `config.athena` on a fresh engine. */
export async function setUpCatalog(engine: SqlEngine, config: EmulatorConfig): Promise<void> {
  await engine.ensureRole(IAM_ROLE);
  for (const table of config.athena.tables) await createTable(engine, table);
  for (const group of config.identityCenter.groups) await engine.ensureRole(groupRole(group.name));
  for (const user of config.identityCenter.users) {
    await engine.ensureRole(userRole(user.userName));
    for (const group of user.groups) {
      await engine.ensureRole(groupRole(group));
      await engine.grantRoleTo(groupRole(group), userRole(user.userName));
    }
  }
  for (const grant of config.athena.grants) await applyGrant(engine, grant);
}
