/**
 * Whether the emulator slows down as it runs: one user exchange (CreateTokenWithIAM jwt-bearer, then
 * AssumeRole with the identity context; real SDK clients over loopback HTTP) repeated `BENCH_EXCHANGES`
 * times for `BENCH_USERS` users. Prints the rate of every window of `BENCH_WINDOW` exchanges (with the
 * process heap after it), the ratio of the last window's rate to the first's, and then the aged emulator
 * against a freshly started one in paired rounds (the steadier figure on a loaded machine). Flat means
 * the ratios are near 1 (the last three windows against the first three, medians, is the steadier of the
 * two window ratios). A warm-up of 300 exchanges runs first, uncounted.
 *
 * Run: node --import tsx bench/emulator-aging.ts
 * Env: BENCH_EXCHANGES (default 20000), BENCH_WINDOW (default 1000), BENCH_USERS (default 200),
 *      BENCH_ROUNDS (default 9).
 */
import { type SliceCase, compareSlices, formatComparison } from './lib/harness.js';
import { type BenchEmulator, startBenchEmulator } from './lib/emulator-fixture.js';
import { fmt } from './lib/stats.js';

const EXCHANGES = Number(process.env.BENCH_EXCHANGES ?? 20_000);
const WINDOW = Number(process.env.BENCH_WINDOW ?? 1000);
const USERS = Number(process.env.BENCH_USERS ?? 200);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
const SLICE = 150;

/** Exchanges per second over `n` fresh tokens (minted before the clock starts), `concurrency` at a time. */
async function window(b: BenchEmulator, n: number, offset: number, concurrency = 4): Promise<number> {
  const tokens = await b.mintMany(n, (k) => offset + k);
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < tokens.length) await b.exchange(tokens[next++]!);
    }),
  );
  return (n / (performance.now() - t0)) * 1000;
}

function sliceOf(name: string, b: BenchEmulator): SliceCase {
  let offset = 0;
  return {
    name,
    slice: async () => {
      const tokens = await b.mintMany(SLICE, (k) => offset + k);
      offset += SLICE;
      const t0 = performance.now();
      for (const t of tokens) await b.exchange(t);
      return { ops: SLICE, ms: performance.now() - t0 };
    },
  };
}

const aged = await startBenchEmulator(USERS);
try {
  await window(aged, 300, 0); // JIT and socket warm-up, not counted
  console.log(`Exchange rate as the emulator runs (${USERS} users, windows of ${WINDOW}, 4 concurrent)`);
  const rates: number[] = [];
  for (let done = 0; done < EXCHANGES; done += WINDOW) {
    const rate = await window(aged, Math.min(WINDOW, EXCHANGES - done), done);
    rates.push(rate);
    // The process heap (emulator and clients) as the emulator keeps what it issued, to tell a slower
    // collector over more live state from work that grows per call.
    const heapMiB = process.memoryUsage().heapUsed / 2 ** 20;
    console.log(
      `after ${fmt(done).padStart(7)} exchanges: ${fmt(rate).padStart(5)} exchanges/s, heap ${fmt(heapMiB).padStart(5)} MiB`,
    );
  }
  // One window is noisy on a shared machine: the last three against the first three, median to median.
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const k = Math.min(3, Math.floor(rates.length / 2)) || 1;
  console.log(
    `last window / first window: ${fmt(rates.at(-1)! / rates[0]!, 2)}× (after ${fmt(EXCHANGES)} exchanges)`,
  );
  console.log(
    `last ${k} windows / first ${k} (medians): ${fmt(median(rates.slice(-k)) / median(rates.slice(0, k)), 2)}×\n`,
  );
  const fresh = await startBenchEmulator(USERS);
  try {
    const result = await compareSlices(
      sliceOf('fresh emulator', fresh),
      [sliceOf(`emulator after ${fmt(EXCHANGES)} exchanges`, aged)],
      ROUNDS,
    );
    console.log(
      formatComparison(
        `Aged vs fresh emulator, paired rounds of ${SLICE} sequential exchanges`,
        result,
        'exchanges/s',
      ),
    );
  } finally {
    await fresh.stop();
  }
} finally {
  await aged.stop();
}
