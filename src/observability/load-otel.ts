/**
 * Loads `@opentelemetry/api` when it is installed. tip-sdk never requires it: without it, observability
 * keeps its in-process metrics, audit records and logs, and makes no spans.
 *
 * @module
 */
import type { OtelApi } from './otel-types.js';

/**
 * Returns the `@opentelemetry/api` module, or `undefined` when it is not installed (or fails to load).
 *
 * @example
 * ```ts
 * const obs = createObservability({ otel: await loadOpenTelemetry() });
 * ```
 */
export async function loadOpenTelemetry(): Promise<OtelApi | undefined> {
  const name = '@opentelemetry/api';
  try {
    // A variable specifier keeps bundlers from resolving the optional module at build time.
    const mod = (await import(name)) as OtelApi & { default?: OtelApi };
    const api = typeof mod.trace?.getTracerProvider === 'function' ? mod : mod.default;
    return api !== undefined && typeof api.trace?.getTracerProvider === 'function' ? api : undefined;
  } catch {
    return undefined;
  }
}
