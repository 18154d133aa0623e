/**
 * Redshift as the user over the Postgres wire (`user.redshift.connect()`) against the Data API
 * (`user.redshift.query()`) for the same query, on the emulator: connection set-up time (TLS, the
 * identity-provider login with a cached driver token, first ReadyForQuery) and queries per second on an
 * open connection, with ratios against the Data API measured in the same run. The machine is shared:
 * read the ratios, and re-measure on a quiet machine.
 *
 * Run: node --import tsx bench/redshift-wire.ts
 * Env: BENCH_TIME_MS (default 1500).
 */
import type { Client } from 'pg';
import { startEmulator } from '../src/emulator/start.js';
import { emulatorTip, salesWorkgroup, servicesConfig, signIn } from '../test/services/integration/kit.js';
import { formatTable, runSuite } from './lib/harness.js';

const TIME_MS = Number(process.env.BENCH_TIME_MS ?? 1500);
const SQL = "select region, amount from sales where region = 'eu'";

async function main(): Promise<void> {
  const emu = await startEmulator(
    servicesConfig({
      redshift: {
        targets: [
          salesWorkgroup(
            Array.from({ length: 50 }, (_, i) => [i % 2 ? 'eu' : 'us', i] as const),
            [{ principal: 'user:alice', table: 'public.sales' }],
          ),
        ],
      },
    }),
    { quiet: true, services: { athena: false, s3: false, 's3-control': false } },
  );
  try {
    const user = await signIn(emu, emulatorTip(emu), 'alice');
    const endpoint = emu.redshiftSql!.endpoint({ workgroupName: 'analytics' });
    const target = {
      workgroupName: 'analytics',
      host: 'localhost',
      port: endpoint.port,
      database: 'dev',
      ssl: { ca: emu.redshiftSql!.caPem },
    };
    const dataApi = () => user.redshift.query(SQL, { workgroupName: 'analytics', database: 'dev' });
    await dataApi();
    const client: Client = await user.redshift.connect(target);
    const wire = async () => {
      await client.query(SQL);
    };
    const connectAndClose = async () => {
      const c = await user.redshift.connect(target);
      await c.end();
    };
    const options = { timeMs: TIME_MS, warmupMs: 200, sampleUs: 1 };
    const queries = await runSuite(
      [
        { name: 'Data API query (Execute + Describe + GetStatementResult)', fn: dataApi },
        { name: 'wire query on an open connection', fn: wire },
      ],
      options,
    );
    console.log(formatTable('Queries (same SQL, same user)', queries, queries[0]!.name));
    console.log('');
    const setup = await runSuite(
      [
        { name: 'Data API query (the whole round trip)', fn: dataApi },
        { name: 'wire connection set-up + close (TLS, token login)', fn: connectAndClose },
      ],
      options,
    );
    console.log(formatTable('Connection set-up against one Data API query', setup, setup[0]!.name));
    await client.end();
  } finally {
    await emu.stop();
  }
}

await main();
