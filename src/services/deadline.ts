/**
 * Deadlines for long-running statements (Athena queries, Redshift statements): an abort caused by the
 * deadline becomes `ERR_TIMEOUT`, and errors gain the statement id.
 *
 * @module
 */
import { combineSignals } from '../aws/abort.js';
import { TipError, isTipError } from '../errors.js';

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
  const timer = setTimeout(() => deadline.abort(new Error('deadline')), timeoutMs);
  timer.unref?.();
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
