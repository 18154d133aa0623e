/**
 * A burst of new users: `BENCH_USERS` users the service never saw call `forToken` at the same moment,
 * against the emulator over real HTTP with the SDK's default clients (50 sockets each). Each row runs the
 * burst with one `maxConcurrentExchanges` setting and prints errors, p50/p99 per request, the most AWS
 * calls the emulator served at once, and how many "socket usage at capacity" warnings the SDK printed;
 * the p99 ratio is against the default setting (32) in the same run.
 *
 * Run: node --import tsx bench/credentials-burst.ts
 * Env: BENCH_USERS (default 1000), BENCH_LIMITS (default "32,8,1024").
 */
import { SSOOIDCClient } from '@aws-sdk/client-sso-oidc';
import { STSClient } from '@aws-sdk/client-sts';
import { emulatorSettings } from '../examples/express-service/config.js';
import { createTrustedIdentity } from '../src/index.js';
import { benchConfig, benchUser } from './lib/emulator-fixture.js';
import { formatRows } from './lib/harness.js';
import { fmt, percentile } from './lib/stats.js';

const USERS = Number(process.env.BENCH_USERS ?? 1000);
const LIMITS = (process.env.BENCH_LIMITS ?? '32,8,1024').split(',').map(Number);

// The SDK's socket warning goes to console.warn; count it instead of printing it.
let socketWarnings = 0;
const warn = console.warn;
console.warn = (...args: unknown[]) => {
  if (String(args[0]).includes('socket usage at capacity')) socketWarnings += 1;
  else warn(...args);
};

const { emu, settings } = await emulatorSettings(benchConfig(USERS * LIMITS.length + 50));
const idp = emu.idp!;
// AWS calls in flight, counted around the SDK clients tip-sdk sends them with (each with its own 50 sockets).
let inFlight = 0;
let maxInFlight = 0;
function counting<C extends { send(command: never): Promise<unknown> }>(client: C): C {
  return {
    send: async (command: never) => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        return await client.send(command);
      } finally {
        inFlight -= 1;
      }
    },
  } as unknown as C;
}
const { endpoint, credentials } = settings.tipOptions.clientConfig ?? {};
// The SDK's default request handler (50 sockets): only the endpoint and the service's credentials.
const aws = { region: settings.tipOptions.region, endpoint, credentials } as never;

async function burst(limit: number, offset: number, users = USERS): Promise<string[]> {
  const tokens = await Promise.all(
    Array.from({ length: users }, (_, i) => {
      const name = benchUser(offset + i);
      return idp.signToken(
        { sub: name, aud: 'tip-sdk-demo', email: `${name}@example.com` },
        { header: { typ: 'at+jwt' } },
      );
    }),
  );
  const ssoOidc = new SSOOIDCClient(aws);
  const sts = new STSClient(aws);
  const tip = createTrustedIdentity({
    ...settings.tipOptions,
    ssoOidcClient: counting(ssoOidc),
    stsClient: counting(sts),
    maxConcurrentExchanges: limit,
  });
  socketWarnings = 0;
  maxInFlight = 0;
  const errors = new Map<string, number>();
  const latencies: number[] = [];
  await Promise.all(
    tokens.map(async (t) => {
      const t0 = performance.now();
      await tip.forToken(t).catch((e: { code?: string }) => {
        errors.set(e.code ?? 'other', (errors.get(e.code ?? 'other') ?? 0) + 1);
      });
      latencies.push(performance.now() - t0);
    }),
  );
  ssoOidc.destroy();
  sts.destroy();
  return [
    fmt(limit),
    errors.size === 0 ? '0' : [...errors].map(([code, n]) => `${code} ${fmt(n)}`).join(', '),
    fmt(percentile(latencies, 0.5)),
    fmt(percentile(latencies, 0.99)),
    fmt(maxInFlight),
    fmt(socketWarnings),
  ];
}

try {
  const rows: string[][] = [];
  await burst(32, LIMITS.length * USERS, 50); // JIT and sockets warm-up, not reported
  for (const [k, limit] of LIMITS.entries()) rows.push(await burst(limit, k * USERS));
  const p99 = (row: string[]) => Number(row[3]!.replace(/,/g, ''));
  for (const row of rows) row.push(`${fmt(p99(row) / p99(rows[0]!), 2)}×`);
  console.log(`${fmt(USERS)} new users at once (each: CreateTokenWithIAM + AssumeRole over HTTP)`);
  console.log(
    formatRows(
      [
        'maxConcurrentExchanges',
        'errors',
        'p50 ms',
        'p99 ms',
        'most AWS calls in flight',
        'SDK socket warnings',
        `p99 / p99 at ${fmt(LIMITS[0]!)}`,
      ],
      rows,
    ),
  );
} finally {
  console.warn = warn;
  await emu.stop();
}
