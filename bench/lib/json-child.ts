/** Runs a TypeScript bench child under tsx and reads the JSON it prints on its last line of stdout. */
import { spawn } from 'node:child_process';

/**
 * Starts `node <flags> --no-warnings --import tsx <file> <args>` (stderr shown, stdout collected) and
 * resolves with the child's last stdout line parsed as JSON; rejects when it exits other than 0.
 */
export function runJsonChild<T>(
  file: string,
  args: readonly string[],
  flags: readonly string[] = [],
): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...flags, '--no-warnings', '--import', 'tsx', file, ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      out += c;
    });
    child.once('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(out.trim().split('\n').pop()!) as T)
        : reject(new Error(`exit ${code}`)),
    );
  });
}
