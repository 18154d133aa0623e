/**
 * The emulator: start-up time of `tip-sdk emulator` as a new process (with the layout memo file an
 * earlier process wrote, and without it), of starts in one process (with and without the SQL-backed
 * services and the IdP), and the per-operation rate of real AWS SDK v3 calls over loopback HTTP against
 * GetCallerIdentity (SigV4 verification + awsQuery) in paired rounds: AssumeRole plain, AssumeRole with an identity context (context
 * verification + session issue), and CreateTokenWithIAM jwt-bearer with a fresh IdP token each call
 * (assertion verification, user lookup, token and identity context issue), for 200 users. How the rate
 * holds up as the emulator runs is bench/emulator-aging.ts.
 *
 * Run: node --import tsx bench/emulator.ts
 * Env: BENCH_STARTS (default 5), BENCH_ROUNDS (default 7), BENCH_SLICE_MS (default 400),
 *      BENCH_POOL (fresh tokens minted ahead, default 4000).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTokenWithIAMCommand } from '@aws-sdk/client-sso-oidc';
import { AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { issueIdentityContext } from '../src/emulator/identity-center/context.js';
import { type StartEmulatorOptions, startEmulator } from '../src/emulator/start.js';
import {
  ACCESS_ROLE,
  CONTEXT_PROVIDER,
  EXAMPLE_CONFIG as CONFIG,
  JWT_BEARER,
  startBenchEmulator,
} from './lib/emulator-fixture.js';
import { compare, formatComparison } from './lib/harness.js';
import { median } from './lib/stats.js';
import { CLI_BUNDLE, buildCliBundle } from '../test/support/cli-bundle.js';

const STARTS = Number(process.env.BENCH_STARTS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const SLICE_MS = Number(process.env.BENCH_SLICE_MS ?? 400);
const POOL = Number(process.env.BENCH_POOL ?? 4000);

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
  const first = times[0]!;
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)]!;
  return `${label.padEnd(44)} median ${median.toFixed(0).padStart(6)} ms   min ${times[0]!.toFixed(0).padStart(6)} ms   first ${first.toFixed(0).padStart(6)} ms`;
}

/** CPU time of process `pid` so far (all its threads), milliseconds; Linux only (`/proc`). */
function cpuMsOf(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return Number.NaN;
  }
}

/** Starts `tip-sdk emulator` (the example config) as a new process; wall and CPU ms to its environment block. */
function cliStart(env: NodeJS.ProcessEnv): Promise<{ wallMs: number; cpuMs: number }> {
  const t0 = performance.now();
  const child = spawn(
    process.execPath,
    [CLI_BUNDLE, 'emulator', '--config', CONFIG, '--port', '0', '--quiet'],
    {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'ignore'],
    },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    child.once('exit', (code) => reject(new Error(`tip-sdk emulator exited (${code})`)));
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      if (!out.includes('AWS_ENDPOINT_URL')) return;
      const result = { wallMs: performance.now() - t0, cpuMs: cpuMsOf(child.pid!) };
      child.removeAllListeners('exit');
      child.once('exit', () => resolve(result));
      child.kill('SIGTERM');
    });
  });
}

/**
 * `tip-sdk emulator` as a new process, alternately with the layout memo file off (each process boots
 * PGlite at start to prove the example's layouts) and with a memo an earlier process wrote.
 */
async function cliStartups(): Promise<void> {
  await buildCliBundle();
  const dir = mkdtempSync(join(tmpdir(), 'tip-bench-memo-'));
  const memo = { TIP_EMULATOR_LAYOUT_MEMO: join(dir, 'layouts.txt') };
  try {
    await cliStart(memo); // proves the layouts into the memo file
    const off: { wallMs: number; cpuMs: number }[] = [];
    const on: { wallMs: number; cpuMs: number }[] = [];
    for (let i = 0; i < STARTS; i++) {
      off.push(await cliStart({ TIP_EMULATOR_LAYOUT_MEMO: 'off' }));
      on.push(await cliStart(memo));
    }
    const line = (label: string, runs: typeof off) =>
      `${label.padEnd(58)} wall ${median(runs.map((r) => r.wallMs))
        .toFixed(0)
        .padStart(5)} ms   CPU ${median(runs.map((r) => r.cpuMs))
        .toFixed(0)
        .padStart(5)} ms`;
    console.log(
      `tip-sdk emulator as a new process, to its environment block (${STARTS} alternating starts, medians)`,
    );
    console.log(line('layouts proven by an earlier process (the memo file)', on));
    console.log(line('TIP_EMULATOR_LAYOUT_MEMO=off (PGlite boots at start)', off));
    console.log(
      `ratio: ${(median(off.map((r) => r.wallMs)) / median(on.map((r) => r.wallMs))).toFixed(2)}× faster to ready, ${(median(off.map((r) => r.cpuMs)) / median(on.map((r) => r.cpuMs))).toFixed(2)}× less CPU\n`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  await cliStartups();
  // In-process starts: the first of a layout in this process proves it (no memo file from earlier runs).
  process.env.TIP_EMULATOR_LAYOUT_MEMO = 'off';
  console.log(`Start-up in one process (${STARTS} starts each, examples/emulator.config.json)`);
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
  // The first start of a SQL layout in a process boots its engines (a layout the database refuses fails
  // the start); later starts of it boot them on their first query (src/emulator/sql/layout-memo.ts).
  console.log(await startupMs('everything (IdP + PGlite-backed services)', {}));
  console.log('');

  const b = await startBenchEmulator(200);
  try {
    const { emu, sts } = b;
    const alice = emu.config.identityCenter.users[0]!;
    const app = emu.config.identityCenter.applications[0]!;
    const groups = emu.config.identityCenter.groups.filter((g) => alice.groups.includes(g.name));
    const assertion = issueIdentityContext(emu.runtime, {
      idcUserId: alice.userId,
      userName: alice.userName,
      groupIds: groups.map((g) => g.groupId),
      groupNames: groups.map((g) => g.name),
      identityStoreId: emu.config.identityCenter.identityStoreId,
      instanceArn: emu.config.identityCenter.instanceArn,
      applicationArn: app.arn,
      expiresAt: emu.clock.now() + 3_600_000,
    });
    // Fresh IdP tokens (IdC refuses a reused jti), minted before timing starts.
    const pool = await b.mintMany(POOL, (k) => k * 7);
    let n = 0;
    const result = await compare(
      { name: 'GetCallerIdentity', fn: () => sts.send(new GetCallerIdentityCommand({})) },
      [
        {
          name: 'AssumeRole',
          fn: () => sts.send(new AssumeRoleCommand({ RoleArn: ACCESS_ROLE, RoleSessionName: `s-${n++}` })),
        },
        {
          name: 'AssumeRole + identity context',
          fn: () =>
            sts.send(
              new AssumeRoleCommand({
                RoleArn: ACCESS_ROLE,
                RoleSessionName: `c-${n++}`,
                ProvidedContexts: [{ ProviderArn: CONTEXT_PROVIDER, ContextAssertion: assertion }],
              }),
            ),
        },
        {
          name: 'CreateTokenWithIAM (jwt-bearer, fresh token)',
          fn: () => {
            const token = pool.pop();
            if (token === undefined) throw new Error('token pool exhausted: raise BENCH_POOL');
            return b.ssoOidc.send(
              new CreateTokenWithIAMCommand({
                clientId: b.applicationArn,
                grantType: JWT_BEARER,
                assertion: token,
              }),
            );
          },
        },
      ],
      { rounds: ROUNDS, sliceMs: SLICE_MS, sampleUs: 0 },
    );
    console.log(
      formatComparison(
        'Per-operation rate (AWS SDK v3 over loopback HTTP, one client, one call at a time)',
        result,
        'calls/s',
      ),
    );
  } finally {
    await b.stop();
  }
}

await main();
