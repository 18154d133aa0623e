/**
 * A pending tip-sdk call keeps its process alive until it settles: a script whose last act is
 * `await tip.forToken(…)` prints the outcome instead of exiting mid-retry. Real child processes against a
 * local HTTP endpoint that answers 503: ESM loading the sources through tsx, and CommonJS requiring the
 * sources built as a CommonJS bundle with tsup (as the package ships them).
 */
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'tsup';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runNode } from '../support/run-node.js';

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
  return runNode(script.endsWith('.mts') ? ['--import', 'tsx', file] : [file], {
    ENDPOINT: endpoint,
    SCENARIO: scenario,
    TIP_SDK_CJS: `${CJS_DIR}index.cjs`,
  });
}

describe('a pending call keeps the process alive until it settles', () => {
  it.each([
    ['ESM', 'pending-call.mts', 'retry'],
    ['CommonJS', 'pending-call.cjs', 'retry'],
    ['ESM', 'pending-call.mts', 'store'],
    ['CommonJS', 'pending-call.cjs', 'store'],
  ] as const)('%s (%s, %s): the call settles before the process exits', async (_kind, script, scenario) => {
    // retry: AWS answers 503, so the call sleeps in backoff with idle sockets between its 3 attempts;
    // store: the shared store never answers a read, so only its read timeout can end the wait.
    const before = requests;
    const out = await run(script, scenario);
    expect({ code: out.code, stdout: out.stdout.trim() }, out.stderr).toEqual({
      code: 0,
      stdout: 'settled: ERR_AWS_UNAVAILABLE',
    });
    expect(requests - before).toBe(3);
  });
});
