import { defineConfig } from 'vitest/config';
import { excludeMissingParts } from './test/support/real-parts.js';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['node_modules/**', ...excludeMissingParts(process.env.CI === 'true')],
    // Bundles the CLI that child processes run (test/support/cli-bundle.ts).
    globalSetup: ['./test/support/global-setup.ts'],
    // Emulators of a worker reuse each other's SQL databases (test/support/reuse-sql-databases.ts).
    setupFiles: ['./test/support/reuse-sql-databases.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // PGlite's 9 MB of WebAssembly: with V8's tier-up, workers spend CPU optimising the functions its
    // boots and queries make hot, and the baseline code alone is fast enough here (bench/sql-engines.ts:
    // a process's first engine cycle 1.17 s of CPU against 1.40 s, a reused one 27 ms against 112 ms).
    execArgv: ['--liftoff-only'],
    // vitest's default is one worker per core less one: a single worker on a 2-core machine, though most
    // files wait on sockets, child processes and timers. Each worker imports the AWS SDK, oidc-provider and
    // PGlite once, so more workers also mean more work: on 2 cores three kept both busy with the least CPU
    // (the suite in 100 s, against 110 s with four and 114 s with two).
    maxWorkers: 3,
    // Each worker runs its files in one process, so a file does not pay the import of the AWS SDK,
    // oidc-provider and PGlite again (about 0.3 s each). No file mocks modules or leaves globals changed.
    isolate: false,
    // Transformed modules are kept in node_modules/.experimental-vitest-cache between runs (keyed by each
    // file's content): a rerun skips most of the TypeScript transforms, about 10 s summed over the workers.
    // `npx vitest --clearCache` empties it.
    experimental: { fsModuleCache: true },
    // The type tests check only their own files and what they import (tsconfig.test-d.json): with the
    // whole project they took 13 s after every other file had finished. `npm run typecheck` checks it all.
    typecheck: {
      enabled: true,
      include: ['test/**/*.test-d.ts'],
      tsconfig: './tsconfig.test-d.json',
    },
  },
});
