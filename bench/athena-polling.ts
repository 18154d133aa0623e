/**
 * Athena polling: the latency of a query that runs `BENCH_QUERY_MS` (default 350 ms, the emulator's
 * `athena.runningMs`) through `user.athena.query` with the default polling, against the same query polled
 * every 50 ms (`pollInterval: 50`, the baseline), and the GetQueryExecution calls each makes (counted by the
 * emulator). A reference case replays the former default schedule (100 ms, doubling, capped at 1 s) with
 * `pollInterval` fixed per step, so its cost shows in the same run.
 *
 * Run: node --import tsx bench/athena-polling.ts
 * Env: BENCH_QUERY_MS (default 350), BENCH_ROUNDS (default 7), BENCH_QUERIES (per slice, default 3).
 */
import { GetQueryExecutionCommand, AthenaClient, StartQueryExecutionCommand } from '@aws-sdk/client-athena';
import { emulatorSettings } from '../examples/express-service/config.js';
import { createTrustedIdentity } from '../src/index.js';
import { benchConfig } from './lib/emulator-fixture.js';
import { type SliceCase, compareSlices, formatRows } from './lib/harness.js';
import { fmt, fmtRatio, median, spread } from './lib/stats.js';

const QUERY_MS = Number(process.env.BENCH_QUERY_MS ?? 350);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 3);
const SQL = 'SELECT id, region FROM sales.orders';

const { emu, settings } = await emulatorSettings(
  benchConfig(0, (c) => ({ ...c, athena: { ...c.athena!, runningMs: QUERY_MS } })),
);
try {
  const tip = createTrustedIdentity(settings.tipOptions);
  const user = await tip.forToken(await emu.idp!.tokenFor('alice'));
  const calls = new Map<string, number[]>();
  const latencies = new Map<string, number[]>();
  /** A slice of QUERIES sequential queries; records latency and GetQueryExecution calls per query. */
  const polled = (name: string, run: () => Promise<unknown>): SliceCase => ({
    name,
    slice: async () => {
      const t0 = performance.now();
      for (let q = 0; q < QUERIES; q++) {
        const before = emu.counters.get('athena:GetQueryExecution');
        const s = performance.now();
        await run();
        (latencies.get(name) ?? latencies.set(name, []).get(name)!).push(performance.now() - s);
        (calls.get(name) ?? calls.set(name, []).get(name)!).push(
          emu.counters.get('athena:GetQueryExecution') - before,
        );
      }
      return { ops: QUERIES, ms: performance.now() - t0 };
    },
  });
  // The former default, replayed with the SDK: 100 ms, doubling, capped at 1 s.
  const athena = new AthenaClient(user.clientConfig());
  const formerDefault = async () => {
    const { QueryExecutionId } = await athena.send(
      new StartQueryExecutionCommand({ QueryString: SQL, WorkGroup: 'analysts' }),
    );
    for (let delay = 100; ; delay = Math.min(1000, delay * 2)) {
      const out = await athena.send(new GetQueryExecutionCommand({ QueryExecutionId }));
      if (out.QueryExecution?.Status?.State === 'SUCCEEDED') return;
      await new Promise((r) => setTimeout(r, delay));
    }
  };
  await user.athena.query(SQL, { workGroup: 'analysts' }); // warm-up: clients, SQL engine
  const baseline = polled('poll every 50 ms', () =>
    user.athena.query(SQL, { workGroup: 'analysts', pollInterval: 50 }),
  );
  const result = await compareSlices(
    baseline,
    [
      polled('default polling', () => user.athena.query(SQL, { workGroup: 'analysts' })),
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
    `Athena query running ${QUERY_MS} ms on the emulator, ${QUERIES} sequential queries per slice, ${ROUNDS} paired rounds`,
  );
  console.log(
    formatRows(
      ['case', 'latency ms (median)', 'GetQueryExecution/query', 'latency ÷ 50 ms poller (median, range)'],
      [
        row(baseline.name, 'baseline'),
        ...result.cases.map((c) => row(c.name, fmtRatio(spread(c.ratio!.values.map((v) => 1 / v))))),
      ],
    ),
  );
  athena.destroy();
} finally {
  await emu.stop();
}
