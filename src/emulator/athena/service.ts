/**
 * The Athena emulation (awsJson1_1, `AmazonAthena.<Op>`): query executions on the shared SQL engine with
 * Lake Formation-style grants per IdC user and group, workgroups (with or without IAM Identity Center)
 * and their tags.
 */
import type { AthenaGrantConfig } from '../config/types.js';
import type { EmulatorRuntime, ServiceFactory, ServiceModule } from '../core/types.js';
import { createSqlEngine } from '../sql/engine.js';
import type { QueryHistoryEntry, SqlEngine } from '../sql/types.js';
import { applyGrant, revokeGrant, setUpCatalog } from './catalog.js';
import { ExecutionStore } from './executions.js';
import {
  getQueryExecution,
  getQueryResults,
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
  /** The SQL engine holding the catalog. */
  readonly engine: SqlEngine;
}

/** The Athena service module with its admin handle. */
export interface AthenaServiceModule extends ServiceModule {
  readonly admin: AthenaAdmin;
}

/**
 * Creates the Athena service: boots a SQL engine (about 1 s from a snapshot) and lays out the configured
 * tables, roles and grants.
 */
export async function createAthenaService(runtime: EmulatorRuntime): Promise<AthenaServiceModule> {
  const engine = await createSqlEngine({ now: () => runtime.now() });
  try {
    await setUpCatalog(engine, runtime.config);
  } catch (error) {
    await engine.close().catch(() => undefined);
    throw error;
  }
  const workGroups = resolveWorkGroups(runtime.config);
  const createdAt = new Date(runtime.now());
  const deps: QueryDeps = { runtime, engine, store: new ExecutionStore(), workGroups };
  return {
    service: 'athena',
    protocol: 'awsJson1_1',
    handlers: {
      StartQueryExecution: (ctx) => startQueryExecution(deps, ctx),
      GetQueryExecution: (ctx) => getQueryExecution(deps, ctx),
      GetQueryResults: (ctx) => getQueryResults(deps, ctx),
      StopQueryExecution: (ctx) => stopQueryExecution(deps, ctx),
      GetWorkGroup: (ctx) => workGroupOutput(workGroupOf(workGroups, ctx.input.WorkGroup ?? ''), createdAt),
      ListWorkGroups: (ctx) => listWorkGroupsOutput(workGroups, ctx.input, createdAt),
      ListTagsForResource: (ctx) => listTagsOutput(workGroups, ctx.input),
    },
    admin: {
      grant: (grant) => applyGrant(engine, grant),
      revoke: (principal, table) => revokeGrant(engine, principal, table),
      history: () => engine.history(),
      engine,
    },
    close: () => engine.close(),
  };
}

/** {@link createAthenaService} as a {@link ServiceFactory}. */
export const athenaServiceFactory: ServiceFactory = createAthenaService;
