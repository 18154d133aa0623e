/**
 * A pending tip-sdk call keeps its process alive until it settles: a script whose last act is
 * `await tip.forToken(…)` prints the outcome instead of exiting mid-retry. Real child processes against a
 * local HTTP endpoint that answers 503: ESM scripts bundled with the sources (test/support/cli-bundle.ts),
 * and CommonJS scripts requiring the sources built as a CommonJS bundle with tsup (as the package ships
 * them).
 */
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'tsup';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureBundle } from '../support/cli-bundle.js';
import { runNode } from '../support/run-node.js';

/** Inside the project, so the bundle resolves its dependencies from node_modules. */
const CJS_DIR = fileURLToPath(new URL('../../node_modules/.cache/tip-sdk-process-alive/', import.meta.url));

let server: Server;
let endpoint: string;
let requests = 0;
/**
 * An AWS endpoint that reads each request and never answers it; `GET /__requests` (not an AWS path)
 * answers how many it holds, so a script closes only once its call is on the wire.
 */
let silent: Server;
let held = 0;
let silentEndpoint: string;

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
  silent = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/__requests') {
      res.end(String(held));
      return;
    }
    held += 1;
    req.resume();
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  silentEndpoint = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
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
  silent.closeAllConnections();
  await new Promise<void>((resolve) => silent.close(() => resolve()));
  await rm(CJS_DIR, { recursive: true, force: true });
});

/** The ESM scripts, bundled by the global setup. */
const ESM_BUNDLES: Readonly<Record<string, string>> = {
  'pending-call.mts': fixtureBundle('test/aws/fixtures/pending-call.mts'),
  'close-pending.mts': fixtureBundle('test/aws/fixtures/close-pending.mts'),
};

function run(script: string, scenario: 'retry' | 'store' | 'hang', extra: Record<string, string> = {}) {
  const file = ESM_BUNDLES[script] ?? fileURLToPath(new URL(`./fixtures/${script}`, import.meta.url));
  return runNode([file], {
    ENDPOINT: scenario === 'hang' ? silentEndpoint : endpoint,
    SCENARIO: scenario,
    TIP_SDK_CJS: `${CJS_DIR}index.cjs`,
    PENDING_OPTIONS: fileURLToPath(new URL('./fixtures/pending-options.cjs', import.meta.url)),
    ...extra,
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

describe('close() ends what is pending, so the process exits by itself', () => {
  it.each([
    ['ESM, await using', 'close-pending.mts', 'pending: ERR_CLOSED'],
    ['CommonJS, close()', 'close-pending.cjs', 'pending: ERR_CLOSED, after close: ERR_CLOSED'],
  ] as const)(
    '%s: the unanswered call ends with ERR_CLOSED and the process exits',
    async (_kind, script, line) => {
      // The call's own deadline (120 s) is far beyond the child's wait (20 s, then SIGKILL): only close()
      // can end it, and with it every socket and timer tip-sdk holds.
      const before = held;
      const out = await run(script, 'hang', { HELD: String(before) });
      expect({ code: out.code, signal: out.signal, stdout: out.stdout.trim() }, out.stderr).toEqual({
        code: 0,
        signal: null,
        stdout: line,
      });
      // The call was on the wire (CreateTokenWithIAM) when close() ended it.
      expect(held - before).toBe(1);
    },
  );
});
