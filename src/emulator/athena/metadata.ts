/**
 * Catalog metadata (`ListDatabases`, `ListTableMetadata`, `GetTableMetadata`) as Lake Formation shows it:
 * only the databases, tables and columns the caller's role may select. Identity-enhanced sessions must
 * name an Identity Center workgroup (`WorkGroup`), as on AWS.
 */
import { AwsServiceError, type EmulatorRuntime, type OperationContext } from '../core/types.js';
import { IAM_ROLE, splitTable } from './catalog.js';
import { invalidRequest } from './errors.js';
import { type QueryDeps, requireCaller, roleFor } from './query-handlers.js';
import { workGroupOf } from './workgroups.js';

type Ctx = OperationContext<EmulatorRuntime>;

/** Visible columns per `database.table`, in column order. */
type Visible = Map<string, { database: string; table: string; columns: string[] }>;

function metadataError(message: string): AwsServiceError {
  return new AwsServiceError('MetadataException', message, 400);
}

function roleOf(deps: QueryDeps, ctx: Ctx): string {
  const caller = requireCaller(ctx);
  const catalog = ctx.input.CatalogName;
  if (typeof catalog !== 'string' || catalog.length > 256)
    throw invalidRequest('CatalogName must be a 1..256-character string.');
  if (catalog.toLowerCase() !== 'awsdatacatalog') {
    throw metadataError(`Catalog ${JSON.stringify(catalog.slice(0, 64))} was not found; use AwsDataCatalog.`);
  }
  if (ctx.input.WorkGroup === undefined) {
    if (caller.identityContext) {
      throw invalidRequest(
        'Requests with identity-enhanced credentials must name an Identity Center WorkGroup.',
      );
    }
    return IAM_ROLE;
  }
  return roleFor(ctx, caller, workGroupOf(deps.workGroups, ctx.input.WorkGroup));
}

async function visible(deps: QueryDeps, role: string): Promise<Visible> {
  const engine = await deps.engine();
  const result = await engine.admin(
    `SELECT n.nspname, c.relname, a.attname
       FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
      WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'tip_sys', 'public')
        AND n.nspname NOT LIKE 'pg\\_%' AND has_column_privilege($1, c.oid, a.attnum, 'SELECT')
      ORDER BY n.nspname, c.relname, a.attnum`,
    [role],
  );
  const out: Visible = new Map();
  for (const [database, table, column] of result.rows as [string, string, string][]) {
    const key = `${database}.${table}`;
    const entry = out.get(key) ?? { database, table, columns: [] };
    entry.columns.push(column);
    out.set(key, entry);
  }
  return out;
}

function tableMetadata(
  deps: QueryDeps,
  entry: { database: string; table: string; columns: string[] },
): object {
  const config = deps.runtime.config.athena.tables.find((t) => {
    const { database, table } = splitTable(t.name);
    return database === entry.database && table === entry.table;
  });
  const typeOf = (name: string) =>
    config?.columns.find((c) => c.name.toLowerCase() === name)?.type ?? 'string';
  return {
    Name: entry.table,
    TableType: 'EXTERNAL_TABLE',
    Columns: entry.columns.map((name) => ({ Name: name, Type: typeOf(name) })),
    PartitionKeys: [],
    Parameters: {},
  };
}

function name(ctx: Ctx, key: string): string {
  const v = ctx.input[key];
  if (typeof v !== 'string' || v.length === 0 || v.length > 128)
    throw invalidRequest(`${key} must be a 1..128-character string.`);
  return v.toLowerCase();
}

/** `ListDatabases`: databases holding at least one table the caller may read. */
export async function listDatabases(deps: QueryDeps, ctx: Ctx): Promise<object> {
  const tables = await visible(deps, roleOf(deps, ctx));
  const names = [...new Set([...tables.values()].map((t) => t.database))];
  return { DatabaseList: names.map((Name) => ({ Name, Parameters: {} })) };
}

/** `ListTableMetadata`: the caller's tables of a database, with only their permitted columns. */
export async function listTableMetadata(deps: QueryDeps, ctx: Ctx): Promise<object> {
  const role = roleOf(deps, ctx);
  const database = name(ctx, 'DatabaseName');
  const tables = [...(await visible(deps, role)).values()].filter((t) => t.database === database);
  return { TableMetadataList: tables.map((t) => tableMetadata(deps, t)) };
}

/** `GetTableMetadata`: one table with its permitted columns; a table the caller may not read is not found. */
export async function getTableMetadata(deps: QueryDeps, ctx: Ctx): Promise<object> {
  const role = roleOf(deps, ctx);
  const database = name(ctx, 'DatabaseName');
  const table = name(ctx, 'TableName');
  const entry = (await visible(deps, role)).get(`${database}.${table}`);
  if (!entry) throw metadataError(`Table ${database}.${table} was not found.`);
  return { TableMetadata: tableMetadata(deps, entry) };
}
