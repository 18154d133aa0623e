/**
 * In-memory OpenTelemetry tracer and meter providers for tests: they record every span (with its parent,
 * found through the real `@opentelemetry/api` context) and every measurement.
 */
import * as otel from '@opentelemetry/api';
import type {
  OtelAttributes,
  OtelMeterProvider,
  OtelSpan,
  OtelSpanOptions,
  OtelStatusCode,
  OtelTracerProvider,
} from '../../src/observability/otel-types.js';

/** A recorded span. */
export interface MemorySpan extends OtelSpan {
  readonly id: number;
  readonly name: string;
  readonly kind: number | undefined;
  readonly parentId: number | undefined;
  readonly attributes: Record<string, unknown>;
  status: { code: OtelStatusCode; message?: string } | undefined;
  readonly startTime: number;
  endTime: number | undefined;
}

/** A recorded measurement. */
export interface Measurement {
  readonly instrument: string;
  readonly kind: 'counter' | 'histogram';
  readonly value: number;
  readonly attributes: OtelAttributes | undefined;
}

export function memoryTracerProvider(): OtelTracerProvider & { readonly spans: MemorySpan[] } {
  const spans: MemorySpan[] = [];
  let next = 1;
  return {
    spans,
    getTracer: () => ({
      startSpan(name: string, options: OtelSpanOptions = {}, context?: unknown) {
        const parent =
          context === undefined
            ? undefined
            : (otel.trace.getSpan(context as otel.Context) as unknown as MemorySpan | undefined);
        const start = options.startTime;
        const span: MemorySpan = {
          id: next++,
          name,
          kind: options.kind,
          parentId: parent?.id,
          attributes: { ...options.attributes },
          status: undefined,
          startTime: start === undefined ? Date.now() : typeof start === 'number' ? start : start.getTime(),
          endTime: undefined,
          setAttribute(key, value) {
            span.attributes[key] = value;
            return span;
          },
          setStatus(status) {
            span.status = status;
            return span;
          },
          end(endTime) {
            span.endTime =
              endTime === undefined ? Date.now() : typeof endTime === 'number' ? endTime : endTime.getTime();
          },
        };
        spans.push(span);
        return span;
      },
    }),
  };
}

export function memoryMeterProvider(): OtelMeterProvider & { readonly measurements: Measurement[] } {
  const measurements: Measurement[] = [];
  return {
    measurements,
    getMeter: () => ({
      createCounter: (instrument) => ({
        add: (value, attributes) => measurements.push({ instrument, kind: 'counter', value, attributes }),
      }),
      createHistogram: (instrument) => ({
        record: (value, attributes) =>
          measurements.push({ instrument, kind: 'histogram', value, attributes }),
      }),
    }),
  };
}
