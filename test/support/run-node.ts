/** Runs a Node child process and collects its exit and output, for tests about process lifetime. */
import { spawn } from 'node:child_process';

export interface NodeRun {
  readonly code: number | null;
  readonly signal: string | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `node ...args` with `env` added to this process's environment. A child still alive after
 * `killAfterMs` is killed, so a test about a process that should exit fails instead of hanging.
 */
export function runNode(
  args: readonly string[],
  env: Record<string, string> = {},
  killAfterMs = 20_000,
): Promise<NodeRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      env: { ...process.env, ...env },
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
    const guard = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(guard);
      resolve({ code, signal, stdout, stderr });
    });
  });
}
