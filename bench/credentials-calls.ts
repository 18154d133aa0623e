/**
 * AWS calls per request, counted by the emulator: `users` users making `requests` requests each within
 * one credential lifetime, every request with a fresh JWT from the embedded IdP, resolved by tip-sdk's
 * `forToken` and by the pattern of AWS's plugin (bench/lib/plugin-pattern.ts: AssumeRoleWithWebIdentity,
 * CreateTokenWithIAM, AssumeRole on every resolution). Real SDK clients over loopback HTTP.
 *
 * Run: node --import tsx bench/credentials-calls.ts
 * Env: BENCH_SHAPES (users x requests per user, default "20x10,5x40"), BENCH_CONCURRENCY (default 8).
 */
import { emulatorSettings } from '../examples/express-service/config.js';
import { createTrustedIdentity } from '../src/index.js';
import { benchConfig, benchUser } from './lib/emulator-fixture.js';
import { formatRows } from './lib/harness.js';
import { allowPluginPattern, pluginResolver } from './lib/plugin-pattern.js';
import { fmt } from './lib/stats.js';

const SHAPES = (process.env.BENCH_SHAPES ?? '20x10,5x40').split(',').map((s) => s.split('x').map(Number));
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const maxUsers = Math.max(...SHAPES.map(([u]) => u!));
const OPS = ['sts:AssumeRoleWithWebIdentity', 'sso-oauth:CreateTokenWithIAM', 'sts:AssumeRole'];

const { emu, settings } = await emulatorSettings(allowPluginPattern(benchConfig(maxUsers)));
const idp = emu.idp!;
const mint = (i: number) => {
  const name = benchUser(i);
  return idp.signToken(
    { sub: name, aud: 'tip-sdk-demo', email: `${name}@example.com` },
    { header: { typ: 'at+jwt' } },
  );
};

/** Runs `resolve` over `tokens`, `CONCURRENCY` at a time; returns the calls per operation the emulator counted. */
async function counted(tokens: readonly string[], resolve: (jwt: string) => Promise<unknown>) {
  emu.counters.reset();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < tokens.length) await resolve(tokens[next++]!);
    }),
  );
  const errors = Object.values(emu.counters.snapshot().errors).reduce((a, b) => a + b, 0);
  if (errors > 0)
    throw new Error(
      `the emulator answered ${errors} errors: ${JSON.stringify(emu.counters.snapshot().errors)}`,
    );
  return OPS.map((op) => emu.counters.get(op));
}

try {
  const plugin = pluginResolver(emu, settings.tipOptions.applicationArn);
  const rows: string[][] = [];
  for (const [users, perUser] of SHAPES as [number, number][]) {
    // Request order: every user's first request, then every user's second, … (fresh token each time).
    const order = Array.from({ length: users * perUser }, (_, k) => k % users);
    const forTip: string[] = [];
    const forPlugin: string[] = [];
    for (const i of order) forTip.push(await mint(i));
    for (const i of order) forPlugin.push(await mint(i));
    const tip = createTrustedIdentity(settings.tipOptions);
    const ours = await counted(forTip, (t) => tip.forToken(t));
    const theirs = await counted(forPlugin, plugin);
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    rows.push([
      fmt(users),
      fmt(perUser),
      `${fmt(sum(ours))} (${ours.join(' + ')})`,
      `${fmt(sum(theirs))} (${theirs.join(' + ')})`,
      `${fmt(sum(theirs) / sum(ours), 1)}×`,
    ]);
  }
  console.log(
    'AWS calls counted by the emulator (AssumeRoleWithWebIdentity + CreateTokenWithIAM + AssumeRole)',
  );
  console.log(
    formatRows(['users', 'requests/user', 'tip-sdk', "AWS plugin's pattern", 'plugin ÷ tip-sdk'], rows),
  );
} finally {
  await emu.stop();
}
