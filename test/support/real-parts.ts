/**
 * Which real parts (binaries) this machine has, for the suites that need one. `vitest.config.ts` leaves a
 * suite out when its part is missing and says so in one line; with `CI=true` a missing part is an error,
 * since `.ci/run` installs every part.
 */
import { spawnSync } from 'node:child_process';

/** A suite that needs a binary. */
export interface RealPart {
  /** Test files of the suite (a glob). */
  readonly suite: string;
  /** The binary it runs. */
  readonly binary: string;
  /** How to install it. */
  readonly install: string;
}

/** The suites that drive real binaries. */
export const REAL_PARTS: readonly RealPart[] = [
  { suite: 'test/psql/**', binary: 'psql', install: 'apt-get install postgresql-client' },
  { suite: 'test/redis/**', binary: 'redis-server', install: 'apt-get install redis-server' },
];

function found(binary: string): boolean {
  return spawnSync(binary, ['--version'], { stdio: 'ignore' }).status === 0;
}

/**
 * The globs of the suites whose binary is missing, after printing one line for each.
 * @throws Error under `CI=true` when a binary is missing.
 */
export function missingSuites(): string[] {
  const missing = REAL_PARTS.filter((part) => !found(part.binary));
  for (const part of missing) {
    const line = `${part.suite} suite not run: ${part.binary} not found (${part.install})`;
    if (process.env.CI === 'true') throw new Error(`${line}; CI must install it`);
    console.log(line);
  }
  return missing.map((part) => part.suite);
}
