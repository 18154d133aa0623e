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
import { runPollingBench } from './lib/polling.js';

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
  await runPollingBench(
    {
      every50ms: () => user.athena.query(SQL, { workGroup: 'analysts', pollInterval: 50 }),
      defaultPolling: () => user.athena.query(SQL, { workGroup: 'analysts' }),
      formerDefault,
    },
    {
      statusCalls: () => emu.counters.get('athena:GetQueryExecution'),
      callsColumn: 'GetQueryExecution/query',
      title: `Athena query running ${QUERY_MS} ms on the emulator, ${QUERIES} sequential queries per slice, ${ROUNDS} paired rounds`,
      queries: QUERIES,
      rounds: ROUNDS,
    },
  );
  athena.destroy();
} finally {
  await emu.stop();
}
