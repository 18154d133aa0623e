/**
 * State shared by the Data API handlers, and the checks they share: caller, resource-level authorization
 * and statement ownership.
 */
import { AwsServiceError, type Caller, type EmulatorRuntime, type OperationContext } from '../core/types.js';
import { ownerOf, validation } from './data-input.js';
import type { StatementExecutor } from './executor.js';
import type { SqlRunner } from './sql-runner.js';
import {
  ownedBy,
  STATEMENT_ID,
  type Statement,
  type StatementStore,
  type StatementTiming,
} from './statements.js';
import { type RedshiftTarget, targetArn } from './targets.js';

/** The internal schemas of one database. */
export interface DatabaseSchemas {
  /** Search path: the internal schemas, the one of `public` first, the compatibility functions last. */
  readonly searchPath: readonly string[];
  /** Redshift schema name (lower case) -> internal schema name. */
  readonly byName: ReadonlyMap<string, string>;
}

/** Where statements run: the internal schema of each database and the runner. */
export interface RedshiftBackend {
  /** The internal schemas of `database` on `target`; undefined when the database does not exist. */
  schemasOf(target: RedshiftTarget, database: string): DatabaseSchemas | undefined;
  /** The runner, once the databases are set up. */
  runner(): Promise<SqlRunner>;
  close?(): Promise<void>;
}

/** Shared state of the Data API handlers. */
export interface DataServiceState {
  readonly runtime: EmulatorRuntime;
  readonly store: StatementStore;
  readonly executor: StatementExecutor;
  readonly backend: RedshiftBackend;
  readonly pageSize: number;
  readonly timing: StatementTiming;
  /** Key of page tokens. */
  readonly tokenKey: Buffer;
  /** Next `RedshiftPid` / `RedshiftQueryId`. */
  nextPid: number;
  nextQueryId: number;
}

/** Resolves the caller, or the error the front would give for an unsigned call (never happens for this service). */
export function callerOf(ctx: OperationContext<unknown>): Caller {
  if (!ctx.caller) throw new AwsServiceError('AccessDeniedException', 'The request must be signed', 400);
  return ctx.caller;
}

/** Checks the identity-enhanced switch and the resource-level IAM decision for `action` on `target`. */
export function authorizeTarget(
  ctx: OperationContext<EmulatorRuntime>,
  caller: Caller,
  action: string,
  arn: string,
): void {
  if (caller.identityContext && !ctx.state.config.redshift.allowIdentityEnhanced) {
    ctx.audit('denied', arn, `${action}: redshift.allowIdentityEnhanced is false`);
    throw new AwsServiceError(
      'AccessDeniedException',
      `${action} is not allowed for identity-enhanced sessions`,
      400,
    );
  }
  authorizeAction(ctx, caller, action, arn);
}

/** Checks the IAM decision for `action` on `arn`; a refusal is audited and answered AccessDeniedException. */
export function authorizeAction(
  ctx: OperationContext<EmulatorRuntime>,
  caller: Caller,
  action: string,
  arn: string,
): void {
  const decision = ctx.state.authorize(caller, action, arn);
  if (!decision.allowed) {
    ctx.audit('denied', arn, decision.reason);
    throw new AwsServiceError(
      'AccessDeniedException',
      `User: ${caller.arn} is not authorized to perform: ${action} on resource: ${arn}`,
      400,
    );
  }
}

/**
 * Finds statement `id` (or `id:N`) for its owner. Unknown, expired and other callers' statements all give
 * the same `ResourceNotFoundException`.
 */
export function ownStatement(
  ctx: OperationContext<EmulatorRuntime>,
  state: DataServiceState,
  caller: Caller,
  rawId: unknown,
): { statement: Statement; subIndex: number | undefined; id: string } {
  const now = ctx.now;
  if (typeof rawId !== 'string') throw validation('Id is required');
  const match = STATEMENT_ID.exec(rawId);
  if (!match) throw validation('Id must be a statement id: a UUID, optionally with a :N suffix');
  const statement = state.store.get(match[1] as string, now);
  const owner = ownerOf(caller);
  const notFound = new AwsServiceError('ResourceNotFoundException', 'Query does not exist.', 404, {
    ResourceId: rawId,
  });
  if (!statement) throw notFound;
  if (!ownedBy(statement, owner)) {
    ctx.audit(
      'denied',
      targetArn(ctx.state, statement.target),
      `${ctx.operation}: statement of another user or role`,
    );
    throw notFound;
  }
  let subIndex: number | undefined;
  if (match[2] !== undefined) {
    const n = Number(match[2]);
    if (!statement.isBatch || n < 1 || n > statement.subStatements.length) throw notFound;
    subIndex = n - 1;
  }
  return { statement, subIndex, id: rawId };
}
