/**
 * Several processes that need PGlite at once on a fresh machine (no snapshot file yet: parallel test
 * workers or emulators on a new CI box). With one snapshot path they share bootPglite's initdb lock: one
 * runs initdb and writes the file, the others wait and boot from it. The baseline gives each process its
 * own path, so each runs initdb, as every process did before the lock. Prints the CPU summed over the
 * processes (each measures its own, tsx's start-up included) and the wall time until the last is booted,
 * in alternating rounds.
 *
 * Run: node --import tsx bench/pglite-initdb.ts
 * Env: BENCH_PROCESSES (default 3), BENCH_ROUNDS (default 3).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runJsonChild } from './lib/json-child.js';
import { median } from './lib/stats.js';

const PROCESSES = Number(process.env.BENCH_PROCESSES ?? 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CHILD = fileURLToPath(new URL('./lib/pglite-boot-child.ts', import.meta.url));

interface Boot {
  readonly source: string;
  readonly wallMs: number;
  readonly cpuMs: number;
}

function bootIn(path: string): Promise<Boot> {
  return runJsonChild<Boot>(CHILD, [path]);
}

/** `PROCESSES` processes at once; `shared` gives them one snapshot path. */
async function round(shared: boolean): Promise<{ cpuMs: number; wallMs: number; sources: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'tip-bench-initdb-'));
  try {
    const t0 = performance.now();
    const boots = await Promise.all(
      Array.from({ length: PROCESSES }, (_, i) =>
        bootIn(join(dir, shared ? 'snapshot.tar.gz' : `own-${i}.tar.gz`)),
      ),
    );
    const counts: Record<string, number> = {};
    for (const b of boots) counts[b.source] = (counts[b.source] ?? 0) + 1;
    return {
      cpuMs: boots.reduce((sum, b) => sum + b.cpuMs, 0),
      wallMs: performance.now() - t0,
      sources: Object.entries(counts)
        .map(([s, n]) => `${n} ${s}`)
        .join(', '),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const own: Awaited<ReturnType<typeof round>>[] = [];
const locked: Awaited<ReturnType<typeof round>>[] = [];
for (let r = 0; r < ROUNDS; r++) {
  own.push(await round(false));
  locked.push(await round(true));
}
const line = (label: string, rounds: typeof own) =>
  `${label.padEnd(44)} CPU ${median(rounds.map((x) => x.cpuMs))
    .toFixed(0)
    .padStart(6)} ms   wall ${median(rounds.map((x) => x.wallMs))
    .toFixed(0)
    .padStart(6)} ms   (${rounds[0]!.sources})`;
console.log(
  `${PROCESSES} processes booting PGlite at once with no snapshot file (${ROUNDS} alternating rounds, medians)`,
);
console.log(line('each its own initdb (no shared snapshot path)', own));
console.log(line('one initdb under the lock, the others wait', locked));
console.log(
  `ratio: ${(median(own.map((x) => x.cpuMs)) / median(locked.map((x) => x.cpuMs))).toFixed(2)}× less CPU, ${(median(own.map((x) => x.wallMs)) / median(locked.map((x) => x.wallMs))).toFixed(2)}× less wall`,
);
