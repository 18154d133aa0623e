/**
 * The few parts of `@opentelemetry/api` tip-sdk uses, typed structurally so the package does not depend
 * on it: pass the real module (`import * as otel from '@opentelemetry/api'`, or `await loadOpenTelemetry()`)
 * where an {@link OtelApi} is asked for.
 *
 * @module
 */

/** A span attribute value. */
export type OtelAttributeValue = string | number | boolean;

/** Span or metric attributes. */
export type OtelAttributes = Record<string, OtelAttributeValue | undefined>;

/** `SpanStatusCode`: 0 unset, 1 ok, 2 error. */
export type OtelStatusCode = 0 | 1 | 2;

/** The subset of `Span` used here. */
export interface OtelSpan {
  /** Sets one attribute on the span (tip-sdk sets `tip.outcome`, `tip.error_code`, `aws.request_id`…). */
  setAttribute(key: string, value: OtelAttributeValue): unknown;
  /** Sets the span status: code 1 (ok) on success, 2 (error) with the error code as `message` on failure. */
  setStatus(status: { code: OtelStatusCode; message?: string }): unknown;
  /** `endTime`: epoch milliseconds or a `Date`. */
  end(endTime?: number | Date): void;
}

/** The subset of `SpanOptions` used here. `kind`: 0 internal, 2 client. */
export interface OtelSpanOptions {
  /** `SpanKind`: 0 internal (the `forToken` span), 2 client (spans of AWS calls). Default (OpenTelemetry): internal. */
  kind?: 0 | 2;
  /** Attributes set when the span starts. */
  attributes?: OtelAttributes;
  /** Epoch milliseconds or a `Date`. */
  startTime?: number | Date;
}

/** The subset of `Tracer` used here. */
export interface OtelTracer {
  /** Starts a span named `name` as a child of the span in `context` (an OpenTelemetry `Context`). */
  startSpan(name: string, options?: OtelSpanOptions, context?: unknown): OtelSpan;
}

/** The subset of `TracerProvider` used here. */
export interface OtelTracerProvider {
  /** The tracer for instrumentation scope `name` (tip-sdk passes `tip-sdk` and its version). */
  getTracer(name: string, version?: string): OtelTracer;
}

/** The subset of `Counter` used here. */
export interface OtelCounter {
  /** Adds `value` (a count) with the given attributes. */
  add(value: number, attributes?: OtelAttributes): void;
}

/** The subset of `Histogram` used here. */
export interface OtelHistogram {
  /** Records one `value` (milliseconds for tip-sdk's durations) with the given attributes. */
  record(value: number, attributes?: OtelAttributes): void;
}

/** The subset of `Meter` used here. */
export interface OtelMeter {
  /** Creates a counter instrument; `unit` is a UCUM string such as `{call}`. */
  createCounter(name: string, options?: { description?: string; unit?: string }): OtelCounter;
  /** Creates a histogram instrument; tip-sdk's histograms use unit `ms`. */
  createHistogram(name: string, options?: { description?: string; unit?: string }): OtelHistogram;
}

/** The subset of `MeterProvider` used here. */
export interface OtelMeterProvider {
  /** The meter for instrumentation scope `name` (tip-sdk passes `tip-sdk` and its version). */
  getMeter(name: string, version?: string): OtelMeter;
}

/** The subset of the `@opentelemetry/api` module used here. */
export interface OtelApi {
  /** The `trace` API. */
  readonly trace: {
    /** The global tracer provider (used when no tracer provider is given). */
    getTracerProvider(): OtelTracerProvider;
    /** Returns a copy of `context` with `span` as its active span. Parameters are `never` so any real signature fits. */
    setSpan(context: never, span: never): unknown;
  };
  /** The `context` API. */
  readonly context: {
    /** The currently active OpenTelemetry `Context`. */
    active(): unknown;
  };
  /** The `metrics` API. */
  readonly metrics: {
    /** The global meter provider (used when no meter provider is given). */
    getMeterProvider(): OtelMeterProvider;
  };
}
