/**
 * Loads `@opentelemetry/api` when it is installed. tip-sdk never requires it: without it, observability
 * keeps its in-process metrics, audit records and logs, and makes no spans.
 *
 * @module
 */
import { loadOptionalPeer } from '../optional-peer.js';
import type { OtelApi } from './otel-types.js';

/** Options of {@link loadOpenTelemetry}. */
export interface LoadOpenTelemetryOptions {
  /**
   * Reject with TipError `ERR_MISSING_DEPENDENCY` (naming the package and its `npm install` line) instead
   * of resolving `undefined` when `@opentelemetry/api` is not installed. Default `false`.
   */
  readonly required?: boolean;
}

/**
 * Returns the `@opentelemetry/api` module, or `undefined` when it is not installed (or is not a usable
 * OpenTelemetry API).
 *
 * @example
 * ```ts
 * const obs = createObservability({ otel: await loadOpenTelemetry() });
 * // or, where spans must not silently go missing:
 * const obs = createObservability({ otel: await loadOpenTelemetry({ required: true }) });
 * ```
 * @throws TipError `ERR_MISSING_DEPENDENCY` with `required: true` when the package is not installed.
 */
export async function loadOpenTelemetry(
  options: LoadOpenTelemetryOptions = {},
): Promise<OtelApi | undefined> {
  const name = '@opentelemetry/api';
  let mod: OtelApi & { default?: OtelApi };
  try {
    // A variable specifier keeps bundlers from resolving the optional module at build time.
    mod = await loadOptionalPeer(name, () => import(name) as Promise<OtelApi & { default?: OtelApi }>);
  } catch (error) {
    if (options.required === true) throw error;
    return undefined;
  }
  const api = typeof mod.trace?.getTracerProvider === 'function' ? mod : mod.default;
  return api !== undefined && typeof api.trace?.getTracerProvider === 'function' ? api : undefined;
}
