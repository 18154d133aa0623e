import { createHash, randomUUID } from 'node:crypto';
import type { Caller, EmulatorRuntime, OperationContext } from '../core/types.js';
import { AwsServiceError } from '../core/types.js';
import { leadingWords } from '../sql/guard.js';
import type { SqlEngine } from '../sql/types.js';
import { IAM_ROLE, userRole } from './catalog.js';
import { athenaType } from './column-info.js';
import { athenaFailure, invalidRequest } from './errors.js';
import { type Execution, type ExecutionStore, stateAt, statementTypes } from './executions.js';
import { executionParameters, rewritePlaceholders } from './params.js';
import { type WorkGroup, engineVersion, workGroupOf } from './workgroups.js';

/** What the query handlers share. */
export interface QueryDeps {
  readonly runtime: EmulatorRuntime;
  /** The engine, booted on first use. */
  readonly engine: () => Promise<SqlEngine>;
  readonly store: ExecutionStore;
  readonly workGroups: ReadonlyMap<string, WorkGroup>;
}

type Ctx = OperationContext<EmulatorRuntime>;

const MAX_QUERY_LENGTH = 262_144;
const ID_PATTERN = /^[a-zA-Z0-9-]{1,128}$/;

export function requireCaller(ctx: Ctx): Caller {
  if (!ctx.caller)
    throw new AwsServiceError('UnrecognizedClientException', 'The request must be signed.', 400);
  return ctx.caller;
}

function optString(input: Record<string, unknown>, key: string, max: number): string | undefined {
  const v = input[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v.length === 0 || v.length > max) {
    throw invalidRequest(`${key} must be a 1..${max}-character string.`);
  }
  return v;
}

function optObject(input: Record<string, unknown>, key: string): Record<string, unknown> {
  const v = input[key];
  if (v === undefined) return {};
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw invalidRequest(`${key} must be a structure.`);
  return v as Record<string, unknown>;
}

/**
 * Decides the database role a caller's query runs as. Identity Center workgroups accept only
 * identity-enhanced sessions of their instance (AWS documents no exact error for plain credentials; the
 * emulator answers `InvalidRequestException`); other workgroups run IAM callers as {@link IAM_ROLE} and
 * refuse identity-enhanced sessions, so a user's session never gains the IAM role's full access.
 */
export function roleFor(ctx: Ctx, caller: Caller, group: WorkGroup): string {
  const identity = caller.identityContext;
  if (!group.identityCenter) {
    // An identity-enhanced session must not fall back to the IAM role's full access (AWS leaves this open).
    if (identity) {
      ctx.audit('denied', group.arn, 'identity-enhanced session on a workgroup without IAM Identity Center');
      throw invalidRequest(
        `WorkGroup ${group.name} is not enabled for IAM Identity Center; identity-enhanced credentials need an Identity Center workgroup.`,
      );
    }
    return IAM_ROLE;
  }
  if (!identity) {
    ctx.audit('denied', group.arn, 'workgroup requires IAM Identity Center identity-enhanced credentials');
    throw invalidRequest(
      `WorkGroup ${group.name} is enabled for IAM Identity Center; call it with identity-enhanced credentials (an AssumeRole session with an Identity Center context).`,
    );
  }
  if (identity.instanceArn !== group.identityCenterInstanceArn) {
    ctx.audit('denied', group.arn, 'identity context is from another IAM Identity Center instance');
    throw invalidRequest(
      `The identity context is not from the IAM Identity Center instance of WorkGroup ${group.name}.`,
    );
  }
  return userRole(identity.userName);
}

function ownerOf(caller: Caller): Execution['owner'] {
  return { accountId: caller.accountId, idcUserId: caller.identityContext?.idcUserId };
}

/** The execution, if the caller may see it (same account; same IdC user on Identity Center workgroups). */
export function visibleExecution(deps: QueryDeps, ctx: Ctx): Execution {
  const caller = requireCaller(ctx);
  const id = ctx.input.QueryExecutionId;
  if (typeof id !== 'string' || !ID_PATTERN.test(id)) throw invalidRequest('QueryExecutionId is not valid.');
  const execution = deps.store.get(id);
  const visible =
    execution !== undefined &&
    execution.owner.accountId === caller.accountId &&
    (!execution.workGroup.identityCenter || execution.owner.idcUserId === caller.identityContext?.idcUserId);
  if (!visible) throw invalidRequest(`QueryExecution ${id} was not found`);
  // IAM evaluates the operation on the workgroup the execution ran in.
  const action = `athena:${ctx.operation}`;
  const decision = deps.runtime.authorize(caller, action, execution.workGroup.arn);
  if (!decision.allowed) {
    ctx.audit('denied', execution.workGroup.arn, decision.reason);
    throw new AwsServiceError(
      'AccessDeniedException',
      `User: ${caller.arn} is not authorized to perform: ${action} on resource: ${execution.workGroup.arn} because ${decision.reason}`,
    );
  }
  return execution;
}

/** `StartQueryExecution`: validates, runs the SQL as the caller's role, records the outcome. */
export async function startQueryExecution(deps: QueryDeps, ctx: Ctx): Promise<object> {
  const caller = requireCaller(ctx);
  const query = ctx.input.QueryString;
  if (typeof query !== 'string' || query.trim().length === 0 || query.length > MAX_QUERY_LENGTH) {
    throw invalidRequest(`QueryString must be a 1..${MAX_QUERY_LENGTH}-character string.`);
  }
  const group = workGroupOf(deps.workGroups, ctx.input.WorkGroup);
  const decision = deps.runtime.authorize(caller, 'athena:StartQueryExecution', group.arn);
  if (!decision.allowed) {
    ctx.audit('denied', group.arn, decision.reason);
    throw new AwsServiceError(
      'AccessDeniedException',
      `You are not authorized to use WorkGroup ${group.name}.`,
    );
  }
  const context = optObject(ctx.input, 'QueryExecutionContext');
  const database = optString(context, 'Database', 255)?.toLowerCase();
  const catalog = optString(context, 'Catalog', 256);
  const resultConfig = optObject(ctx.input, 'ResultConfiguration');
  const requestedOutput = optString(resultConfig, 'OutputLocation', 1024);
  const token = optString(ctx.input, 'ClientRequestToken', 128);
  const rewritten = rewritePlaceholders(query);
  const params = executionParameters(ctx.input.ExecutionParameters, rewritten.count);
  const role = roleFor(ctx, caller, group);

  const fingerprint = createHash('sha256')
    .update(JSON.stringify([query, group.name, database, catalog, ctx.input.ExecutionParameters ?? null]))
    .digest('hex');
  const tokenKey =
    token === undefined ? undefined : `${caller.arn}\n${caller.identityContext?.idcUserId ?? ''}\n${token}`;
  if (tokenKey !== undefined) {
    const previous = deps.store.byToken(tokenKey);
    if (previous) {
      if (previous.fingerprint !== fingerprint) {
        throw invalidRequest(
          'ClientRequestToken was already used with different parameters.',
          'INVALID_INPUT',
        );
      }
      return { QueryExecutionId: previous.id };
    }
  }

  const id = randomUUID();
  const submittedAt = deps.runtime.now();
  const types = statementTypes(leadingWords(query, 1)[0]);
  let outcome: Execution['outcome'];
  if (catalog !== undefined && catalog.toLowerCase() !== 'awsdatacatalog') {
    outcome = {
      kind: 'failed',
      failure: {
        category: 2,
        type: 1000,
        message: `CATALOG_NOT_FOUND: Catalog '${catalog.slice(0, 64)}' does not exist`,
        retryable: false,
      },
    };
  } else {
    try {
      const result = await (await deps.engine()).runAs(role, rewritten.sql, {
        // Lake Formation: a column grant shows a table of just those columns.
        columnScoped: true,
        searchPath: [database ?? 'default'],
        params,
        queryId: id,
      });
      outcome = { kind: 'succeeded', result, types: result.columns.map(athenaType) };
    } catch (error) {
      outcome = { kind: 'failed', failure: athenaFailure(error) };
    }
  }
  const settings = deps.runtime.config.athena;
  deps.store.add({
    id,
    query,
    workGroup: group,
    database,
    catalog,
    executionParameters: ctx.input.ExecutionParameters as string[] | undefined,
    outputLocation:
      `${(group.identityCenter ? undefined : requestedOutput) ?? group.outputLocation}`.replace(/\/?$/, '/') +
      `${id}.csv`,
    owner: ownerOf(caller),
    submittedAt,
    queuedMs: settings.queuedMs,
    runningMs: settings.runningMs,
    statementType: types.type,
    substatementType: types.sub,
    outcome,
  });
  if (tokenKey !== undefined) deps.store.rememberToken(tokenKey, id, fingerprint);
  if (outcome.kind === 'failed' && outcome.failure.type === 234) {
    ctx.audit('denied', group.arn, `query ${id} as ${role}: ${outcome.failure.message}`);
  } else {
    ctx.audit('allowed', group.arn, `query ${id} as ${role}: ${outcome.kind}`);
  }
  return { QueryExecutionId: id };
}

function executionOutput(execution: Execution, now: number): object {
  const { state, completedAt } = stateAt(execution, now);
  const final = completedAt !== undefined;
  const failure =
    state === 'FAILED' && execution.outcome.kind === 'failed' ? execution.outcome.failure : undefined;
  const scanned =
    execution.outcome.kind === 'succeeded'
      ? execution.outcome.result.textRows.reduce((n, r) => n + r.reduce((m, v) => m + (v?.length ?? 0), 0), 0)
      : 0;
  return {
    QueryExecution: {
      QueryExecutionId: execution.id,
      Query: execution.query,
      StatementType: execution.statementType,
      SubstatementType: execution.substatementType,
      ResultConfiguration: { OutputLocation: execution.outputLocation },
      // The emulator never reuses results; Athena reports the (disabled) setting and the outcome anyway.
      ResultReuseConfiguration: { ResultReuseByAgeConfiguration: { Enabled: false } },
      QueryExecutionContext: {
        ...(execution.database ? { Database: execution.database } : {}),
        Catalog: execution.catalog ?? 'AwsDataCatalog',
      },
      ...(execution.executionParameters ? { ExecutionParameters: execution.executionParameters } : {}),
      Status: {
        State: state,
        SubmissionDateTime: new Date(execution.submittedAt),
        ...(final ? { CompletionDateTime: new Date(completedAt) } : {}),
        ...(failure ? { StateChangeReason: failure.message } : {}),
        ...(state === 'CANCELLED' ? { StateChangeReason: 'Query cancelled by user' } : {}),
        ...(failure
          ? {
              AthenaError: {
                ErrorCategory: failure.category,
                ErrorType: failure.type,
                Retryable: failure.retryable,
                ErrorMessage: failure.message,
              },
            }
          : {}),
      },
      Statistics: {
        EngineExecutionTimeInMillis: final ? execution.runningMs : 0,
        DataScannedInBytes: state === 'SUCCEEDED' ? scanned : 0,
        TotalExecutionTimeInMillis: final ? completedAt - execution.submittedAt : now - execution.submittedAt,
        QueryQueueTimeInMillis: execution.queuedMs,
        ServicePreProcessingTimeInMillis: 0,
        QueryPlanningTimeInMillis: 0,
        ServiceProcessingTimeInMillis: 0,
        ResultReuseInformation: { ReusedPreviousResult: false },
      },
      WorkGroup: execution.workGroup.name,
      EngineVersion: engineVersion(execution.workGroup),
    },
  };
}

/** `GetQueryExecution`. */
export function getQueryExecution(deps: QueryDeps, ctx: Ctx): object {
  return executionOutput(visibleExecution(deps, ctx), deps.runtime.now());
}

/** `StopQueryExecution`: cancels a QUEUED or RUNNING query; a finished one is left as it is (as Athena does). */
export function stopQueryExecution(deps: QueryDeps, ctx: Ctx): object {
  const execution = visibleExecution(deps, ctx);
  const now = deps.runtime.now();
  const { state } = stateAt(execution, now);
  if (state === 'QUEUED' || state === 'RUNNING') execution.cancelledAt = now;
  ctx.audit('allowed', execution.workGroup.arn, `stop query ${execution.id} (${state})`);
  return {};
}
