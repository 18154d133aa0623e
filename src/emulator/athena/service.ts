/**
 * The Athena emulation (awsJson1_1, `AmazonAthena.<Op>`): query executions on the shared SQL engine with
 * Lake Formation-style grants per IdC user and group, workgroups (with or without IAM Identity Center)
 * and their tags.
 */
import type { AthenaGrantConfig } from '../config/types.js';
import type { EmulatorRuntime, ServiceFactory, ServiceModule } from '../core/types.js';
import { createSqlEngine } from '../sql/engine.js';
import { layoutProven, markLayoutProven } from '../sql/layout-memo.js';
import type { QueryHistoryEntry, SqlEngine } from '../sql/types.js';
import { applyGrant, catalogDigest, revokeGrant, setUpCatalog } from './catalog.js';
import { ExecutionStore } from './executions.js';
import { athenaIamRequests } from './iam.js';
import { ATHENA_INPUT_SHAPES } from './input-shapes.js';
import { getTableMetadata, listDatabases, listTableMetadata } from './metadata.js';
import { getQueryResults } from './results.js';
import {
  getQueryExecution,
  type QueryDeps,
  startQueryExecution,
  stopQueryExecution,
} from './query-handlers.js';
import {
  listTagsOutput,
  listWorkGroupsOutput,
  resolveWorkGroups,
  workGroupOutput,
  workGroupOf,
} from './workgroups.js';

/** Runtime control of the Athena catalog, for tests and demos. */
export interface AthenaAdmin {
  /** Adds a Lake Formation-style grant (applies to queries started afterwards). */
  grant(grant: AthenaGrantConfig): Promise<void>;
  /** Removes every permission of `principal` (`user:<name>` or `group:<name>`) on `table` (`database.table`). */
  revoke(principal: string, table: string): Promise<void>;
  /** Query history (role `AWSIDC:<userName>` for IdC users, `athena_iam` for IAM callers). */
  history(): Promise<QueryHistoryEntry[]>;
  /** The SQL engine holding the catalog (booted on first use when no tables are configured). */
  engine(): Promise<SqlEngine>;
}

/** The Athena service module with its admin handle. */
export interface AthenaServiceModule extends ServiceModule {
  readonly admin: AthenaAdmin;
}

/**
 * Creates the Athena service over a SQL engine (about 0.3 s of CPU to boot from this process's
 * snapshot) holding the configured tables, roles and grants. The engine boots at start when this process
 * has not yet laid out that catalog (so a catalog the database refuses fails the start), otherwise on the
 * first query; without configured tables or grants, always on the first query.
 */
export async function createAthenaService(runtime: EmulatorRuntime): Promise<AthenaServiceModule> {
  let booting: Promise<SqlEngine> | undefined;
  const boot = async (): Promise<SqlEngine> => {
    const engine = await createSqlEngine({ now: () => runtime.now() });
    try {
      await setUpCatalog(engine, runtime.config);
    } catch (error) {
      await engine.close().catch(() => undefined);
      throw error;
    }
    return engine;
  };
  const engine = (): Promise<SqlEngine> => {
    booting ??= boot().catch((error: unknown) => {
      booting = undefined;
      throw error;
    });
    return booting;
  };
  const { tables, grants } = runtime.config.athena;
  // Configuration errors in tables or grants surface when the emulator starts, not at the first query:
  // the first emulator of a layout in this process boots at start; later ones on their first query.
  if (tables.length > 0 || grants.length > 0) {
    const digest = catalogDigest(runtime.config);
    if (!layoutProven(digest)) {
      await engine();
      markLayoutProven(digest);
    }
  }
  const workGroups = resolveWorkGroups(runtime.config);
  const createdAt = new Date(runtime.now());
  const deps: QueryDeps = { runtime, engine, store: new ExecutionStore(), workGroups };
  return {
    service: 'athena',
    protocol: 'awsJson1_1',
    iamRequests: (operation, input) => athenaIamRequests(runtime.config, operation, input),
    inputShapes: ATHENA_INPUT_SHAPES,
    handlers: {
      StartQueryExecution: (ctx) => startQueryExecution(deps, ctx),
      GetQueryExecution: (ctx) => getQueryExecution(deps, ctx),
      GetQueryResults: (ctx) => getQueryResults(deps, ctx),
      StopQueryExecution: (ctx) => stopQueryExecution(deps, ctx),
      GetWorkGroup: (ctx) => workGroupOutput(workGroupOf(workGroups, ctx.input.WorkGroup ?? ''), createdAt),
      ListWorkGroups: (ctx) => listWorkGroupsOutput(workGroups, ctx.input, createdAt),
      ListTagsForResource: (ctx) => listTagsOutput(workGroups, ctx.input),
      ListDatabases: (ctx) => listDatabases(deps, ctx),
      ListTableMetadata: (ctx) => listTableMetadata(deps, ctx),
      GetTableMetadata: (ctx) => getTableMetadata(deps, ctx),
    },
    admin: {
      grant: async (grant) => applyGrant(await engine(), grant),
      revoke: async (principal, table) => revokeGrant(await engine(), principal, table),
      history: async () => (await engine()).history(),
      engine,
    },
    close: async () => {
      const started = booting;
      booting = undefined;
      if (started) await (await started.catch(() => undefined))?.close();
    },
  };
}

/** {@link createAthenaService} as a {@link ServiceFactory}. */
export const athenaServiceFactory: ServiceFactory = createAthenaService;
