/**
 * One process booting PGlite with the snapshot file named by argv[2] (bench/pglite-initdb.ts starts
 * several at once): prints `{ source, wallMs, cpuMs }` as JSON, CPU measured from the process's start.
 */
import { bootPglite } from '../../src/emulator/sql/boot.js';

const t0 = performance.now();
const boot = await bootPglite({ snapshotPath: process.argv[2]! });
await boot.pg.close();
const cpu = process.cpuUsage();
console.log(
  JSON.stringify({
    source: boot.source,
    wallMs: performance.now() - t0,
    cpuMs: (cpu.user + cpu.system) / 1000,
  }),
);
