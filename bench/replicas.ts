/**
 * Several replicas of one service (each its own createTrustedIdentity, in this process) with and without
 * the Redis store (a redis-server this benchmark starts):
 * 1. AWS calls for K = 1, 2, 4, 8 replicas × 100 users × 20 requests spread at random, against the
 *    emulator over HTTP and counted by it: the shared store, per-process caches (the same JWT on a second
 *    replica is refused), and the official plugin's pattern (bench/lib/plugin-pattern.ts: three calls per
 *    credential resolution, each with a fresh JWT; run once at its real size).
 * 2. Warm `forToken` with the Redis store configured against the in-process warm path (a local hit sends
 *    Redis nothing), in paired rounds, with real RS256 tokens from the emulator's IdP.
 * 3. The cost Redis adds to one miss (p50/p99 per call), in paired rounds, with the in-process fake of
 *    AWS (bench/lib/fake-aws.ts) and a verifier that accepts every token, so only the library and Redis
 *    are timed.
 * 4. Redis memory per user, for sizing (the fake's secrets are sized like AWS's).
 *
 * Run: node --import tsx bench/replicas.ts
 * Env: BENCH_ROUNDS (default 7), BENCH_SLICE_MS (default 200), BENCH_PLUGIN_REQUESTS (default 2000).
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { type LocalRedis, hasRedisServer, startLocalRedis } from '../examples/replicas/redis-server.js';
import { createTrustedIdentity, isTipError } from '../src/index.js';
import type { TrustedIdentity, TrustedIdentityOptions } from '../src/index.js';
import { redisCacheStore } from '../src/redis/index.js';
import { benchConfig, startBenchEmulator } from './lib/emulator-fixture.js';
import { fakeAws, tipWithFake } from './lib/fake-aws.js';
import { type Comparison, compare, formatComparison, formatRows } from './lib/harness.js';
import { allowPluginPattern, pluginResolver } from './lib/plugin-pattern.js';
import { randomOrder } from './lib/populate.js';
import { fmt } from './lib/stats.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const SLICE_MS = Number(process.env.BENCH_SLICE_MS ?? 200);
const PLUGIN_REQUESTS = Number(process.env.BENCH_PLUGIN_REQUESTS ?? 2000);
const USERS = 100;
const PER_USER = 20;
const REPLICAS = [1, 2, 4, 8];
/** p50/p99 per call: every operation timed alone. */
const options = { rounds: ROUNDS, sliceMs: SLICE_MS, sampleUs: 0 };

if (!hasRedisServer()) {
  console.log('bench/replicas.ts not run: redis-server not found (apt-get install redis-server)');
  process.exit(0);
}

const bench = await startBenchEmulator(USERS, {}, allowPluginPattern(benchConfig(USERS)));
const { emu } = bench;
const redis: LocalRedis = await startLocalRedis();
const clients: Redis[] = [];
const calls = () => emu.counters.get('CreateTokenWithIAM') + emu.counters.get('AssumeRole');
const KEY = randomBytes(32);

/** A connected client (connected first: without an offline queue, commands sent earlier would fail). */
async function redisClient(): Promise<Redis> {
  const client = new Redis({
    port: redis.port,
    host: '127.0.0.1',
    enableOfflineQueue: false,
    lazyConnect: true,
  });
  client.on('error', () => undefined);
  await client.connect();
  clients.push(client);
  return client;
}

/** `cache.store` on the shared Redis under `prefix`. */
async function sharedCache(prefix: string): Promise<NonNullable<TrustedIdentityOptions['cache']>> {
  const client = await redisClient();
  return {
    store: redisCacheStore({ client, keyPrefix: prefix, encryption: { keys: [{ id: 'bench', key: KEY }] } }),
  };
}

/** A replica against the emulator, with the Redis store under `prefix` or (undefined) without a store. */
async function replica(prefix: string | undefined): Promise<TrustedIdentity> {
  return createTrustedIdentity({
    ...emu.trustedIdentityOptions(),
    ...(prefix === undefined ? {} : { cache: await sharedCache(prefix) }),
  });
}

/** 100 users × 20 requests on `k` replicas, each request on a random one; AWS calls and failures. */
async function spread(k: number, store: boolean): Promise<{ calls: number; failed: number }> {
  const tips = await Promise.all(Array.from({ length: k }, () => replica(store ? `bench-${k}:` : undefined)));
  const tokens = await bench.mintMany(USERS);
  const pick = randomOrder(k, USERS * PER_USER, k * 7919 + (store ? 1 : 0));
  const jobs = tokens.flatMap((token, u) =>
    Array.from({ length: PER_USER }, (_, r) => ({ tip: tips[pick[u * PER_USER + r]!]!, token })),
  );
  emu.counters.reset();
  let failed = 0;
  await Promise.all(
    jobs.map(({ tip, token }) =>
      tip.forToken(token).catch((error: unknown) => {
        if (!isTipError(error)) throw error;
        failed += 1;
      }),
    ),
  );
  return { calls: calls(), failed };
}

/** The official plugin's pattern: 3 calls per credential resolution, each with a fresh JWT. */
async function pluginPattern(requests: number): Promise<number> {
  const resolve = pluginResolver(emu, bench.applicationArn);
  const tokens = await bench.mintMany(requests);
  emu.counters.reset();
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < tokens.length) await resolve(tokens[next++]!);
    }),
  );
  return emu.counters.get('AssumeRoleWithWebIdentity') + calls();
}

async function awsCalls(): Promise<void> {
  const plugin = await pluginPattern(PLUGIN_REQUESTS);
  const pluginAt = (plugin / PLUGIN_REQUESTS) * USERS * PER_USER;
  const rows: string[][] = [];
  for (const k of REPLICAS) {
    const shared = await spread(k, true);
    const local = await spread(k, false);
    rows.push([
      String(k),
      fmt(shared.calls),
      fmt(shared.failed),
      fmt(local.calls),
      fmt(local.failed),
      fmt(pluginAt),
      `${fmt(pluginAt / shared.calls, 0)}×`,
    ]);
  }
  console.log(
    `AWS calls (CreateTokenWithIAM + AssumeRole; the plugin also AssumeRoleWithWebIdentity): ${USERS} users × ${PER_USER} requests, each on a random replica, counted by the emulator`,
  );
  console.log(
    formatRows(
      [
        'replicas',
        'shared store: calls',
        'failed',
        'per-process: calls',
        'failed',
        'plugin: calls',
        'plugin ÷ shared',
      ],
      rows,
    ),
  );
  console.log(
    `(plugin pattern measured over ${PLUGIN_REQUESTS} resolutions: ${plugin} calls, ${fmt(plugin / PLUGIN_REQUESTS, 2)} per resolution; per-process failures are ERR_IDC_TOKEN_REUSED)\n`,
  );
}

/** Commands Redis ran for the store (GET, SET, DEL, scripts), from INFO commandstats. */
async function storeCommands(): Promise<number> {
  const info = await clients[0]!.info('commandstats');
  let total = 0;
  for (const m of info.matchAll(/^cmdstat_(get|set|del|eval|evalsha):calls=(\d+)/gm)) total += Number(m[2]);
  return total;
}

/** The difference of each case's p50 and p99 from the baseline's, in µs. */
function latencyAdded(result: Comparison): string {
  return result.cases
    .map(
      (c) =>
        `"${c.name}" − "${result.baseline.name}": p50 ${fmt(c.p50Us - result.baseline.p50Us, 1)} µs, p99 ${fmt(c.p99Us - result.baseline.p99Us, 1)} µs`,
    )
    .join('\n');
}

async function warmPath(): Promise<void> {
  const plain = await replica(undefined);
  const shared = await replica('bench-warm:');
  // One JWT each: the two instances share no ledger, and IdC takes a JWT once.
  const [plainJwt, sharedJwt] = [await bench.mint(0), await bench.mint(0)];
  await plain.forToken(plainJwt);
  await shared.forToken(sharedJwt);
  await new Promise((r) => setTimeout(r, 50));
  const before = await storeCommands();
  const result = await compare(
    { name: 'warm forToken, in-process cache', fn: () => plain.forToken(plainJwt) },
    [{ name: 'warm forToken, with the Redis store', fn: () => shared.forToken(sharedJwt) }],
    options,
  );
  console.log(
    formatComparison(
      'Warm forToken, one user (real RS256 token from the IdP, verified-token cache hit, cached credentials)',
      result,
      'calls/s',
    ),
  );
  console.log(latencyAdded(result));
  console.log(`Redis commands during the warm runs: ${(await storeCommands()) - before} (expected 0)\n`);
}

/** A token the accepting verifier reads its subject from (a JWT's shape, so the fake reads it too). */
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const fakeToken = (sub: string) => `${b64({ alg: 'RS256' })}.${b64({ sub })}.c2ln`;

/** A verifier that accepts every token: a miss then costs the library and the store only. */
const acceptAll = {
  verify: async (token: string) => {
    const sub = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).sub as string;
    return {
      issuer: 'https://idp.example.com',
      subject: sub,
      audience: ['analytics-api'],
      expiresAt: Date.now() + 3_600_000,
      issuedAt: undefined,
      claims: { sub, jti: sub },
      header: { alg: 'RS256' as const },
    };
  },
};

/** A tip-sdk instance on the fake AWS and the accepting verifier, with the Redis store under `prefix`. */
async function fakeReplica(prefix: string | undefined): Promise<TrustedIdentity> {
  return tipWithFake(fakeAws(), {
    verifier: acceptAll,
    ...(prefix === undefined ? {} : { cache: await sharedCache(prefix) }),
  });
}

async function coldPath(): Promise<void> {
  const plain = await fakeReplica(undefined);
  const shared = await fakeReplica('bench-cold:');
  let n = 0;
  const result = await compare(
    { name: 'miss, in-process cache', fn: () => plain.forToken(fakeToken(`p${n++}`)) },
    [{ name: 'miss, with the Redis store', fn: () => shared.forToken(fakeToken(`s${n++}`)) }],
    options,
  );
  console.log(
    formatComparison(
      'One miss: a new user (fake AWS answering at once; the Redis store’s round trips are the difference)',
      result,
      'misses/s',
    ),
  );
  console.log(`${latencyAdded(result)}\n`);
}

/** Redis memory per user (INFO memory), with the fake's secret sizes. */
async function redisMemory(): Promise<void> {
  const prefix = 'bench-memory:';
  const tip = await fakeReplica(prefix);
  const used = async () => Number(/used_memory:(\d+)/.exec(await clients[0]!.info('memory'))![1]);
  const users = 2000;
  const before = await used();
  for (let i = 0; i < users; i += 100) {
    await Promise.all(Array.from({ length: 100 }, (_, k) => tip.forToken(fakeToken(`m${i + k}`))));
  }
  await new Promise((r) => setTimeout(r, 100));
  const keys = (await clients[0]!.keys(`${prefix}*`)).length;
  console.log(
    `Redis memory per user: ${fmt(((await used()) - before) / users / 1024, 1)} KiB over ${users} users, ${fmt(keys / users, 1)} keys each (role, IdC tokens, JWT claim, kept IdC tokens)\n`,
  );
}

try {
  await awsCalls();
  await warmPath();
  await coldPath();
  await redisMemory();
  console.log('Figures from a shared machine: compare the ratios of one run, and re-measure on a quiet one.');
} finally {
  for (const c of clients) c.disconnect();
  await redis.dispose();
  await bench.stop();
}
