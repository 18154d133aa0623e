/**
 * `tip-sdk/observability`: OpenTelemetry spans, metrics and audit records for tip-sdk.
 *
 * @packageDocumentation
 */
export { createObservability } from './observe.js';
export type { Observability, ObservabilityOptions } from './observe.js';
export { loadOpenTelemetry } from './load-otel.js';
export type { LoadOpenTelemetryOptions } from './load-otel.js';
export { HISTOGRAM_BOUNDS_MS, TIP_METRICS, createMetricsRegistry, meterRecorder } from './metrics.js';
export type {
  CounterPoint,
  HistogramPoint,
  MetricAttributes,
  MetricsRecorder,
  MetricsRegistry,
  MetricsSnapshot,
  TipCounterName,
  TipHistogramName,
  TipMetricName,
} from './metrics.js';
export type { AuditRecord, AuditSink, AuditSubject } from './audit.js';
export { resourceOf, serviceName } from './aws-client.js';
export type { SdkClientLike } from './aws-client.js';
export type {
  OtelApi,
  OtelAttributes,
  OtelAttributeValue,
  OtelCounter,
  OtelHistogram,
  OtelStatusCode,
  OtelMeter,
  OtelMeterProvider,
  OtelSpan,
  OtelSpanOptions,
  OtelTracer,
  OtelTracerProvider,
} from './otel-types.js';
