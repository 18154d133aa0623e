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
import { runPollingBench } from './lib/polling.js';

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
  await runPollingBench(
    {
      every50ms: () => user.redshift.query(SQL, { ...TARGET, pollInterval: 50 }),
      defaultPolling: () => user.redshift.query(SQL, TARGET),
      formerDefault,
    },
    {
      statusCalls: () => emu.counters.get('redshift-data:DescribeStatement'),
      callsColumn: 'DescribeStatement/statement',
      title: `Redshift statement running ${QUERY_MS} ms on the emulator, ${QUERIES} sequential statements per slice, ${ROUNDS} paired rounds`,
      queries: QUERIES,
      rounds: ROUNDS,
    },
  );
  data.destroy();
} finally {
  await emu.stop();
}
