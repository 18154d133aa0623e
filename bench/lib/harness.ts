/**
 * A tiny benchmark harness: warm-up, then timed samples within a time budget (or a fixed iteration
 * count), reporting ops/s, p50 and p99 latency, and the ratio of each case's ops/s to a baseline case
 * measured in the same run. Fast operations are timed in batches so the clock read does not dominate;
 * p50/p99 are then over per-operation means of each batch. Cases run interleaved in several rounds, and
 * each case reports its median round, so load from other processes skews every case alike.
 */
import { performance } from 'node:perf_hooks';

/** One measured operation. `fn` may return a promise; it is then awaited. */
export interface BenchCase {
  readonly name: string;
  readonly fn: () => unknown;
}

/** Run settings. */
export interface BenchOptions {
  /** Warm-up time per case, in milliseconds. Default 300. */
  readonly warmupMs?: number;
  /** Measuring time per case, in milliseconds. Default 1500. Ignored when `iterations` is set. */
  readonly timeMs?: number;
  /** Fixed number of operations per case instead of a time budget. */
  readonly iterations?: number;
  /** Target duration of one timed sample, in microseconds. Default 50. */
  readonly sampleUs?: number;
  /** Interleaved rounds for {@link runSuite}; each case gets `timeMs / rounds` per round. Default 5. */
  readonly rounds?: number;
}

/** The outcome of one case. */
export interface BenchResult {
  readonly name: string;
  readonly ops: number;
  readonly opsPerSec: number;
  readonly p50Us: number;
  readonly p99Us: number;
}

const isThenable = (v: unknown): v is PromiseLike<unknown> =>
  typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';

async function runBatch(fn: () => unknown, n: number, async: boolean): Promise<void> {
  if (async) for (let i = 0; i < n; i++) await fn();
  else for (let i = 0; i < n; i++) fn();
}

/** Measures one case. */
export async function measure(c: BenchCase, options: BenchOptions = {}): Promise<BenchResult> {
  const async = isThenable(c.fn());
  const warmupEnd = performance.now() + (options.warmupMs ?? 300);
  let warmOps = 0;
  const warmStart = performance.now();
  while (performance.now() < warmupEnd) {
    await runBatch(c.fn, 16, async);
    warmOps += 16;
  }
  const perOpUs = ((performance.now() - warmStart) * 1000) / Math.max(warmOps, 1);
  const batch = Math.max(1, Math.round((options.sampleUs ?? 50) / Math.max(perOpUs, 0.001)));
  const samples: number[] = [];
  let ops = 0;
  const start = performance.now();
  const end = start + (options.timeMs ?? 1500);
  for (;;) {
    if (options.iterations !== undefined ? ops >= options.iterations : performance.now() >= end) break;
    const t0 = performance.now();
    await runBatch(c.fn, batch, async);
    samples.push(((performance.now() - t0) * 1000) / batch);
    ops += batch;
  }
  const elapsedMs = performance.now() - start;
  samples.sort((a, b) => a - b);
  const pct = (p: number) => samples[Math.min(samples.length - 1, Math.floor(samples.length * p))] ?? 0;
  return { name: c.name, ops, opsPerSec: (ops / elapsedMs) * 1000, p50Us: pct(0.5), p99Us: pct(0.99) };
}

/** Measures every case in order, one after another. */
export async function runSuite(
  cases: readonly BenchCase[],
  options: BenchOptions = {},
): Promise<BenchResult[]> {
  const out: BenchResult[] = [];
  for (const c of cases) out.push(await measure(c, options));
  return out;
}

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/**
 * Formats results as a table with two ratios against the `baseline` case: of ops/s, and of p50 latency
 * (baseline p50 ÷ case p50). The p50 ratio is the steadier one on a shared machine, where preemption
 * inflates some samples.
 */
export function formatTable(title: string, results: readonly BenchResult[], baseline: string): string {
  const base = results.find((r) => r.name === baseline);
  const ratio = (x: number | undefined) => (x === undefined ? 'n/a' : `${fmt(x, 2)}x`);
  const rows = results.map((r) => [
    r.name,
    fmt(r.opsPerSec),
    fmt(r.p50Us, 2),
    fmt(r.p99Us, 2),
    ratio(base && r.opsPerSec / base.opsPerSec),
    ratio(base && base.p50Us / r.p50Us),
  ]);
  const head = ['case', 'ops/s', 'p50 µs', 'p99 µs', 'ops/s ratio', 'p50 ratio'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [
    `${title} — ratios against "${baseline}"`,
    line(head),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.map(line),
  ].join('\n');
}
