/**
 * `tip-sdk emulator` as a real separate process (the CLI bundled for this run, test/support/cli-bundle.ts),
 * for tests of the out-of-process setup: resolves once the emulator printed its environment block, with
 * the variables of that block.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CLI_BUNDLE } from './cli-bundle.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A running `tip-sdk emulator` process. */
export interface CliEmulator {
  /** The variables of the printed environment block (`AWS_ENDPOINT_URL`, `TIP_ISSUER`, …). */
  readonly env: Readonly<Record<string, string>>;
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Starts `tip-sdk emulator --config <config> --port 0` and waits for its environment block.
 *
 * @param config - Path of the configuration, relative to the project root. Default: the example config.
 * @param waitMs - How long to wait for the block before killing the process and failing. Default 30 000.
 */
export function startCliEmulator(
  config = 'examples/emulator.config.json',
  waitMs = 30_000,
): Promise<CliEmulator> {
  const child: ChildProcess = spawn(
    process.execPath,
    // Baseline WebAssembly code only, as in the test workers (vitest.config.ts): PGlite boots on less CPU.
    ['--liftoff-only', CLI_BUNDLE, 'emulator', '--config', config, '--port', '0'],
    {
      cwd: ROOT,
      env: process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let stdout = '';
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (c: string) => {
    stderr += c;
  });
  return new Promise((resolve, reject) => {
    const guard = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`tip-sdk emulator printed no environment block within ${waitMs} ms: ${stderr}`));
    }, waitMs);
    child.once('exit', (code) => {
      clearTimeout(guard);
      reject(new Error(`tip-sdk emulator exited with ${code}: ${stderr}`));
    });
    child.stdout!.setEncoding('utf8').on('data', (c: string) => {
      stdout += c;
      // The last line the command prints before it runs.
      if (!stdout.includes('Press Ctrl+C to stop.')) return;
      clearTimeout(guard);
      const env = Object.fromEntries(
        [...stdout.matchAll(/^export (\w+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]),
      );
      resolve({
        env,
        stop: () => {
          child.kill('SIGTERM');
          return exited;
        },
      });
    });
  });
}
