/**
 * Suites that need a real part of the machine (a binary, an interpreter with packages). Each part is
 * detected once when vitest loads its config: a missing part excludes its suite with one line saying so
 * and how to install it, and under `CI=true` a missing part is an error, since CI must run every suite.
 */
import { spawnSync } from 'node:child_process';

/** A suite and the real part it needs. */
export interface RealPartSuite {
  /** Name in the one-line notice, e.g. `conformance`. */
  readonly name: string;
  /** The vitest glob of the suite, excluded when the part is missing. */
  readonly glob: string;
  /** True when the part is present. */
  readonly present: () => boolean;
  /** What is missing and how to install it. */
  readonly missing: string;
}

/** True when `command args…` runs and exits 0 within 20 s. */
export function runs(command: string, args: readonly string[]): boolean {
  const result = spawnSync(command, [...args], { stdio: 'ignore', timeout: 20_000 });
  return result.status === 0;
}

/** Every suite that needs a real part. */
export const REAL_PART_SUITES: readonly RealPartSuite[] = [
  {
    name: 'conformance',
    glob: 'test/conformance/**',
    present: () => runs('python3', ['-c', 'import boto3, botocore, awscli']) && runs('aws', ['--version']),
    missing: 'python3 with boto3/botocore and the aws CLI not found (python3 -m pip install boto3 awscli)',
  },
];

/**
 * The globs to exclude for missing parts; prints one line per excluded suite.
 *
 * @throws Error under `CI=true` when a part is missing.
 */
export function missingPartExcludes(
  suites: readonly RealPartSuite[] = REAL_PART_SUITES,
  env: NodeJS.ProcessEnv = process.env,
  log: (line: string) => void = (line) => console.warn(line),
): string[] {
  const excludes: string[] = [];
  for (const suite of suites) {
    if (suite.present()) continue;
    if (env.CI === 'true') throw new Error(`${suite.name} suite cannot run in CI: ${suite.missing}`);
    log(`${suite.name} suite not run: ${suite.missing}`);
    excludes.push(suite.glob);
  }
  return excludes;
}
