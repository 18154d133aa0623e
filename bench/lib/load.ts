/**
 * The load generator for bench/http.ts, run as its own process so its CPU does not count against the
 * servers' event loop: reads `{ url, connections, durationS, authorizations }` as JSON on stdin, runs
 * autocannon (each connection cycling through one request per authorization header), and prints
 * `{ requests, ms, p50Us, p99Us, non2xx, errors }` as JSON on stdout.
 *
 * Use {@link runLoad} from a bench; this file is also the child's entry point.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import type { SliceResult } from './harness.js';

/** What one load run is asked to do. */
export interface LoadSpec {
  readonly url: string;
  readonly connections: number;
  readonly durationS: number;
  /** `Authorization` header values, one request each, cycled by every connection. */
  readonly authorizations: readonly string[];
}

/** What one load run measured. */
export interface LoadResult extends SliceResult {
  readonly non2xx: number;
  readonly errors: number;
}

const SELF = fileURLToPath(import.meta.url);

/** Runs one load run in a child process; rejects if it failed. */
export function runLoad(spec: LoadSpec): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', SELF], { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`load generator exited with ${code}`));
      resolve(JSON.parse(out) as LoadResult);
    });
    child.stdin.end(JSON.stringify(spec));
  });
}

async function main(): Promise<void> {
  let input = '';
  for await (const chunk of process.stdin) input += chunk;
  const spec = JSON.parse(input) as LoadSpec;
  const result = await autocannon({
    url: spec.url,
    connections: spec.connections,
    duration: spec.durationS,
    requests: spec.authorizations.map((authorization) => ({ method: 'GET', headers: { authorization } })),
  });
  const out: LoadResult = {
    ops: result.requests.total,
    ms: result.duration * 1000,
    p50Us: result.latency.p50 * 1000,
    p99Us: result.latency.p99 * 1000,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
  process.stdout.write(JSON.stringify(out));
}

if (process.argv[1] === SELF) await main();
