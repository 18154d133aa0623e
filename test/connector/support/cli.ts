/** Running `tip-sdk` commands in process with captured output, and as real processes. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CLI_BUNDLE } from '../../support/cli-bundle.js';
import type { CommandIo } from '../../../src/cli/emulator-command.js';

export interface Captured {
  readonly io: CommandIo;
  stdout: string;
  stderr: string;
}

export function capture(): Captured {
  const out: Captured = {
    stdout: '',
    stderr: '',
    io: {
      stdout: (t) => {
        out.stdout += t;
      },
      stderr: (t) => {
        out.stderr += t;
      },
      onSignal: () => () => undefined,
    },
  };
  return out;
}

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** The CLI as child processes run it: src/cli/index.ts bundled for this test run (test/support/cli-bundle.ts). */
export const CLI = CLI_BUNDLE;

/** Runs the CLI as a real Node process; resolves with its exit code and output. */
export function runProcess(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return runNodeChild([CLI, ...args], env);
}

/**
 * Runs the CLI as a real Node process in which `packages` look uninstalled (test/support/hide-packages.mjs):
 * what a command does without loading them.
 */
export function runProcessHiding(
  packages: readonly string[],
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return runNodeChild(['--import', './test/support/hide-packages.mjs', CLI, ...args], {
    ...env,
    TIP_HIDE_PACKAGES: packages.join(','),
  });
}

/** Runs a TypeScript file of the project as a real Node process (through tsx). */
export function runTsx(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return runNodeChild(['--import', 'tsx', ...args], env);
}

function runNodeChild(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      stdout += c;
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      stderr += c;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
