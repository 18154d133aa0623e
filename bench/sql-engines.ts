/**
 * The emulator's SQL engine started and closed again and again in one process, as a test runner with one
 * process per worker does: each cycle boots (or takes) a database, lays out a table, a role, a grant and
 * a row filter, runs a query as the role and closes. Four modes, each in a process of its own: databases
 * booted per engine (the baseline) or reused (`reuseClosedSqlDatabases()`), each with V8's default
 * WebAssembly tiering and with `--liftoff-only`. Prints the median CPU and wall per cycle and the ratio of
 * CPU to the baseline's, in alternating rounds; then the CPU a process takes up to the end of its first
 * cycle, with and without `--liftoff-only`.
 *
 * Run: node --import tsx bench/sql-engines.ts
 * Env: BENCH_CYCLES (default 11; the first of each process is left out), BENCH_ROUNDS (default 3).
 */
import { fileURLToPath } from 'node:url';
import { runJsonChild } from './lib/json-child.js';
import { median } from './lib/stats.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CHILD = fileURLToPath(new URL('./lib/sql-engine-cycles.ts', import.meta.url));

interface Cycles {
  readonly cpuMs: number[];
  readonly wallMs: number[];
  readonly sources: string[];
  readonly firstCpuMs: number;
}

function run(mode: 'own' | 'reuse', flags: readonly string[]): Promise<Cycles> {
  return runJsonChild<Cycles>(CHILD, [mode], flags);
}

const MODES = [
  { label: 'boot per engine (baseline)', mode: 'own', flags: [] },
  { label: 'reuseClosedSqlDatabases()', mode: 'reuse', flags: [] },
  { label: 'boot per engine, --liftoff-only', mode: 'own', flags: ['--liftoff-only'] },
  { label: 'reuseClosedSqlDatabases(), --liftoff-only', mode: 'reuse', flags: ['--liftoff-only'] },
] as const;

const results = MODES.map(() => ({
  cpu: [] as number[],
  wall: [] as number[],
  first: [] as number[],
  sources: new Set<string>(),
}));
for (let r = 0; r < ROUNDS; r++) {
  for (const [i, m] of MODES.entries()) {
    const cycles = await run(m.mode, m.flags);
    results[i]!.cpu.push(median(cycles.cpuMs));
    results[i]!.wall.push(median(cycles.wallMs));
    results[i]!.first.push(cycles.firstCpuMs);
    for (const s of cycles.sources.slice(1)) results[i]!.sources.add(s);
  }
}
const baseline = median(results[0]!.cpu);
console.log(`SQL engine cycles, median of ${ROUNDS} rounds of per-cycle medians:`);
for (const [i, m] of MODES.entries()) {
  const cpu = median(results[i]!.cpu);
  console.log(
    `${m.label.padEnd(44)} CPU ${cpu.toFixed(0).padStart(5)} ms   wall ${median(results[i]!.wall)
      .toFixed(0)
      .padStart(
        5,
      )} ms   ${(cpu / baseline).toFixed(2)}× baseline CPU   (${[...results[i]!.sources].join(', ')})`,
  );
}
console.log(
  '\nA process up to the end of its first cycle (tsx, PGlite imported, a boot from the snapshot file):',
);
for (const [i, m] of MODES.entries()) {
  if (m.mode !== 'own') continue;
  console.log(`${m.label.padEnd(44)} CPU ${median(results[i]!.first).toFixed(0).padStart(5)} ms`);
}
