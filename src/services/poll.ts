/**
 * The default polling schedule of Athena queries (GetQueryExecution) and Redshift Data API statements
 * (DescribeStatement): poll often while a query is young and back off in proportion to its age, so a
 * query is seen finished at most about 10 % (or 50 ms) after it ends, whatever it runs.
 *
 * @module
 */

/** Shortest wait between two polls, in ms. */
export const POLL_MIN_MS = 50;
/** Longest wait between two polls, in ms. */
export const POLL_MAX_MS = 1_000;
/** Wait as a fraction of the time since the query started. */
export const POLL_FRACTION = 0.1;

/**
 * The default wait before the next status poll, in ms: a tenth of `elapsedMs` (the time since the query
 * was started: StartQueryExecution or ExecuteStatement answered), at least {@link POLL_MIN_MS} and at most {@link POLL_MAX_MS}. A query
 * of 350 ms is polled every 50 ms; one of 5 s every ~0.5 s; long ones every second.
 */
export function defaultPollDelay(elapsedMs: number): number {
  const wait = Math.round(elapsedMs * POLL_FRACTION);
  return Number.isFinite(wait) ? Math.min(POLL_MAX_MS, Math.max(POLL_MIN_MS, wait)) : POLL_MIN_MS;
}
