/**
 * The benchmark harness: every figure is a ratio against a baseline measured in the same run, in paired
 * rounds. Each round runs, for every case, one slice of the baseline and one slice of the case back to back
 * (the order alternating between rounds), and takes that round's ratio of their rates. The result is the
 * median of the per-round ratios with their range, so load from other processes, which comes and goes,
 * shows as spread instead of silently favouring whichever case ran in a quiet moment.
 *
 * Two entry points:
 * - {@link compare} for operations the harness times itself (`fn` called in a loop, promises awaited);
 * - {@link compareSlices} for measurements that produce their own rate, such as a load generator run.
 *
 * @example
 * ```ts
 * const result = await compare(
 *   { name: 'raw crypto.verify', fn: () => verify(...) },
 *   [{ name: 'jose jwtVerify', fn: () => jwtVerify(...) }],
 * );
 * console.log(formatComparison('RS256', result));
 * ```
 */
import { performance } from 'node:perf_hooks';
import { type Spread, fmt, fmtRatio, median, percentile, spread } from './stats.js';

/** One operation the harness times. `fn` may return a promise; it is then awaited before the next call. */
export interface BenchCase {
  readonly name: string;
  readonly fn: () => unknown;
}

/** What one timed slice produced. */
export interface SliceResult {
  /** Operations completed in the slice. */
  readonly ops: number;
  /** Wall time of the slice, in milliseconds. */
  readonly ms: number;
  /** Per-operation latencies in µs (or per-batch means; see {@link CompareOptions.sampleUs}). */
  readonly samplesUs?: readonly number[];
  /** The slice's own p50 in µs, when it reports percentiles instead of samples (a load generator). */
  readonly p50Us?: number;
  /** The slice's own p99 in µs, likewise. */
  readonly p99Us?: number;
}

/** A case that runs one slice at a time and reports it, for {@link compareSlices}. */
export interface SliceCase {
  readonly name: string;
  /** Runs one slice. Called once per round per pairing; must leave the case ready for the next slice. */
  readonly slice: () => Promise<SliceResult>;
}

/** Settings of {@link compare}. */
export interface CompareOptions {
  /** Warm-up per case before the first round, in ms. Default 300. */
  readonly warmupMs?: number;
  /** Length of one timed slice, in ms. Default 200. */
  readonly sliceMs?: number;
  /** Paired rounds. Default 7. */
  readonly rounds?: number;
  /**
   * Target length of one timed batch, in µs: fast operations are timed in batches so reading the clock
   * does not dominate, and latencies are then per-batch means. 0 times every operation alone (true
   * per-operation p99). Default 50.
   */
  readonly sampleUs?: number;
}

/** One case's figures. */
export interface CaseResult {
  readonly name: string;
  /** Median over slices of operations per second. */
  readonly opsPerSec: number;
  /** Per-slice rates (ops/s). */
  readonly rates: Spread;
  /** p50 latency in µs: over every pooled sample, else the median of the slices' own p50; NaN when unknown. */
  readonly p50Us: number;
  /** p99 latency in µs, likewise. */
  readonly p99Us: number;
  /** Per-round ratio of this case's rate to the baseline's; undefined for the baseline itself. */
  readonly ratio: Spread | undefined;
}

/** The outcome of a comparison. */
export interface Comparison {
  readonly baseline: CaseResult;
  readonly cases: readonly CaseResult[];
  readonly rounds: number;
}

const isThenable = (v: unknown): v is PromiseLike<unknown> =>
  typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';

async function runBatch(fn: () => unknown, n: number, async: boolean): Promise<void> {
  if (async) for (let i = 0; i < n; i++) await fn();
  else for (let i = 0; i < n; i++) fn();
}

/**
 * Warms `c` up for `warmupMs`, picks its batch size, and returns a {@link SliceCase} whose slices run it
 * for `sliceMs` each.
 */
export async function timedCase(c: BenchCase, options: CompareOptions = {}): Promise<SliceCase> {
  const first = c.fn();
  const async = isThenable(first);
  if (async) await first;
  const warmStart = performance.now();
  const warmEnd = warmStart + (options.warmupMs ?? 300);
  let warmOps = 1;
  while (performance.now() < warmEnd) {
    await runBatch(c.fn, 8, async);
    warmOps += 8;
  }
  const perOpUs = ((performance.now() - warmStart) * 1000) / warmOps;
  const target = options.sampleUs ?? 50;
  const batch = target <= 0 ? 1 : Math.max(1, Math.round(target / Math.max(perOpUs, 0.001)));
  const sliceMs = options.sliceMs ?? 200;
  return {
    name: c.name,
    slice: async () => {
      const samplesUs: number[] = [];
      let ops = 0;
      const start = performance.now();
      const end = start + sliceMs;
      let now = start;
      while (now < end) {
        await runBatch(c.fn, batch, async);
        const t = performance.now();
        samplesUs.push(((t - now) * 1000) / batch);
        now = t;
        ops += batch;
      }
      return { ops, ms: now - start, samplesUs };
    },
  };
}

class Accumulator {
  readonly rates: number[] = [];
  readonly samples: number[] = [];
  readonly p50s: number[] = [];
  readonly p99s: number[] = [];
  add(s: SliceResult): number {
    const rate = (s.ops / Math.max(s.ms, 1e-6)) * 1000;
    this.rates.push(rate);
    if (s.samplesUs !== undefined) for (const v of s.samplesUs) this.samples.push(v);
    if (s.p50Us !== undefined) this.p50s.push(s.p50Us);
    if (s.p99Us !== undefined) this.p99s.push(s.p99Us);
    return rate;
  }
  result(name: string, ratio: Spread | undefined): CaseResult {
    const pooled = this.samples.length > 0;
    return {
      name,
      opsPerSec: median(this.rates),
      rates: spread(this.rates),
      p50Us: pooled ? percentile(this.samples, 0.5) : this.p50s.length > 0 ? median(this.p50s) : Number.NaN,
      p99Us: pooled ? percentile(this.samples, 0.99) : this.p99s.length > 0 ? median(this.p99s) : Number.NaN,
      ratio,
    };
  }
}

/**
 * Paired rounds over cases that time themselves. In each of `rounds` rounds, every case runs one slice
 * right after (or, every other round, right before) one slice of the baseline; the round's ratio is
 * case rate ÷ baseline rate.
 */
export async function compareSlices(
  baseline: SliceCase,
  cases: readonly SliceCase[],
  rounds = 7,
): Promise<Comparison> {
  const base = new Accumulator();
  const accs = cases.map(() => new Accumulator());
  const ratios: number[][] = cases.map(() => []);
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < cases.length; i++) {
      const c = cases[i]!;
      let b: number;
      let x: number;
      if ((r + i) % 2 === 0) {
        b = base.add(await baseline.slice());
        x = accs[i]!.add(await c.slice());
      } else {
        x = accs[i]!.add(await c.slice());
        b = base.add(await baseline.slice());
      }
      ratios[i]!.push(x / b);
    }
  }
  return {
    baseline: base.result(baseline.name, undefined),
    cases: cases.map((c, i) => accs[i]!.result(c.name, spread(ratios[i]!))),
    rounds,
  };
}

/**
 * Warms every case up, then compares each with `baseline` in paired rounds (see {@link compareSlices}).
 * Ratios are of operations per second: above 1 the case is faster than the baseline.
 */
export async function compare(
  baseline: BenchCase,
  cases: readonly BenchCase[],
  options: CompareOptions = {},
): Promise<Comparison> {
  const timedBase = await timedCase(baseline, options);
  const timed: SliceCase[] = [];
  for (const c of cases) timed.push(await timedCase(c, options));
  return compareSlices(timedBase, timed, options.rounds ?? 7);
}

/**
 * Formats a comparison as a table: each case's median rate, p50 and p99, and the median per-round ratio
 * of its rate to the baseline's with the range over rounds.
 *
 * @param unit - What one operation is, for the rate column header. Default `ops/s`.
 */
export function formatComparison(title: string, comparison: Comparison, unit = 'ops/s'): string {
  const rows = [comparison.baseline, ...comparison.cases].map((r) => [
    r.name,
    fmt(r.opsPerSec),
    Number.isNaN(r.p50Us) ? '–' : fmt(r.p50Us, 2),
    Number.isNaN(r.p99Us) ? '–' : fmt(r.p99Us, 2),
    r.ratio === undefined ? 'baseline' : fmtRatio(r.ratio),
  ]);
  const head = ['case', unit, 'p50 µs', 'p99 µs', `ratio (median, range of ${comparison.rounds} rounds)`];
  return `${title}\n${formatRows(head, rows)}`;
}

/** Formats rows of cells under `head` as aligned columns: the first left-aligned, the others right. */
export function formatRows(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
