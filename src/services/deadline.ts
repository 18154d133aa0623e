/**
 * Deadlines for long-running statements (Athena queries, Redshift statements): an abort caused by the
 * deadline becomes `ERR_TIMEOUT`, and errors gain the statement id.
 *
 * @module
 */
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

/** Signals of a statement: the deadline's and the combination with the caller's. */
export function statementSignals(
  timeoutMs: number,
  ...signals: (AbortSignal | undefined)[]
): { deadline: AbortSignal; signal: AbortSignal } {
  const deadline = AbortSignal.timeout(timeoutMs);
  const present = signals.filter((s): s is AbortSignal => s !== undefined);
  return { deadline, signal: AbortSignal.any([deadline, ...present]) };
}
