/**
 * The examples' environment mode against `tip-sdk emulator`: the variables its environment block prints,
 * a token from `tip-sdk emulator token`, and the one-user example run as a separate process.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { envBlock } from '../../src/cli/emulator-command.js';
import { runCli } from '../../src/cli/index.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/start.js';
import { capture, ROOT, runTsx } from './support/cli.js';

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startEmulator(`${ROOT}examples/emulator.config.json`, { port: 0, quiet: true });
});
afterAll(async () => {
  await emu?.stop();
});

it('the one-user example runs against the printed environment with a token from tip-sdk emulator token', async () => {
  const env: Record<string, string> = {};
  for (const line of envBlock(emu).split('\n')) {
    const m = /^export ([A-Z_]+)=(.*)$/.exec(line);
    if (m) env[m[1] as string] = m[2] as string;
  }
  expect(env.TIP_ISSUER).toBe(emu.idp?.issuer);
  expect(env.TIP_AUDIENCE).toBe('tip-sdk-demo');
  const c = capture();
  expect(await runCli(['emulator', 'token', 'alice', '--issuer', env.TIP_ISSUER as string], c.io)).toBe(0);
  const run = await runTsx(['examples/one-user-script/main.ts'], {
    ...env,
    TIP_TOKEN: c.stdout.trim(),
    TIP_REGION: '',
    AWS_SESSION_TOKEN: '',
    AWS_PROFILE: '',
  });
  expect(run.stderr).not.toMatch(/ERR_|Error/);
  expect(run.code).toBe(0);
  expect(run.stdout).toContain('analytics-identity-bearer');
});
