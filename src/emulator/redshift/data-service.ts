/**
 * The Redshift Data API (`redshift-data`, awsJson1_1, `X-Amz-Target: RedshiftData.<Op>`): ExecuteStatement,
 * BatchExecuteStatement, DescribeStatement, GetStatementResult, GetStatementResultV2, CancelStatement and
 * ListStatements, over the emulator's SQL engine with per-user roles, grants and row-level security.
 *
 * Rules it enforces, as the service documents them:
 * - identity-enhanced sessions run as `<namespace>:<userName>` and may not pass `DbUser`/`SecretArn`
 *   (see `data-input.ts` for plain IAM callers);
 * - DescribeStatement, GetStatementResult(V2) and CancelStatement answer only the same IdC user in the
 *   same IAM role that ran the statement; anyone else gets `ResourceNotFoundException`, exactly as for an
 *   id that does not exist, so statement ids of other users leak nothing;
 * - ListStatements needs `ClusterIdentifier` or `WorkgroupName` for identity-enhanced callers and lists
 *   only the caller's own statements;
 * - SQL errors (permission denied, syntax) do not fail the API call: the statement is FAILED and
 *   `Error` holds `ERROR: <Postgres message>`;
 * - an unknown database is accepted and the statement FAILS with `FATAL: database "<name>" does not exist`.
 */
import { hkdfSync } from 'node:crypto';
import type { EmulatorRuntime, ServiceFactory } from '../core/types.js';
import { acquireSqlBackend } from './database.js';
import type { DataServiceState, RedshiftBackend } from './data-state.js';
import { executeHandlers } from './execute-handlers.js';
import { StatementExecutor } from './executor.js';
import { readHandlers } from './read-handlers.js';
import { REDSHIFT_DATA_INPUT_SHAPES, redshiftIamRequests } from './input-shapes.js';
import { StatementStore, type StatementTiming } from './statements.js';

/** Options of {@link redshiftDataServiceFactory}; each defaults to `config.redshift` and then to the value given. */
export interface RedshiftDataServiceOptions {
  /** Rows per result page. Default `config.redshift.maxPageSize`, else 1000. */
  readonly maxPageSize?: number;
  /** Statement timing, milliseconds. Default `config.redshift.{submittedMs,pickedMs,runningMs}`, else 0. */
  readonly timing?: Partial<StatementTiming>;
  /** The backend. Default: the emulator's SQL engine with the configured databases, shared with the SQL endpoints. */
  readonly backend?: (runtime: EmulatorRuntime) => RedshiftBackend | Promise<RedshiftBackend>;
}

function nonNegative(value: number | undefined, fallback: number, name: string): number {
  const v = value ?? fallback;
  if (!Number.isSafeInteger(v) || v < 0)
    throw new TypeError(`redshift ${name} must be a non-negative integer, got ${v}`);
  return v;
}

/**
 * A Data API service factory with explicit options (page size, timing, backend). The emulator registers
 * {@link createRedshiftDataService}, which reads them from `config.redshift`.
 */
export function redshiftDataServiceFactory(options: RedshiftDataServiceOptions = {}): ServiceFactory {
  return async (runtime) => {
    const config = runtime.config.redshift;
    const timing: StatementTiming = {
      submittedMs: nonNegative(options.timing?.submittedMs ?? config.submittedMs, 0, 'submittedMs'),
      pickedMs: nonNegative(options.timing?.pickedMs ?? config.pickedMs, 0, 'pickedMs'),
      runningMs: nonNegative(options.timing?.runningMs ?? config.runningMs, 0, 'runningMs'),
    };
    const pageSize = nonNegative(options.maxPageSize ?? config.maxPageSize, 1000, 'maxPageSize');
    if (pageSize === 0) throw new TypeError('redshift maxPageSize must be at least 1');
    // The default backend is shared with the SQL endpoints, so both serve the same databases.
    const lease = options.backend ? undefined : await acquireSqlBackend(runtime);
    const backend = lease ? lease.backend : await options.backend!(runtime);
    const state: DataServiceState = {
      runtime,
      store: new StatementStore(),
      executor: new StatementExecutor(
        () => backend.runner(),
        () => runtime.now(),
      ),
      backend,
      pageSize,
      timing,
      // A key of its own: page tokens are HMACed, never with the key that seals identity contexts.
      tokenKey: Buffer.from(
        hkdfSync('sha256', runtime.secretKey, Buffer.alloc(0), 'tip-sdk/redshift-page-token', 32),
      ),
      nextPid: 1073741824 + Math.floor(Math.random() * 1_000_000),
      nextQueryId: 1000,
    };
    return {
      service: 'redshift-data',
      protocol: 'awsJson1_1',
      iamRequests: redshiftIamRequests,
      inputShapes: REDSHIFT_DATA_INPUT_SHAPES,
      handlers: { ...executeHandlers(state), ...readHandlers(state) },
      async close() {
        await state.executor.close();
        await (lease ? lease.release() : backend.close?.());
      },
    };
  };
}

/** The Data API module with options from `config.redshift` and the shared SQL engine. */
export const createRedshiftDataService: ServiceFactory = (runtime) => redshiftDataServiceFactory()(runtime);
