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
  /** Counter of `forToken` calls, one per call, by outcome. */
  'tip.for_token.requests': {
    /** Instrument kind: a monotonic counter. */
    kind: 'counter',
    /** Unit: `{request}` (UCUM annotation: a dimensionless count). */
    unit: '{request}',
    /** Human-readable description, passed to OpenTelemetry as the instrument description. */
    description: 'forToken calls by outcome.',
  },
  /** Histogram of `forToken` latency, milliseconds. */
  'tip.for_token.duration': {
    /** Instrument kind: a histogram with buckets at `HISTOGRAM_BOUNDS_MS`. */
    kind: 'histogram',
    /** Unit: milliseconds (UCUM `ms`). */
    unit: 'ms',
    /** Human-readable description, passed to OpenTelemetry as the instrument description. */
    description: 'forToken latency.',
  },
  /** Counter of IAM Identity Center `CreateTokenWithIAM` exchanges. */
  'tip.exchange.requests': {
    /** Instrument kind: a monotonic counter. */
    kind: 'counter',
    /** Unit: `{call}` (UCUM annotation: a dimensionless count). */
    unit: '{call}',
    /** Human-readable description, passed to OpenTelemetry as the instrument description. */
    description: 'CreateTokenWithIAM exchanges.',
  },
  /** Histogram of `CreateTokenWithIAM` latency including retries, milliseconds. */
  'tip.exchange.duration': {
    /** Instrument kind: a histogram with buckets at `HISTOGRAM_BOUNDS_MS`. */
    kind: 'histogram',
    /** Unit: milliseconds (UCUM `ms`). */
    unit: 'ms',
    /** Human-readable description, passed to OpenTelemetry as the instrument description. */
    description: 'CreateTokenWithIAM latency (with retries).',
  },
  /** Counter of STS `AssumeRole` calls made with an identity context. */
  'tip.assume_role.requests': {
    /** Instrument kind: a monotonic counter. */
    kind: 'counter',
    /** Unit: `{call}` (UCUM annotation: a dimensionless count). */
    unit: '{call}',
    /** Human-readable description, passed to OpenTelemetry as the instrument description. */
    description: 'AssumeRole calls with an identity context.',
  },
  /** Histogram of `AssumeRole` latency including retries, milliseconds. */
  'tip.assume_role.duration': {
    /** Instrument kind: a histogram with buckets at `HISTOGRAM_BOUNDS_MS`. */
    kind: 'histogram',
    /** Unit: milliseconds (UCUM `ms`). */
    unit: 'ms',
    /** Human-readable description, passed to OpenTelemetry as the instrument description. */
    description: 'AssumeRole latency (with retries).',
  },
  /** Counter of credential cache lookups (hits and misses). */
  'tip.cache.lookups': {
    /** Instrument kind: a monotonic counter. */
    kind: 'counter',
    /** Unit: `{lookup}` (UCUM annotation: a dimensionless count). */
    unit: '{lookup}',
    /** Human-readable description, passed to OpenTelemetry as the instrument description. */
    description: 'Credential cache hits and misses.',
  },
  /** Counter of credential refreshes, by outcome. */
  'tip.cache.refreshes': {
    /** Instrument kind: a monotonic counter. */
    kind: 'counter',
    /** Unit: `{refresh}` (UCUM annotation: a dimensionless count). */
    unit: '{refresh}',
    /** Human-readable description, passed to OpenTelemetry as the instrument description. */
    description: 'Credential refreshes by outcome.',
  },
  /** Counter of shared cache store problems (errors, refused values, lock waits that timed out). */
  'tip.cache.store': {
    /** Instrument kind: a monotonic counter. */
    kind: 'counter',
    /** Unit: `{event}` (UCUM annotation: a dimensionless count). */
    unit: '{event}',
    /** Human-readable description, passed to OpenTelemetry as the instrument description. */
    description: 'Shared cache store errors, refused values and lock wait timeouts.',
  },
  /** Counter of AWS calls made as a user, by service and operation. */
  'tip.aws.calls': {
    /** Instrument kind: a monotonic counter. */
    kind: 'counter',
    /** Unit: `{call}` (UCUM annotation: a dimensionless count). */
    unit: '{call}',
    /** Human-readable description, passed to OpenTelemetry as the instrument description. */
    description: 'AWS calls made as a user, by service and operation.',
  },
  /** Histogram of the latency of AWS calls made as a user, milliseconds. */
  'tip.aws.call.duration': {
    /** Instrument kind: a histogram with buckets at `HISTOGRAM_BOUNDS_MS`. */
    kind: 'histogram',
    /** Unit: milliseconds (UCUM `ms`). */
    unit: 'ms',
    /** Human-readable description, passed to OpenTelemetry as the instrument description. */
    description: 'Latency of AWS calls made as a user.',
  },
  /** Counter of S3 Access Grants credential lookups (cache hit, `GetDataAccess` call, cached denial). */
  'tip.s3.data_access': {
    /** Instrument kind: a monotonic counter. */
    kind: 'counter',
    /** Unit: `{lookup}` (UCUM annotation: a dimensionless count). */
    unit: '{lookup}',
    /** Human-readable description, passed to OpenTelemetry as the instrument description. */
    description: 'S3 Access Grants credential lookups: cache hit, GetDataAccess call, cached denial.',
  },
  /** Counter of HTTP adapter authentications, by outcome and status. */
  'tip.http.requests': {
    /** Instrument kind: a monotonic counter. */
    kind: 'counter',
    /** Unit: `{request}` (UCUM annotation: a dimensionless count). */
    unit: '{request}',
    /** Human-readable description, passed to OpenTelemetry as the instrument description. */
    description: 'HTTP authentications by outcome and status.',
  },
  /** Histogram of the time HTTP adapters spend authenticating, milliseconds. */
  'tip.http.auth.duration': {
    /** Instrument kind: a histogram with buckets at `HISTOGRAM_BOUNDS_MS`. */
    kind: 'histogram',
    /** Unit: milliseconds (UCUM `ms`). */
    unit: 'ms',
    /** Human-readable description, passed to OpenTelemetry as the instrument description. */
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
  /** The attributes that identify this series (a copy of those given on first count). */
  readonly attributes: MetricAttributes;
  /** Running total of every value added to this series (each `count` adds 1 unless told otherwise). */
  readonly value: number;
}

/** One histogram series in a snapshot. `buckets[i]` counts values ≤ `HISTOGRAM_BOUNDS_MS[i]`; the last, the rest. */
export interface HistogramPoint {
  /** The attributes that identify this series (a copy of those given on first record). */
  readonly attributes: MetricAttributes;
  /** Number of values recorded. */
  readonly count: number;
  /** Sum of recorded values, milliseconds. */
  readonly sum: number;
  /** Smallest recorded value, milliseconds. */
  readonly min: number;
  /** Largest recorded value, milliseconds. */
  readonly max: number;
  /**
   * Per-bucket counts (not cumulative), one more than `HISTOGRAM_BOUNDS_MS`: `buckets[i]` counts values
   * above the previous bound and ≤ `HISTOGRAM_BOUNDS_MS[i]`; the last counts values above the largest bound.
   */
  readonly buckets: readonly number[];
}

/** A point-in-time copy of every series. */
export interface MetricsSnapshot {
  /** Counter series by instrument name; a counter never counted has no key. */
  readonly counters: Readonly<Partial<Record<TipCounterName, readonly CounterPoint[]>>>;
  /** Histogram series by instrument name; a histogram never recorded has no key. */
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

/** Series keys of frozen attribute objects already seen: a caller reusing one skips the encoding. */
const frozenKeys = new WeakMap<MetricAttributes, string>();

/**
 * The series key of `attributes`: every name and value, length-prefixed (so no two attribute sets share a
 * key) and in name order (so the order they were written in does not matter).
 */
function keyOf(attributes: MetricAttributes): string {
  const known = frozenKeys.get(attributes);
  if (known !== undefined) return known;
  const names = Object.keys(attributes);
  if (names.length > 1) names.sort();
  let key = '';
  for (const name of names) {
    const value = attributes[name];
    const text = `${typeof value === 'string' ? 's' : typeof value === 'number' ? 'n' : 'b'}${String(value)}`;
    key += `${name.length}:${name}${text.length}:${text}`;
  }
  // Only a frozen object is sure to hold the same attributes the next time it is passed.
  if (Object.isFrozen(attributes)) frozenKeys.set(attributes, key);
  return key;
}

/** The bucket of `value`: the first bound it does not exceed, or the last bucket. */
function bucketOf(value: number): number {
  let i = 0;
  while (i < HISTOGRAM_BOUNDS_MS.length && !(value <= HISTOGRAM_BOUNDS_MS[i]!)) i++;
  return i;
}

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
  const counters = new Map<string, Map<string, { attributes: MetricAttributes; value: number }>>();
  const histograms = new Map<string, Map<string, Hist>>();
  return {
    count(name, attributes, value = 1) {
      let series = counters.get(name);
      if (series === undefined) {
        series = new Map();
        counters.set(name, series);
      }
      const key = keyOf(attributes);
      const point = series.get(key);
      if (point === undefined) series.set(key, { attributes: { ...attributes }, value });
      else point.value += value;
    },
    record(name, value, attributes) {
      let series = histograms.get(name);
      if (series === undefined) {
        series = new Map();
        histograms.set(name, series);
      }
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
      h.buckets[bucketOf(value)]! += 1;
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
