/**
 * One AWS call of a service handle: tip-sdk's retry loop, deadline and error mapping around an SDK send.
 *
 * @module
 */
import { callWithRetry } from '../aws/retry.js';
import type { ServiceContext } from './context.js';

/**
 * Runs `send` with retries on throttling and 5xx, mapping every failure to a `TipError`.
 *
 * @param ctx - The service context (retry settings, default signal).
 * @param service - The AWS service name, e.g. `athena`.
 * @param operation - The operation, e.g. `StartQueryExecution`.
 * @param send - One attempt; must pass the signal to the SDK as `abortSignal`.
 * @param signal - The caller's signal (already combined with the context's where it applies); defaults to the
 *   context's. Not combined again here: `AbortSignal.any` per call is costly on Node 20.
 */
export function awsCall<T>(
  ctx: ServiceContext,
  service: string,
  operation: string,
  send: (signal: AbortSignal) => Promise<T>,
  signal?: AbortSignal,
): Promise<T> {
  return callWithRetry({ service, operation }, send, ctx.retry, signal ?? ctx.signal);
}
