/**
 * Suites that need a real part of the machine (a browser, a server binary, a CLI): one entry each — its
 * folder, what it needs, how to check, how to install. vitest.config.ts excludes a suite whose part is
 * missing and says so in one line; under CI (`CI=true`) a missing part is an error, since `.ci/run`
 * installs every part.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';

/** One suite and the real part it needs. */
export interface RealPart {
  /** The suite's folder glob, as vitest excludes it, e.g. `test/browser/**`. */
  readonly suite: string;
  /** The suite's name in the report line. */
  readonly name: string;
  /** What it needs, e.g. `chromium`. */
  readonly needs: string;
  /** Whether the part is present on this machine. */
  readonly present: () => boolean;
  /** How to install it. */
  readonly install: string;
}

/** True when `path` is an executable file. */
export function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** True when `command args` runs and exits 0 (within 20 s). */
export function runs(command: string, args: readonly string[]): boolean {
  const result = spawnSync(command, args, { stdio: 'ignore', timeout: 20_000 });
  return result.status === 0;
}

/** True when the machine's curl knows `--aws-sigv4` (curl 7.75 or later). */
export function curlSignsSigV4(): boolean {
  const result = spawnSync('curl', ['--help', 'all'], { encoding: 'utf8', timeout: 20_000 });
  return result.status === 0 && result.stdout.includes('--aws-sigv4');
}

/** The Chromium the browser suite drives. */
export const CHROMIUM_PATH = process.env.TIP_SDK_CHROMIUM ?? '/usr/bin/chromium';

/** Every suite with a real part. */
export const REAL_PARTS: readonly RealPart[] = [
  {
    suite: 'test/browser/**',
    name: 'browser',
    needs: `chromium (${CHROMIUM_PATH}) and the aws CLI`,
    present: () => executable(CHROMIUM_PATH) && runs('aws', ['--version']),
    install: 'apt-get install -y chromium awscli',
  },
  {
    suite: 'test/psql/**',
    name: 'psql',
    needs: 'psql (the PostgreSQL client)',
    present: () => runs('psql', ['--version']),
    install: 'apt-get install -y postgresql-client',
  },
  {
    suite: 'test/conformance/**',
    name: 'conformance',
    needs: 'python3 with boto3/botocore, the aws CLI and curl (7.75 or later, for --aws-sigv4)',
    present: () =>
      runs('python3', ['-c', 'import boto3, botocore, awscli']) &&
      runs('aws', ['--version']) &&
      curlSignsSigV4(),
    install: 'python3 -m pip install boto3 awscli; apt-get install -y curl',
  },
  {
    suite: 'test/redis/**',
    name: 'redis',
    needs: 'redis-server',
    present: () => runs('redis-server', ['--version']),
    install: 'apt-get install -y redis-server',
  },
];

/** The suites whose part is missing, with the one line that says so. */
export function missingParts(parts: readonly RealPart[] = REAL_PARTS): { suite: string; line: string }[] {
  return parts
    .filter((part) => !part.present())
    .map((part) => ({
      suite: part.suite,
      line: `${part.name} suite not run: ${part.needs} not found (${part.install})`,
    }));
}

/**
 * The vitest excludes for missing parts; prints one line per excluded suite. With `ci`, a missing part
 * throws instead.
 */
export function excludeMissingParts(ci: boolean, parts: readonly RealPart[] = REAL_PARTS): string[] {
  const missing = missingParts(parts);
  if (ci && missing.length > 0) {
    throw new Error(`CI needs every real part: ${missing.map((m) => m.line).join('; ')}`);
  }
  for (const m of missing) process.stdout.write(`${m.line}\n`);
  return missing.map((m) => m.suite);
}
