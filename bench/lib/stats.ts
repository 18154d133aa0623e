/**
 * Small statistics for benchmarks: percentiles of a sample and the spread of per-round ratios.
 */

/** The `p`-quantile (0–1) of `values`, nearest rank; 0 for an empty list. Does not modify `values`. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

/** The median of `values` (the mean of the two middle values for an even count); 0 for an empty list. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Median and range of a set of per-round values (ratios, rates). */
export interface Spread {
  /** Median over rounds. */
  readonly median: number;
  /** Smallest round. */
  readonly min: number;
  /** Largest round. */
  readonly max: number;
  /** Every round's value, in round order. */
  readonly values: readonly number[];
}

/** The {@link Spread} of `values`. */
export function spread(values: readonly number[]): Spread {
  return {
    median: median(values),
    min: values.length === 0 ? 0 : Math.min(...values),
    max: values.length === 0 ? 0 : Math.max(...values),
    values: [...values],
  };
}

/** Formats a number with thousands separators and `digits` decimals (en-US). */
export function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/** Formats a ratio spread as `0.95× (0.91–0.99)`. */
export function fmtRatio(s: Spread, digits = 2): string {
  return `${fmt(s.median, digits)}× (${fmt(s.min, digits)}–${fmt(s.max, digits)})`;
}
