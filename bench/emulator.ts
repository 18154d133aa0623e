/**
 * The emulator: start-up time (with and without the SQL-backed services and the IdP) and per-operation
 * latency of real AWS SDK v3 calls over loopback HTTP — GetCallerIdentity (SigV4 verification + awsQuery),
 * AssumeRole plain, and AssumeRole with an identity context (context verification + session issue).
 *
 * Run: node --import tsx bench/emulator.ts
 * Env: BENCH_TIME_MS (default 1500), BENCH_STARTS (default 5).
 */
import { readFileSync } from 'node:fs';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { issueIdentityContext } from '../src/emulator/identity-center/context.js';
import { type StartEmulatorOptions, startEmulator } from '../src/emulator/start.js';
import { formatTable, measure } from './lib/harness.js';

const TIME_MS = Number(process.env.BENCH_TIME_MS ?? 1500);
const STARTS = Number(process.env.BENCH_STARTS ?? 5);
const CONFIG = new URL('../examples/emulator.config.json', import.meta.url).pathname;
const ROLE = 'arn:aws:iam::123456789012:role/analytics-identity-bearer';
const PROVIDER = 'arn:aws:iam::aws:contextProvider/IdentityCenter';

async function startupMs(
  label: string,
  options: StartEmulatorOptions,
  config: string | object = CONFIG,
): Promise<string> {
  const times: number[] = [];
  for (let i = 0; i < STARTS; i++) {
    const t0 = performance.now();
    const emu = await startEmulator(config as string, { port: 0, quiet: true, ...options });
    times.push(performance.now() - t0);
    await emu.stop();
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)]!;
  return `${label.padEnd(44)} median ${median.toFixed(0).padStart(6)} ms   min ${times[0]!.toFixed(0).padStart(6)} ms`;
}

async function main(): Promise<void> {
  console.log(`Start-up (${STARTS} starts each, examples/emulator.config.json)`);
  // Without the IdP the example's TTI must name an external issuer.
  const external = JSON.parse(readFileSync(CONFIG, 'utf8'));
  external.identityCenter.trustedTokenIssuers[0].issuerUrl = 'https://idp.example.com';
  external.roles = external.roles.filter((r: { arn: string }) => !r.arn.endsWith('web-identity'));
  console.log(
    await startupMs(
      'core only (no IdP, no SQL services)',
      { idp: false, services: { 'redshift-data': false, athena: false } },
      external,
    ),
  );
  console.log(
    await startupMs('core + IdP (no SQL services)', { services: { 'redshift-data': false, athena: false } }),
  );
  console.log(await startupMs('everything (IdP + PGlite-backed services)', {}));
  console.log('');

  const emu = await startEmulator(CONFIG, {
    port: 0,
    quiet: true,
    services: { 'redshift-data': false, athena: false },
  });
  try {
    const sts = new STSClient(emu.clientConfig());
    const alice = emu.config.identityCenter.users[0]!;
    const app = emu.config.identityCenter.applications[0]!;
    const groups = emu.config.identityCenter.groups.filter((g) => alice.groups.includes(g.name));
    const claims = () => ({
      idcUserId: alice.userId,
      userName: alice.userName,
      groupIds: groups.map((g) => g.groupId),
      groupNames: groups.map((g) => g.name),
      identityStoreId: emu.config.identityCenter.identityStoreId,
      instanceArn: emu.config.identityCenter.instanceArn,
      applicationArn: app.arn,
      expiresAt: emu.clock.now() + 3_600_000,
    });
    const assertion = issueIdentityContext(emu.runtime, claims());
    let n = 0;
    const results = [];
    results.push(
      await measure(
        { name: 'GetCallerIdentity', fn: () => sts.send(new GetCallerIdentityCommand({})) },
        { timeMs: TIME_MS },
      ),
    );
    results.push(
      await measure(
        {
          name: 'AssumeRole',
          fn: () => sts.send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: `s-${n++}` })),
        },
        { timeMs: TIME_MS },
      ),
    );
    results.push(
      await measure(
        {
          name: 'AssumeRole + identity context',
          fn: () =>
            sts.send(
              new AssumeRoleCommand({
                RoleArn: ROLE,
                RoleSessionName: `c-${n++}`,
                ProvidedContexts: [{ ProviderArn: PROVIDER, ContextAssertion: assertion }],
              }),
            ),
        },
        { timeMs: TIME_MS },
      ),
    );
    console.log(
      formatTable(
        'Per-operation latency (AWS SDK v3 over loopback HTTP, one client)',
        results,
        'GetCallerIdentity',
      ),
    );
  } finally {
    await emu.stop();
  }
}

await main();
