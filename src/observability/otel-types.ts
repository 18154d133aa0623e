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
  setAttribute(key: string, value: OtelAttributeValue): unknown;
  setStatus(status: { code: OtelStatusCode; message?: string }): unknown;
  /** `endTime`: epoch milliseconds or a `Date`. */
  end(endTime?: number | Date): void;
}

/** The subset of `SpanOptions` used here. `kind`: 0 internal, 2 client. */
export interface OtelSpanOptions {
  kind?: 0 | 2;
  attributes?: OtelAttributes;
  /** Epoch milliseconds or a `Date`. */
  startTime?: number | Date;
}

/** The subset of `Tracer` used here. */
export interface OtelTracer {
  startSpan(name: string, options?: OtelSpanOptions, context?: unknown): OtelSpan;
}

/** The subset of `TracerProvider` used here. */
export interface OtelTracerProvider {
  getTracer(name: string, version?: string): OtelTracer;
}

/** The subset of `Counter` used here. */
export interface OtelCounter {
  add(value: number, attributes?: OtelAttributes): void;
}

/** The subset of `Histogram` used here. */
export interface OtelHistogram {
  record(value: number, attributes?: OtelAttributes): void;
}

/** The subset of `Meter` used here. */
export interface OtelMeter {
  createCounter(name: string, options?: { description?: string; unit?: string }): OtelCounter;
  createHistogram(name: string, options?: { description?: string; unit?: string }): OtelHistogram;
}

/** The subset of `MeterProvider` used here. */
export interface OtelMeterProvider {
  getMeter(name: string, version?: string): OtelMeter;
}

/** The subset of the `@opentelemetry/api` module used here. */
export interface OtelApi {
  readonly trace: {
    getTracerProvider(): OtelTracerProvider;
    setSpan(context: never, span: never): unknown;
  };
  readonly context: {
    active(): unknown;
  };
  readonly metrics: {
    getMeterProvider(): OtelMeterProvider;
  };
}
