/**
 * Several replicas of one service (each its own createTrustedIdentity, in this process) against the
 * emulator over HTTP, with and without the Redis store (a redis-server this benchmark starts):
 * 1. AWS calls for K = 1, 2, 4, 8 replicas × 100 users × 20 requests spread at random, counted by the
 *    emulator: the shared store, per-process caches (the same JWT on a second replica is refused), and the
 *    official plugin's pattern (AssumeRoleWithWebIdentity + CreateTokenWithIAM + AssumeRole per
 *    credential resolution, each with a fresh JWT; run once at its real size).
 * 2. Warm `forToken` with the Redis store configured against the in-process warm path (a local hit sends
 *    Redis nothing), in paired rounds.
 * 3. The cost Redis adds to one miss (p50/p99), with an in-process fake of AWS so only the library and
 *    Redis are timed.
 * 4. Redis memory per user, for sizing.
 *
 * Run: node --import tsx bench/replicas.ts
 * Env: BENCH_TIME_MS (default 1500 per case), BENCH_ROUNDS (default 5), BENCH_PLUGIN_REQUESTS (default
 *      2000), BENCH_COLD_MISSES (default 1500).
 */
import { randomBytes } from 'node:crypto';
import { CreateTokenWithIAMCommand, SSOOIDCClient } from '@aws-sdk/client-sso-oidc';
import { AssumeRoleCommand, AssumeRoleWithWebIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { Redis } from 'ioredis';
import { type LocalRedis, hasRedisServer, startLocalRedis } from '../examples/replicas/redis-server.js';
import { createTrustedIdentity, isTipError } from '../src/index.js';
import type { TrustedIdentity, TrustedIdentityOptions } from '../src/index.js';
import { allowInsecureRequests } from '../src/jwt/insecure.js';
import { redisCacheStore } from '../src/redis/index.js';
import {
  ACCESS_ROLE,
  APP,
  APPLICATION_ROLE,
  AUDIENCE,
  BULK_USERS,
  mintToken,
  startCoreEmulator,
} from '../test/core-flow/helpers/core-emulator.js';
import { type BenchResult, formatTable, measure } from './lib/harness.js';

const TIME_MS = Number(process.env.BENCH_TIME_MS ?? 1500);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const PLUGIN_REQUESTS = Number(process.env.BENCH_PLUGIN_REQUESTS ?? 2000);
const COLD_MISSES = Number(process.env.BENCH_COLD_MISSES ?? 1500);
const USERS = BULK_USERS.slice(0, 100);
const PER_USER = 20;

if (!hasRedisServer()) {
  console.log('bench/replicas.ts not run: redis-server not found (apt-get install redis-server)');
  process.exit(0);
}

const emu = await startCoreEmulator();
const redis: LocalRedis = await startLocalRedis();
const clients: Redis[] = [];
const { endpoint, credentials, region } = emu.clientConfig({ service: 'sts' });
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

async function replica(
  store: boolean,
  prefix: string,
  extra: Partial<TrustedIdentityOptions> = {},
): Promise<TrustedIdentity> {
  const cache = store
    ? {
        store: redisCacheStore({
          client: await redisClient(),
          keyPrefix: prefix,
          encryption: { keys: [{ id: 'bench', key: KEY }] },
        }),
      }
    : undefined;
  return createTrustedIdentity({
    region,
    issuers: [allowInsecureRequests({ issuer: emu.idp!.issuer, audience: AUDIENCE, algorithms: ['RS256'] })],
    applicationArn: APP,
    accessRoleArn: ACCESS_ROLE,
    clientConfig: { endpoint, credentials },
    ...(cache === undefined ? {} : { cache }),
    ...extra,
  });
}

/** A deterministic generator (mulberry32) for the request spread. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** 100 users × 20 requests on `k` replicas, each request on a random one; AWS calls and failures. */
async function spread(k: number, store: boolean): Promise<{ calls: number; failed: number }> {
  const prefix = `bench-${k}-${store}:`;
  const tips = await Promise.all(Array.from({ length: k }, () => replica(store, prefix)));
  const tokens = await Promise.all(USERS.map((u) => mintToken(emu, u)));
  const next = random(k * 7919 + (store ? 1 : 0));
  const jobs = tokens.flatMap((token) =>
    Array.from({ length: PER_USER }, () => ({ tip: tips[Math.floor(next() * k)]!, token })),
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
  emu.counters.reset();
  const base = { region, endpoint, maxAttempts: 1 };
  const service = new STSClient({ ...base, credentials });
  let done = 0;
  const one = async (user: string) => {
    const jwt = await mintToken(emu, user);
    const web = await service.send(
      new AssumeRoleWithWebIdentityCommand({
        RoleArn: APPLICATION_ROLE,
        RoleSessionName: 'plugin',
        WebIdentityToken: jwt,
      }),
    );
    const c = web.Credentials!;
    const asApp = {
      accessKeyId: c.AccessKeyId!,
      secretAccessKey: c.SecretAccessKey!,
      sessionToken: c.SessionToken!,
    };
    const oidc = new SSOOIDCClient({ ...base, credentials: asApp });
    const sts = new STSClient({ ...base, credentials: asApp });
    try {
      const idc = await oidc.send(
        new CreateTokenWithIAMCommand({
          clientId: APP,
          grantType: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
          assertion: jwt,
        }),
      );
      await sts.send(
        new AssumeRoleCommand({
          RoleArn: ACCESS_ROLE,
          RoleSessionName: `plugin-${user}`,
          ProvidedContexts: [
            {
              ProviderArn: 'arn:aws:iam::aws:contextProvider/IdentityCenter',
              ContextAssertion: idc.awsAdditionalDetails!.identityContext!,
            },
          ],
        }),
      );
    } finally {
      oidc.destroy();
      sts.destroy();
    }
  };
  const workers = Array.from({ length: 16 }, async () => {
    while (done < requests) {
      const n = done++;
      await one(USERS[n % USERS.length]!);
    }
  });
  await Promise.all(workers);
  service.destroy();
  return emu.counters.get('AssumeRoleWithWebIdentity') + calls();
}

async function awsCalls(): Promise<void> {
  console.log(
    `AWS calls: ${USERS.length} users × ${PER_USER} requests, each on a random replica (emulator counters)`,
  );
  const plugin = await pluginPattern(PLUGIN_REQUESTS);
  const pluginAt =
    PLUGIN_REQUESTS === USERS.length * PER_USER
      ? plugin
      : (plugin / PLUGIN_REQUESTS) * USERS.length * PER_USER;
  console.log(
    'K  shared store: calls  failed   per-process: calls  failed   plugin: calls   plugin ÷ shared',
  );
  for (const k of [1, 2, 4, 8]) {
    const shared = await spread(k, true);
    const local = await spread(k, false);
    console.log(
      `${String(k).padStart(1)}  ${String(shared.calls).padStart(19)}  ${String(shared.failed).padStart(6)}  ${String(local.calls).padStart(19)}  ${String(local.failed).padStart(6)}  ${String(Math.round(pluginAt)).padStart(14)}  ${(pluginAt / shared.calls).toFixed(0).padStart(14)}x`,
    );
  }
  console.log(
    `(plugin pattern measured over ${PLUGIN_REQUESTS} resolutions: ${plugin} calls, ${(plugin / PLUGIN_REQUESTS).toFixed(2)} per resolution; per-process failures are ERR_IDC_TOKEN_REUSED)\n`,
  );
}

/** Rounds of case then baseline, each `TIME_MS / ROUNDS`; the median round of each, and the per-round ratios. */
async function paired(
  title: string,
  baseline: { name: string; fn: () => unknown },
  cases: { name: string; fn: () => unknown }[],
  options: { sampleUs?: number; iterations?: number } = {},
): Promise<void> {
  const per = new Map<string, BenchResult[]>();
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const c of [baseline, ...cases]) {
      const result = await measure(c, {
        timeMs: TIME_MS / ROUNDS,
        warmupMs: 100,
        ...(options.sampleUs === undefined ? {} : { sampleUs: options.sampleUs }),
        ...(options.iterations === undefined ? {} : { iterations: Math.ceil(options.iterations / ROUNDS) }),
      });
      per.set(c.name, [...(per.get(c.name) ?? []), result]);
    }
  }
  const median = (rs: BenchResult[]) => [...rs].sort((a, b) => a.p50Us - b.p50Us)[Math.floor(rs.length / 2)]!;
  console.log(
    formatTable(
      title,
      [baseline, ...cases].map((c) => median(per.get(c.name)!)),
      baseline.name,
    ),
  );
  const base = per.get(baseline.name)!;
  for (const c of cases) {
    const rounds = per.get(c.name)!;
    const ratio = (pick: (r: BenchResult) => number) =>
      rounds.map((r, i) => (pick(r) / pick(base[i]!)).toFixed(2)).join(' ');
    const diff = (pick: (r: BenchResult) => number) =>
      [...rounds.map((r, i) => pick(r) - pick(base[i]!))].sort((a, b) => a - b)[
        Math.floor(rounds.length / 2)
      ]!;
    console.log(
      `  "${c.name}": time ÷ baseline, per round (lower is faster): p50 ${ratio((r) => r.p50Us)}; p99 ${ratio((r) => r.p99Us)}`,
    );
    console.log(
      `  median difference per operation: p50 ${diff((r) => r.p50Us).toFixed(1)} µs, p99 ${diff((r) => r.p99Us).toFixed(1)} µs`,
    );
  }
  console.log('');
}

/** Commands Redis ran for the store (GET, SET, DEL, scripts), from INFO commandstats. */
async function storeCommands(): Promise<number> {
  const info = await clients[0]!.info('commandstats');
  let total = 0;
  for (const m of info.matchAll(/^cmdstat_(get|set|del|eval|evalsha):calls=(\d+)/gm)) total += Number(m[2]);
  return total;
}

async function warmPath(): Promise<void> {
  const plain = await replica(false, '');
  const shared = await replica(true, 'bench-warm:');
  // One JWT each: the two instances share no ledger, and IdC takes a JWT once.
  const [plainJwt, sharedJwt] = [await mintToken(emu, USERS[0]!), await mintToken(emu, USERS[0]!)];
  await plain.forToken(plainJwt);
  await shared.forToken(sharedJwt);
  await new Promise((r) => setTimeout(r, 50));
  const before = await storeCommands();
  await paired(
    'Warm forToken, one user (real RS256 verification via the IdP’s JWKS, cached credentials)',
    { name: 'in-process cache', fn: () => plain.forToken(plainJwt) },
    [{ name: 'with the Redis store', fn: () => shared.forToken(sharedJwt) }],
    { sampleUs: 1 },
  );
  console.log(`Redis commands during the warm runs: ${(await storeCommands()) - before} (expected 0)\n`);
}

/** A fake of CreateTokenWithIAM and AssumeRole answering at once, for misses of ever new users. */
function instantAws() {
  let n = 0;
  const exp = () => Math.floor(Date.now() / 1000) + 3600;
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return {
    ssoOidcClient: {
      send: async (command: { input: Record<string, unknown> }) => {
        n += 1;
        const user = `u-${String(command.input.assertion)}`;
        const context = `ctx-${user}-${n}`.padEnd(1024, 'x');
        return {
          $metadata: {},
          accessToken: `at-${n}`.padEnd(512, 'x'),
          tokenType: 'Bearer',
          expiresIn: 3600,
          refreshToken: `rt-${n}`.padEnd(512, 'x'),
          idToken: `${b64({ alg: 'RS256' })}.${b64({ sub: user, aud: APP, exp: exp(), 'sts:identity_context': context, 'aws:identity_store_id': 'd-1234567890' })}.c2ln`,
          awsAdditionalDetails: { identityContext: context },
        };
      },
    },
    stsClient: {
      send: async (command: { input: Record<string, unknown> }) => ({
        $metadata: {},
        Credentials: {
          AccessKeyId: `ASIA${String(++n).padStart(16, '0')}`,
          SecretAccessKey: 'secret'.padEnd(40, 'x'),
          SessionToken: `st-${n}`.padEnd(1024, 'x'),
          Expiration: new Date(Date.now() + 3_600_000),
        },
        AssumedRoleUser: {
          Arn: `arn:aws:sts::123456789012:assumed-role/analytics/${String(command.input.RoleSessionName)}`,
          AssumedRoleId: `AROA:${String(command.input.RoleSessionName)}`,
        },
      }),
    },
  };
}

async function coldPath(): Promise<void> {
  const verifier = {
    verify: async (token: string) => ({
      issuer: 'https://idp.example.com',
      subject: token,
      audience: [AUDIENCE],
      expiresAt: Date.now() + 3_600_000,
      issuedAt: undefined,
      claims: { sub: token, jti: token },
      header: { alg: 'RS256' as const },
    }),
  };
  const cold = (store: boolean, prefix: string) =>
    replica(store, prefix, { verifier: verifier as never, issuers: undefined, ...instantAws() } as never);
  const plain = await cold(false, '');
  const shared = await cold(true, 'bench-cold:');
  let n = 0;
  await paired(
    'One miss: a new user (fake AWS answering at once; the Redis store’s round trips are the difference)',
    { name: 'miss, in-process cache', fn: () => plain.forToken(`p${n++}`) },
    [{ name: 'miss, with the Redis store', fn: () => shared.forToken(`s${n++}`) }],
    { sampleUs: 1, iterations: COLD_MISSES },
  );
}

/** Redis memory per user (INFO memory), with the fake's secret sizes (512/512/1024/1024 characters). */
async function redisMemory(): Promise<void> {
  const verifier = {
    verify: async (token: string) => ({
      issuer: 'https://idp.example.com',
      subject: token,
      audience: [AUDIENCE],
      expiresAt: Date.now() + 3_600_000,
      issuedAt: undefined,
      claims: { sub: token, jti: token },
      header: { alg: 'RS256' as const },
    }),
  };
  const prefix = 'bench-memory:';
  const tip = await replica(true, prefix, {
    verifier: verifier as never,
    issuers: undefined,
    ...instantAws(),
  } as never);
  const used = async () => Number(/used_memory:(\d+)/.exec(await clients[0]!.info('memory'))![1]);
  const users = 2000;
  const before = await used();
  for (let i = 0; i < users; i += 100) {
    await Promise.all(Array.from({ length: 100 }, (_, k) => tip.forToken(`m${i + k}`)));
  }
  await new Promise((r) => setTimeout(r, 100));
  const keys = (await clients[0]!.keys(`${prefix}*`)).length;
  console.log(
    `Redis memory per user: ${(((await used()) - before) / users / 1024).toFixed(1)} KiB over ${users} users, ${(keys / users).toFixed(1)} keys each (role, IdC tokens, JWT claim, kept IdC tokens)\n`,
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
  await emu.stop();
}
