/**
 * Spans through `@opentelemetry/api`. The `tip.forToken` span is kept in an `AsyncLocalStorage` scope so
 * that spans made from the core's events (`tip.exchange`, `tip.assumeRole`) become its children without
 * requiring an OpenTelemetry context manager. Span attributes name issuer, IdC user id, role, service and
 * outcome — never a token.
 *
 * @module
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { OtelApi, OtelAttributes, OtelSpan, OtelTracer, OtelTracerProvider } from './otel-types.js';

/** The scope of one `forToken` call. */
export interface ForTokenScope {
  /** The `tip.forToken` span, when tracing. */
  readonly span: OtelSpan | undefined;
  /** The OpenTelemetry context holding `span`, parent of child spans. */
  readonly context: unknown;
  /** The cache decision the core reported during the call. */
  cache: 'hit' | 'miss' | undefined;
}

const scopes = new AsyncLocalStorage<ForTokenScope>();

/** The scope of the `forToken` call running now, if any. */
export function currentScope(): ForTokenScope | undefined {
  return scopes.getStore();
}

/** Runs `fn` inside `scope`. */
export function runInScope<T>(scope: ForTokenScope, fn: () => T): T {
  return scopes.run(scope, fn);
}

/** Span making, or `undefined` methods' no-ops when there is no tracer. */
export interface Tracing {
  /** Starts a root-or-child span under the active OpenTelemetry context and returns its scope. */
  startScope(name: string, attributes: OtelAttributes): ForTokenScope;
  /** Records a finished span under the current scope (or the active context), from its start time. */
  finished(
    name: string,
    startTimeMs: number,
    attributes: OtelAttributes,
    errorCode: string | undefined,
    kind?: 0 | 2,
  ): void;
  /** Starts a span under the active context (client calls); the caller ends it. */
  start(name: string, attributes: OtelAttributes, kind: 0 | 2): OtelSpan;
}

/** Marks a span's outcome: OK, or ERROR with the error code as status message. */
export function setOutcome(span: OtelSpan, errorCode: string | undefined): void {
  span.setAttribute('tip.outcome', errorCode === undefined ? 'success' : 'failure');
  if (errorCode === undefined) span.setStatus({ code: 1 });
  else {
    span.setAttribute('tip.error_code', errorCode);
    span.setStatus({ code: 2, message: errorCode });
  }
}

/** Builds span making from the API module and a tracer provider; `undefined` without the API. */
export function createTracing(
  otel: OtelApi | undefined,
  provider: OtelTracerProvider | undefined,
  version: string,
): Tracing | undefined {
  if (otel === undefined) return undefined;
  const tracer: OtelTracer = (provider ?? otel.trace.getTracerProvider()).getTracer('tip-sdk', version);
  const setSpan = otel.trace.setSpan as unknown as (context: unknown, span: OtelSpan) => unknown;
  const parent = () => scopes.getStore()?.context ?? otel.context.active();
  return {
    startScope(name, attributes) {
      const active = otel.context.active();
      const span = tracer.startSpan(name, { kind: 0, attributes }, active);
      return { span, context: setSpan(active, span), cache: undefined };
    },
    finished(name, startTimeMs, attributes, errorCode, kind = 2) {
      const span = tracer.startSpan(name, { kind, attributes, startTime: startTimeMs }, parent());
      setOutcome(span, errorCode);
      span.end();
    },
    start(name, attributes, kind) {
      return tracer.startSpan(name, { kind, attributes }, parent());
    },
  };
}
