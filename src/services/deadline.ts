/**
 * Deadlines for long-running statements (Athena queries, Redshift statements): an abort caused by the
 * deadline becomes `ERR_TIMEOUT`, and errors gain the statement id.
 *
 * @module
 */
import { combineSignals } from '../aws/abort.js';
import { TipError, isTipError } from '../errors.js';
import { awsCall } from './call.js';
import type { ServiceContext } from './context.js';

/**
 * Runs `run`, mapping a deadline abort to `ERR_TIMEOUT` and adding `queryId` to TipErrors without one.
 *
 * @param service - `athena` or `redshift-data`, for the message.
 * @param deadline - The deadline's signal.
 * @param timeoutMs - The deadline, for the message.
 * @param run - The step.
 * @param queryId - The statement id, once known.
 */
export async function withDeadline<T>(
  service: string,
  deadline: AbortSignal,
  timeoutMs: number,
  run: () => Promise<T>,
  queryId?: string,
): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (deadline.aborted && isTipError(error, 'ERR_ABORTED', 'ERR_TIMEOUT')) {
      throw new TipError(
        'ERR_TIMEOUT',
        `The ${service} statement did not finish within ${timeoutMs} ms${queryId ? ' and was cancelled' : ''}; raise \`timeoutMs\` or narrow the query.`,
        { cause: error, details: { service, timeoutMs, ...(queryId ? { queryId } : {}) } },
      );
    }
    if (queryId !== undefined && isTipError(error) && error.details.queryId === undefined) {
      throw new TipError(error.code, error.message, {
        cause: error.cause,
        details: { ...error.details, queryId },
        ...(error.requestId === undefined ? {} : { requestId: error.requestId }),
      });
    }
    throw error;
  }
}

/** The signals of one statement, and `dispose()` to release the timer and listeners. */
export interface StatementSignals {
  /** Fires when the deadline passes. */
  readonly deadline: AbortSignal;
  /** Fires on the deadline or any caller signal. */
  readonly signal: AbortSignal;
  /** Clears the timer and removes the listeners; call when the statement is done. */
  dispose(): void;
}

/**
 * Signals of a statement: a deadline, and its combination with the caller's signals (see
 * `combineSignals` for why not `AbortSignal.any`).
 */
export function statementSignals(
  timeoutMs: number,
  ...signals: (AbortSignal | undefined)[]
): StatementSignals {
  const deadline = new AbortController();
  // Not unref'd: a running statement keeps the process alive until it settles.
  const timer = setTimeout(() => deadline.abort(new Error('deadline')), timeoutMs);
  const combined = combineSignals(deadline.signal, ...signals);
  return {
    deadline: deadline.signal,
    signal: combined.signal,
    dispose() {
      clearTimeout(timer);
      combined.dispose();
    },
  };
}

/**
 * One AWS call of a statement: {@link awsCall} under the statement's signal, through {@link withDeadline}
 * (a deadline abort becomes `ERR_TIMEOUT`; errors gain `queryId` once known).
 *
 * @param ctx - The service context.
 * @param service - `athena` or `redshift-data`.
 * @param signals - The statement's deadline and combined signal.
 * @param timeoutMs - The deadline, for the message.
 * @param operation - The AWS operation, e.g. `DescribeStatement`.
 * @param send - One attempt; must pass its signal to the SDK as `abortSignal`.
 * @param queryId - The statement id, once known.
 */
export function statementCall<T>(
  ctx: ServiceContext,
  service: 'athena' | 'redshift-data',
  signals: Pick<StatementSignals, 'deadline' | 'signal'>,
  timeoutMs: number,
  operation: string,
  send: (signal: AbortSignal) => Promise<T>,
  queryId?: string,
): Promise<T> {
  return withDeadline(
    service,
    signals.deadline,
    timeoutMs,
    () => awsCall(ctx, service, operation, send, signals.signal),
    queryId,
  );
}
