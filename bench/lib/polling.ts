/**
 * The shared part of the polling benches (bench/athena-polling.ts, bench/redshift-polling.ts): three
 * cases of sequential queries — a 50 ms poller (the baseline), the default schedule and the former
 * default (100 ms doubling to 1 s) — compared in paired rounds, with each query's latency and the number
 * of status calls it made, counted by the emulator.
 */
import { type SliceCase, compareSlices, formatRows } from './harness.js';
import { fmt, fmtRatio, median, spread } from './stats.js';

/** The queries each case runs. */
export interface PollingCases {
  /** Polls every 50 ms: the baseline. */
  readonly every50ms: () => Promise<unknown>;
  /** The library's default schedule. */
  readonly defaultPolling: () => Promise<unknown>;
  /** The former default schedule, replayed. */
  readonly formerDefault: () => Promise<unknown>;
}

/** How to run and print the comparison. */
export interface PollingBench {
  /** Reads the emulator's count of status calls (GetQueryExecution, DescribeStatement). */
  readonly statusCalls: () => number;
  /** The column title of status calls per query, e.g. `GetQueryExecution/query`. */
  readonly callsColumn: string;
  /** The line printed above the table. */
  readonly title: string;
  /** Sequential queries per slice. */
  readonly queries: number;
  /** Paired rounds. */
  readonly rounds: number;
}

/** Runs the three cases in paired rounds and prints latency, status calls and the latency ratio. */
export async function runPollingBench(cases: PollingCases, bench: PollingBench): Promise<void> {
  const calls = new Map<string, number[]>();
  const latencies = new Map<string, number[]>();
  const push = (map: Map<string, number[]>, name: string, value: number) =>
    (map.get(name) ?? map.set(name, []).get(name)!).push(value);
  const polled = (name: string, run: () => Promise<unknown>): SliceCase => ({
    name,
    slice: async () => {
      const t0 = performance.now();
      for (let q = 0; q < bench.queries; q++) {
        const before = bench.statusCalls();
        const s = performance.now();
        await run();
        push(latencies, name, performance.now() - s);
        push(calls, name, bench.statusCalls() - before);
      }
      return { ops: bench.queries, ms: performance.now() - t0 };
    },
  });
  const baseline = polled('poll every 50 ms', cases.every50ms);
  const result = await compareSlices(
    baseline,
    [
      polled('default polling', cases.defaultPolling),
      polled('former default (100 ms doubling to 1 s)', cases.formerDefault),
    ],
    bench.rounds,
  );
  const row = (name: string, ratio: string) => [
    name,
    fmt(median(latencies.get(name)!)),
    fmt(median(calls.get(name)!), 1),
    ratio,
  ];
  console.log(bench.title);
  console.log(
    formatRows(
      ['case', 'latency ms (median)', bench.callsColumn, 'latency ÷ 50 ms poller (median, range)'],
      [
        row(baseline.name, 'baseline'),
        ...result.cases.map((c) => row(c.name, fmtRatio(spread(c.ratio!.values.map((v) => 1 / v))))),
      ],
    ),
  );
}
