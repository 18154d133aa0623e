/**
 * One process running `BENCH_CYCLES` SQL engine cycles (bench/sql-engines.ts starts one per mode): each
 * cycle creates an engine, lays out a table with 2 rows, a role, a grant and a row filter, runs one
 * query as the role and closes the engine. argv[2] is `reuse` or `own` (reuseClosedSqlDatabases on or
 * off). Prints `{ cpuMs, wallMs, sources, firstCpuMs }` as JSON: CPU and wall of each cycle after the first,
 * and the process's CPU from its start to the end of the first cycle (tsx, the imports of PGlite, a boot
 * from the snapshot file), the same in both modes.
 */
import { createSqlEngine } from '../../src/emulator/sql/engine.js';
import { reuseClosedSqlDatabases } from '../../src/emulator/sql/idle-databases.js';

const CYCLES = Number(process.env.BENCH_CYCLES ?? 11);
reuseClosedSqlDatabases(process.argv[2] === 'reuse');
const cpuMs: number[] = [];
const wallMs: number[] = [];
const sources: string[] = [];
let firstCpuMs = 0;
for (let i = 0; i < CYCLES; i++) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const engine = await createSqlEngine();
  await engine.createTable('sales', {
    name: 'orders',
    columns: [
      { name: 'id', type: 'int' },
      { name: 'region', type: 'varchar' },
    ],
    rows: [
      [1, 'eu'],
      [2, 'us'],
    ],
  });
  await engine.ensureRole('AWSIDC:alice');
  await engine.grantSelect('sales', 'orders', 'AWSIDC:alice');
  await engine.setRowFilter('sales', 'orders', 'AWSIDC:alice', "region = 'eu'");
  const result = await engine.runAs('AWSIDC:alice', 'SELECT id FROM sales.orders');
  if (result.rows.length !== 1) throw new Error(`expected 1 row, got ${result.rows.length}`);
  await engine.close();
  const c = process.cpuUsage(c0);
  if (i > 0) {
    cpuMs.push((c.user + c.system) / 1000);
    wallMs.push(performance.now() - t0);
  } else {
    const total = process.cpuUsage();
    firstCpuMs = (total.user + total.system) / 1000;
  }
  sources.push(engine.boot.source);
}
reuseClosedSqlDatabases(false);
console.log(JSON.stringify({ cpuMs, wallMs, sources, firstCpuMs }));
