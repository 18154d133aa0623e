/**
 * Counters and histograms of tip-sdk: an in-process registry with `snapshot()` (for a `/metrics` route,
 * tests or any exporter) and an optional bridge that mirrors every measurement to an OpenTelemetry meter.
 * Attributes are low-cardinality (outcome, code, grant, service, operation, status): no user ids.
 *
 * @module
 */
import type { OtelAttributes, OtelCounter, OtelHistogram, OtelMeter } from './otel-types.js';

/** Every instrument tip-sdk records, with its kind, unit and meaning. */
export const TIP_METRICS = {
  'tip.for_token.requests': { kind: 'counter', unit: '{request}', description: 'forToken calls by outcome.' },
  'tip.for_token.duration': { kind: 'histogram', unit: 'ms', description: 'forToken latency.' },
  'tip.exchange.requests': { kind: 'counter', unit: '{call}', description: 'CreateTokenWithIAM exchanges.' },
  'tip.exchange.duration': {
    kind: 'histogram',
    unit: 'ms',
    description: 'CreateTokenWithIAM latency (with retries).',
  },
  'tip.assume_role.requests': {
    kind: 'counter',
    unit: '{call}',
    description: 'AssumeRole calls with an identity context.',
  },
  'tip.assume_role.duration': {
    kind: 'histogram',
    unit: 'ms',
    description: 'AssumeRole latency (with retries).',
  },
  'tip.cache.lookups': {
    kind: 'counter',
    unit: '{lookup}',
    description: 'Credential cache hits and misses.',
  },
  'tip.cache.refreshes': {
    kind: 'counter',
    unit: '{refresh}',
    description: 'Credential refreshes by outcome.',
  },
  'tip.aws.calls': {
    kind: 'counter',
    unit: '{call}',
    description: 'AWS calls made as a user, by service and operation.',
  },
  'tip.aws.call.duration': {
    kind: 'histogram',
    unit: 'ms',
    description: 'Latency of AWS calls made as a user.',
  },
  'tip.s3.data_access': {
    kind: 'counter',
    unit: '{lookup}',
    description: 'S3 Access Grants credential lookups: cache hit, GetDataAccess call, cached denial.',
  },
  'tip.http.requests': {
    kind: 'counter',
    unit: '{request}',
    description: 'HTTP authentications by outcome and status.',
  },
  'tip.http.auth.duration': {
    kind: 'histogram',
    unit: 'ms',
    description: 'Time HTTP adapters spend authenticating.',
  },
} as const;

/** The name of a tip-sdk instrument. */
export type TipMetricName = keyof typeof TIP_METRICS;
/** A counter's name. */
export type TipCounterName = {
  [K in TipMetricName]: (typeof TIP_METRICS)[K]['kind'] extends 'counter' ? K : never;
}[TipMetricName];
/** A histogram's name. */
export type TipHistogramName = Exclude<TipMetricName, TipCounterName>;

/** Upper bounds of histogram buckets, in milliseconds. */
export const HISTOGRAM_BOUNDS_MS: readonly number[] = Object.freeze([
  5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000,
]);

/** Metric attributes: flat strings, numbers or booleans. */
export type MetricAttributes = Readonly<Record<string, string | number | boolean>>;

/** One counter series in a snapshot. */
export interface CounterPoint {
  readonly attributes: MetricAttributes;
  readonly value: number;
}

/** One histogram series in a snapshot. `buckets[i]` counts values ≤ `HISTOGRAM_BOUNDS_MS[i]`; the last, the rest. */
export interface HistogramPoint {
  readonly attributes: MetricAttributes;
  readonly count: number;
  /** Sum of recorded values, milliseconds. */
  readonly sum: number;
  readonly min: number;
  readonly max: number;
  readonly buckets: readonly number[];
}

/** A point-in-time copy of every series. */
export interface MetricsSnapshot {
  readonly counters: Readonly<Partial<Record<TipCounterName, readonly CounterPoint[]>>>;
  readonly histograms: Readonly<Partial<Record<TipHistogramName, readonly HistogramPoint[]>>>;
}

/** Where measurements go. */
export interface MetricsRecorder {
  /** Adds `value` (default 1) to a counter. */
  count(name: TipCounterName, attributes: MetricAttributes, value?: number): void;
  /** Records one value of a histogram (milliseconds). */
  record(name: TipHistogramName, value: number, attributes: MetricAttributes): void;
}

/** The in-process registry. */
export interface MetricsRegistry extends MetricsRecorder {
  /** A copy of every series recorded so far. */
  snapshot(): MetricsSnapshot;
  /** Forgets every series. */
  reset(): void;
}

const keyOf = (attributes: MetricAttributes): string =>
  JSON.stringify(
    Object.keys(attributes)
      .sort()
      .map((k) => [k, attributes[k]]),
  );

interface Hist {
  attributes: MetricAttributes;
  count: number;
  sum: number;
  min: number;
  max: number;
  buckets: number[];
}

/** Creates an empty in-process registry. */
export function createMetricsRegistry(): MetricsRegistry {
  const counters = new Map<string, Map<string, CounterPoint>>();
  const histograms = new Map<string, Map<string, Hist>>();
  return {
    count(name, attributes, value = 1) {
      const series = counters.get(name) ?? new Map<string, CounterPoint>();
      counters.set(name, series);
      const key = keyOf(attributes);
      const prev = series.get(key);
      series.set(key, {
        attributes: prev?.attributes ?? { ...attributes },
        value: (prev?.value ?? 0) + value,
      });
    },
    record(name, value, attributes) {
      const series = histograms.get(name) ?? new Map<string, Hist>();
      histograms.set(name, series);
      const key = keyOf(attributes);
      let h = series.get(key);
      if (h === undefined) {
        h = {
          attributes: { ...attributes },
          count: 0,
          sum: 0,
          min: value,
          max: value,
          buckets: HISTOGRAM_BOUNDS_MS.map(() => 0).concat(0),
        };
        series.set(key, h);
      }
      h.count++;
      h.sum += value;
      h.min = Math.min(h.min, value);
      h.max = Math.max(h.max, value);
      const i = HISTOGRAM_BOUNDS_MS.findIndex((b) => value <= b);
      h.buckets[i === -1 ? HISTOGRAM_BOUNDS_MS.length : i]! += 1;
    },
    snapshot() {
      const c: Record<string, CounterPoint[]> = {};
      for (const [name, series] of counters) c[name] = [...series.values()].map((p) => ({ ...p }));
      const h: Record<string, HistogramPoint[]> = {};
      for (const [name, series] of histograms)
        h[name] = [...series.values()].map((p) => ({ ...p, buckets: [...p.buckets] }));
      return { counters: c, histograms: h };
    },
    reset() {
      counters.clear();
      histograms.clear();
    },
  };
}

/** A recorder that mirrors measurements to an OpenTelemetry meter (instruments created on first use). */
export function meterRecorder(meter: OtelMeter): MetricsRecorder {
  const instruments = new Map<string, OtelCounter | OtelHistogram>();
  function instrument(name: TipMetricName): OtelCounter | OtelHistogram {
    let found = instruments.get(name);
    if (found === undefined) {
      const spec = TIP_METRICS[name];
      const opts = { description: spec.description, unit: spec.unit };
      found = spec.kind === 'counter' ? meter.createCounter(name, opts) : meter.createHistogram(name, opts);
      instruments.set(name, found);
    }
    return found;
  }
  return {
    count(name, attributes, value = 1) {
      (instrument(name) as OtelCounter).add(value, attributes as OtelAttributes);
    },
    record(name, value, attributes) {
      (instrument(name) as OtelHistogram).record(value, attributes as OtelAttributes);
    },
  };
}

/** Sends every measurement to each recorder; a recorder that throws is skipped. */
export function fanOut(recorders: readonly MetricsRecorder[]): MetricsRecorder {
  return {
    count(name, attributes, value) {
      for (const r of recorders) {
        try {
          r.count(name, attributes, value);
        } catch {
          // Metrics must not break the flow.
        }
      }
    },
    record(name, value, attributes) {
      for (const r of recorders) {
        try {
          r.record(name, value, attributes);
        } catch {
          // Same.
        }
      }
    },
  };
}
