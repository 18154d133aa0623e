/**
 * A pending tip-sdk call keeps its process alive until it settles: a script whose last act is
 * `await tip.forToken(…)` prints the outcome instead of exiting mid-retry. Real child processes against a
 * local HTTP endpoint that answers 503: ESM loading the sources through tsx, and CommonJS requiring the
 * sources built as a CommonJS bundle with tsup (as the package ships them).
 */
import { spawn } from 'node:child_process';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'tsup';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** Inside the project, so the bundle resolves its dependencies from node_modules. */
const CJS_DIR = fileURLToPath(new URL('../../node_modules/.cache/tip-sdk-process-alive/', import.meta.url));

let server: Server;
let endpoint: string;
let requests = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    requests += 1;
    req.resume();
    req.on('end', () => {
      res.writeHead(503, {
        'content-type': 'application/json',
        'x-amzn-errortype': 'InternalServerException',
      });
      res.end('{"error":"server_error","error_description":"try again"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await build({
    entry: { index: 'src/index.ts' },
    format: ['cjs'],
    outDir: CJS_DIR,
    target: 'node20',
    platform: 'node',
    dts: false,
    config: false,
    silent: true,
  });
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await rm(CJS_DIR, { recursive: true, force: true });
});

function run(script: string, scenario: 'retry' | 'store') {
  const file = fileURLToPath(new URL(`./fixtures/${script}`, import.meta.url));
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, script.endsWith('.mts') ? ['--import', 'tsx', file] : [file], {
      env: { ...process.env, ENDPOINT: endpoint, SCENARIO: scenario, TIP_SDK_CJS: `${CJS_DIR}index.cjs` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('a pending call keeps the process alive until it settles', () => {
  it.each([
    ['ESM', 'pending-call.mts'],
    ['CommonJS', 'pending-call.cjs'],
  ])('%s: a call sleeping in backoff between retries settles before exit', async (_kind, script) => {
    const before = requests;
    const out = await run(script, 'retry');
    expect({ code: out.code, stdout: out.stdout.trim() }, out.stderr).toEqual({
      code: 0,
      stdout: 'settled: ERR_AWS_UNAVAILABLE',
    });
    expect(requests - before).toBe(3);
  });

  it.each([
    ['ESM', 'pending-call.mts'],
    ['CommonJS', 'pending-call.cjs'],
  ])('%s: a call waiting on a shared store that never answers settles before exit', async (_kind, script) => {
    const before = requests;
    const out = await run(script, 'store');
    expect({ code: out.code, stdout: out.stdout.trim() }, out.stderr).toEqual({
      code: 0,
      stdout: 'settled: ERR_AWS_UNAVAILABLE',
    });
    expect(requests - before).toBe(3);
  });
});
