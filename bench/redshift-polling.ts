/**
 * Redshift Data API polling: the latency of a statement that runs `BENCH_QUERY_MS` (default 350 ms, the
 * emulator's `redshift.runningMs`) through `user.redshift.query` with the default polling, against the
 * same statement polled every 50 ms (`pollInterval: 50`, the baseline), and the DescribeStatement calls
 * each makes (counted by the emulator). A reference case replays the former default schedule (100 ms,
 * doubling, capped at 1 s) with the SDK, so its cost shows in the same run.
 *
 * Run: node --import tsx bench/redshift-polling.ts
 * Env: BENCH_QUERY_MS (default 350), BENCH_ROUNDS (default 7), BENCH_QUERIES (per slice, default 3).
 */
import {
  DescribeStatementCommand,
  ExecuteStatementCommand,
  RedshiftDataClient,
} from '@aws-sdk/client-redshift-data';
import { emulatorSettings } from '../examples/express-service/config.js';
import { createTrustedIdentity } from '../src/index.js';
import { benchConfig } from './lib/emulator-fixture.js';
import { type SliceCase, compareSlices, formatRows } from './lib/harness.js';
import { fmt, fmtRatio, median, spread } from './lib/stats.js';

const QUERY_MS = Number(process.env.BENCH_QUERY_MS ?? 350);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 3);
const SQL = 'SELECT id, owner FROM public.events';
const TARGET = { workgroupName: 'analytics-wg', database: 'dev' } as const;

const { emu, settings } = await emulatorSettings(
  benchConfig(0, (c) => ({ ...c, redshift: { ...c.redshift!, runningMs: QUERY_MS } })),
);
try {
  const tip = createTrustedIdentity(settings.tipOptions);
  const user = await tip.forToken(await emu.idp!.tokenFor('alice'));
  const calls = new Map<string, number[]>();
  const latencies = new Map<string, number[]>();
  /** A slice of QUERIES sequential statements; records latency and DescribeStatement calls per statement. */
  const polled = (name: string, run: () => Promise<unknown>): SliceCase => ({
    name,
    slice: async () => {
      const t0 = performance.now();
      for (let q = 0; q < QUERIES; q++) {
        const before = emu.counters.get('redshift-data:DescribeStatement');
        const s = performance.now();
        await run();
        (latencies.get(name) ?? latencies.set(name, []).get(name)!).push(performance.now() - s);
        (calls.get(name) ?? calls.set(name, []).get(name)!).push(
          emu.counters.get('redshift-data:DescribeStatement') - before,
        );
      }
      return { ops: QUERIES, ms: performance.now() - t0 };
    },
  });
  // The former default, replayed with the SDK: 100 ms, doubling, capped at 1 s.
  const data = new RedshiftDataClient(user.clientConfig());
  const formerDefault = async () => {
    const { Id } = await data.send(
      new ExecuteStatementCommand({
        Sql: SQL,
        WorkgroupName: TARGET.workgroupName,
        Database: TARGET.database,
      }),
    );
    for (let delay = 100; ; delay = Math.min(1000, delay * 2)) {
      const out = await data.send(new DescribeStatementCommand({ Id }));
      if (out.Status === 'FINISHED') return;
      if (out.Status === 'FAILED' || out.Status === 'ABORTED') throw new Error(`statement ${out.Status}`);
      await new Promise((r) => setTimeout(r, delay));
    }
  };
  await user.redshift.query(SQL, TARGET); // warm-up: clients, SQL engine
  const baseline = polled('poll every 50 ms', () =>
    user.redshift.query(SQL, { ...TARGET, pollInterval: 50 }),
  );
  const result = await compareSlices(
    baseline,
    [
      polled('default polling', () => user.redshift.query(SQL, TARGET)),
      polled('former default (100 ms doubling to 1 s)', formerDefault),
    ],
    ROUNDS,
  );
  const row = (name: string, ratio: string) => [
    name,
    fmt(median(latencies.get(name)!)),
    fmt(median(calls.get(name)!), 1),
    ratio,
  ];
  console.log(
    `Redshift statement running ${QUERY_MS} ms on the emulator, ${QUERIES} sequential statements per slice, ${ROUNDS} paired rounds`,
  );
  console.log(
    formatRows(
      [
        'case',
        'latency ms (median)',
        'DescribeStatement/statement',
        'latency ÷ 50 ms poller (median, range)',
      ],
      [
        row(baseline.name, 'baseline'),
        ...result.cases.map((c) => row(c.name, fmtRatio(spread(c.ratio!.values.map((v) => 1 / v))))),
      ],
    ),
  );
  data.destroy();
} finally {
  await emu.stop();
}
