/**
 * Redshift as the user over the Postgres wire (`user.redshift.connect()`) against the Data API
 * (`user.redshift.query()`) for the same query, on the emulator: connection set-up time (TLS, the
 * identity-provider login with a cached driver token, first ReadyForQuery) and queries per second on an
 * open connection, with ratios against the Data API measured in the same run. The machine is shared:
 * read the ratios, and re-measure on a quiet machine.
 *
 * Run: node --import tsx bench/redshift-wire.ts
 * Env: BENCH_ROUNDS (paired rounds, default 7), BENCH_SLICE_MS (default 300).
 */
import type { Client } from 'pg';
import { startEmulator } from '../src/emulator/start.js';
import { emulatorTip, salesWorkgroup, servicesConfig, signIn } from '../test/services/integration/kit.js';
import { compare, formatComparison } from './lib/harness.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const SLICE_MS = Number(process.env.BENCH_SLICE_MS ?? 300);
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
    // Every call timed alone (sampleUs 0), so p50/p99 are per query or per connection.
    const options = { warmupMs: 300, sliceMs: SLICE_MS, rounds: ROUNDS, sampleUs: 0 };
    const baseline = { name: 'Data API query (Execute + Describe + GetStatementResult)', fn: dataApi };
    const queries = await compare(
      baseline,
      [{ name: 'wire query on an open connection', fn: wire }],
      options,
    );
    console.log(formatComparison('Queries (same SQL, same user)', queries, 'queries/s'));
    console.log('');
    const setup = await compare(
      baseline,
      [{ name: 'wire connection set-up + close (TLS, token login)', fn: connectAndClose }],
      options,
    );
    console.log(formatComparison('Connection set-up against one Data API query', setup, 'ops/s'));
    await client.end();
  } finally {
    await emu.stop();
  }
}

await main();
