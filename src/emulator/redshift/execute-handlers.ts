/**
 * ExecuteStatement, BatchExecuteStatement, CancelStatement and ListStatements.
 */
import type { EmulatorRuntime, OperationContext, OperationHandler } from '../core/types.js';
import {
  authorizeAction,
  authorizeTarget,
  callerOf,
  type DataServiceState,
  ownStatement,
} from './data-state.js';
import {
  checkSql,
  databaseUser,
  MAX_BATCH_SQLS,
  ownerOf,
  parseExecuteRequest,
  resolveTarget,
  validation,
} from './data-input.js';
import { bindParameters } from './parameters.js';
import { rewriteSchemas } from './schema-rewrite.js';
import { pageToken, readPageToken } from './result-pages.js';
import { epochSeconds, statementData } from './statement-view.js';
import { newStatementId, ownedBy, type Statement, statusAt, type SubStatement } from './statements.js';
import { dbUserArn, targetArn } from './targets.js';

type Handler = OperationHandler<EmulatorRuntime>;

const STATUSES = new Set(['ALL', 'SUBMITTED', 'PICKED', 'STARTED', 'FINISHED', 'FAILED', 'ABORTED']);
/** Most entries per ListStatements page (the service's maximum and default). */
const MAX_LIST_RESULTS = 100;

function executeOutput(statement: Statement): Record<string, unknown> {
  return {
    Id: statement.id,
    CreatedAt: epochSeconds(statement.createdAt),
    Database: statement.database,
    ...(statement.target.kind === 'workgroup'
      ? { WorkgroupName: statement.target.name }
      : { ClusterIdentifier: statement.target.name }),
    ...(statement.requestDbUser === undefined ? {} : { DbUser: statement.requestDbUser }),
  };
}

function submit(
  state: DataServiceState,
  ctx: OperationContext<EmulatorRuntime>,
  sqls: string[],
  isBatch: boolean,
) {
  const runtime = ctx.state;
  const caller = callerOf(ctx);
  const request = parseExecuteRequest(runtime, caller, ctx.input);
  const arn = targetArn(runtime, request.target);
  authorizeTarget(ctx, caller, `redshift-data:${ctx.operation}`, arn);
  if (request.requestDbUser !== undefined) {
    // The Data API gets a DbUser's credentials with GetClusterCredentials on the caller's behalf.
    authorizeAction(
      ctx,
      caller,
      'redshift:GetClusterCredentials',
      dbUserArn(runtime, request.target, request.requestDbUser),
    );
  }
  const owner = ownerOf(caller);
  if (request.clientToken !== undefined) {
    const earlier = state.store.byClientToken(owner, request.clientToken, ctx.now);
    if (earlier) return executeOutput(earlier);
  }
  const schemas = state.backend.schemasOf(request.target, request.database);
  const used = new Set<string>();
  const subStatements: SubStatement[] = sqls.map((sql) => {
    const bound = bindParameters(sql, request.parameters);
    if (!bound.ok) throw validation(bound.message);
    for (const name of bound.used) used.add(name);
    return {
      queryString: sql,
      bound: { sql: schemas ? rewriteSchemas(bound.sql, schemas.byName) : bound.sql, params: bound.params },
      queryId: state.nextQueryId++,
    };
  });
  const unused = request.parameters.filter((p) => !used.has(p.name)).map((p) => p.name);
  if (unused.length > 0) {
    const more = unused.length > 3 ? ` and ${unused.length - 3} more` : '';
    throw validation(`Parameters not used in the SQL: ${unused.slice(0, 3).join(', ')}${more}`);
  }
  const statement: Statement = {
    id: newStatementId(),
    owner,
    callerArn: caller.arn,
    target: request.target,
    database: request.database,
    dbUser: databaseUser(caller, request.target, request.requestDbUser),
    searchPath: schemas?.searchPath ?? [],
    isBatch,
    subStatements,
    parameters: request.parameters,
    resultFormat: request.resultFormat,
    createdAt: ctx.now,
    timing: state.timing,
    redshiftPid: state.nextPid++,
    ...(request.requestDbUser === undefined ? {} : { requestDbUser: request.requestDbUser }),
    ...(request.statementName === undefined ? {} : { statementName: request.statementName }),
    ...(schemas === undefined
      ? { connectError: `FATAL: database "${request.database.slice(0, 64)}" does not exist` }
      : {}),
  };
  state.store.add(statement, request.clientToken);
  state.executor.schedule(statement);
  ctx.audit('allowed', arn, `${ctx.operation} ${statement.id} as ${statement.dbUser} in ${request.database}`);
  return executeOutput(statement);
}

/** Handlers that start, cancel and list statements. */
export function executeHandlers(state: DataServiceState): Record<string, Handler> {
  return {
    ExecuteStatement(ctx) {
      return submit(state, ctx, [checkSql(ctx.input.Sql, 'Sql')], false);
    },

    BatchExecuteStatement(ctx) {
      const sqls = ctx.input.Sqls;
      if (!Array.isArray(sqls) || sqls.length === 0 || sqls.length > MAX_BATCH_SQLS) {
        throw validation(`Sqls must be a list of 1 to ${MAX_BATCH_SQLS} SQL statements`);
      }
      return submit(
        state,
        ctx,
        sqls.map((sql, k) => checkSql(sql, `Sqls[${k}]`)),
        true,
      );
    },

    async CancelStatement(ctx) {
      const caller = callerOf(ctx);
      const { statement, subIndex } = ownStatement(ctx, state, caller, ctx.input.Id);
      if (subIndex !== undefined) throw validation('Cancel a batch with its own id, without the :N suffix');
      await state.executor.settle(statement, ctx.now);
      const status = statusAt(statement, ctx.now);
      if (status === 'FINISHED' || status === 'FAILED' || status === 'ABORTED') {
        throw validation(`Could not cancel a query that is already in ${status} state.`);
      }
      statement.aborted = true;
      statement.endedAt = ctx.now;
      for (const sub of statement.subStatements) sub.status = 'ABORTED';
      ctx.audit('allowed', targetArn(ctx.state, statement.target), `CancelStatement ${statement.id}`);
      return { Status: true };
    },

    async ListStatements(ctx) {
      const caller = callerOf(ctx);
      const input = ctx.input;
      const hasTarget = input.ClusterIdentifier !== undefined || input.WorkgroupName !== undefined;
      if (caller.identityContext && !hasTarget) {
        throw validation(
          'ClusterIdentifier or WorkgroupName is required to list statements with IAM Identity Center credentials',
        );
      }
      const target = hasTarget ? resolveTarget(ctx.state, input) : undefined;
      const status = input.Status ?? 'ALL';
      if (typeof status !== 'string' || !STATUSES.has(status)) {
        throw validation(`Status must be one of ${[...STATUSES].join(', ')}`);
      }
      const max = input.MaxResults ?? MAX_LIST_RESULTS;
      if (typeof max !== 'number' || !Number.isInteger(max) || max < 0 || max > MAX_LIST_RESULTS) {
        throw validation(`MaxResults must be an integer from 0 to ${MAX_LIST_RESULTS}`);
      }
      const pageSize = max === 0 ? MAX_LIST_RESULTS : max;
      const roleLevel = input.RoleLevel ?? true;
      if (typeof roleLevel !== 'boolean') throw validation('RoleLevel must be a boolean');
      const name = input.StatementName;
      if (name !== undefined && typeof name !== 'string') throw validation('StatementName must be a string');
      const database = input.Database;
      if (database !== undefined && typeof database !== 'string')
        throw validation('Database must be a string');
      const owner = ownerOf(caller);
      const listKey = `list:${JSON.stringify([owner, target?.kind, target?.name, status, roleLevel, name, database])}`;
      const offset = readPageToken(state.tokenKey, listKey, input.NextToken);
      const matching: Statement[] = [];
      for (const statement of state.store.list(ctx.now)) {
        if (!ownedBy(statement, owner)) continue;
        if (!roleLevel && statement.callerArn !== caller.arn) continue;
        if (target && (statement.target.kind !== target.kind || statement.target.name !== target.name))
          continue;
        if (database !== undefined && statement.database !== database) continue;
        if (name !== undefined && !(statement.statementName ?? '').startsWith(name)) continue;
        await state.executor.settle(statement, ctx.now);
        if (status !== 'ALL' && statusAt(statement, ctx.now) !== status) continue;
        matching.push(statement);
      }
      const page = matching.slice(offset, offset + pageSize);
      const end = offset + page.length;
      return {
        Statements: page.map((s) => statementData(s, ctx.now)),
        ...(end < matching.length ? { NextToken: pageToken(state.tokenKey, listKey, end) } : {}),
      };
    },
  };
}
