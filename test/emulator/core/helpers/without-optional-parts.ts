/**
 * Run in a child process with `hide-packages.mjs` hiding PGlite and oidc-provider: prints what works
 * and how what cannot work fails, as one JSON line.
 */
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { baseConfig } from './config.js';

const out: Record<string, unknown> = {};
const failure = (error: unknown) => {
  const e = error as { code?: string; message?: string; details?: Record<string, unknown> };
  return { code: e.code, message: e.message, package: e.details?.package };
};

const emulator = await import('../../../../src/emulator/index.js');
out.imported = typeof emulator.startEmulator === 'function';
const { runCli } = await import('../../../../src/cli/index.js');
let help = '';
out.help = await runCli(['--help'], {
  stdout: (t) => {
    help += t;
  },
  stderr: () => undefined,
  onSignal: () => () => undefined,
});
out.helpText = help.includes('emulator');

const withTable = baseConfig({
  athena: {
    workGroups: [],
    tables: [{ name: 'sales.orders', columns: [{ name: 'id', type: 'integer' }], rows: [[1]] }],
    grants: [],
  },
});
out.sql = await emulator.startEmulator(withTable, { quiet: true, idp: false }).then(async (emu) => {
  await emu.stop();
  return 'started';
}, failure);
out.idp = await emulator
  .startEmulator(baseConfig(), { quiet: true, services: { athena: false, 'redshift-data': false } })
  .then(async (emu) => {
    await emu.stop();
    return 'started';
  }, failure);
const emu = await emulator.startEmulator(baseConfig(), { quiet: true, idp: false });
const sts = new STSClient(emu.clientConfig());
out.core = (await sts.send(new GetCallerIdentityCommand({}))).Account;
sts.destroy();
await emu.stop();
process.stdout.write(`${JSON.stringify(out)}\n`);
