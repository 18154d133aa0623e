import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { fixtureBundle } from '../../support/cli-bundle.js';

/** fixtures/start-stop.ts, bundled for this test run (test/support/cli-bundle.ts). */
const fixture = fixtureBundle('test/emulator/idp/fixtures/start-stop.ts');

function runNode(
  args: string[],
): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    // A process kept alive by a leaked handle never exits: kill it so the test fails instead of hanging.
    const guard = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(guard);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

describe('stop()', () => {
  it('leaves no open handle: the process exits on its own, with no provider warnings', async () => {
    const result = await runNode([fixture]);
    expect(result.signal).toBeNull();
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('stopped {"discovery":1,"jwks":1,"token":2}\n');
    expect(result.stderr).toBe('');
  });
});
