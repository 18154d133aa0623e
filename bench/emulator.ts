/**
 * The emulator: start-up time (with and without the SQL-backed services and the IdP) and the per-operation
 * rate of real AWS SDK v3 calls over loopback HTTP against GetCallerIdentity (SigV4 verification +
 * awsQuery) in paired rounds: AssumeRole plain, AssumeRole with an identity context (context
 * verification + session issue), and CreateTokenWithIAM jwt-bearer with a fresh IdP token each call
 * (assertion verification, user lookup, token and identity context issue), for 200 users. How the rate
 * holds up as the emulator runs is bench/emulator-aging.ts.
 *
 * Run: node --import tsx bench/emulator.ts
 * Env: BENCH_STARTS (default 5), BENCH_ROUNDS (default 7), BENCH_SLICE_MS (default 400),
 *      BENCH_POOL (fresh tokens minted ahead, default 4000).
 */
import { readFileSync } from 'node:fs';
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
