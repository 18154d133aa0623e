/**
 * Two replicas of the Express example service behind one Redis: with `redisCacheStore()` as
 * `cache.store`, a user costs one exchange and one AssumeRole whichever replica their requests reach, and
 * the same bearer token works on both (IAM Identity Center takes a JWT once).
 *
 *   node --import tsx examples/replicas/main.ts               # one replica: TIP_* env (see docs/http.md),
 *                                                             # REDIS_URL, TIP_CACHE_KEY (32 bytes, base64)
 *   node --import tsx examples/replicas/main.ts --self-test   # emulator, a local redis-server, two replicas
 *                                                             # (ioredis and node-redis), checks, exit 0/1
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import type { RunningEmulator } from 'tip-sdk/emulator';
import { type RedisClientLike, redisCacheStore } from 'tip-sdk/redis';
import { type ServiceSettings, emulatorSettings, settingsFromEnv } from '../express-service/config.js';
import { startService } from '../express-service/service.js';
import { hasRedisServer, startLocalRedis } from './redis-server.js';

/** The service settings with the shared store: the only change a replica needs. */
function withSharedCache(settings: ServiceSettings, client: RedisClientLike, key: string): ServiceSettings {
  const store = redisCacheStore({
    client,
    keyPrefix: 'tip:analytics:',
    encryption: { keys: [{ id: process.env.TIP_CACHE_KEY_ID ?? 'k1', key }] },
  });
  return { ...settings, tipOptions: { ...settings.tipOptions, cache: { store } } };
}

async function get(url: string, token: string): Promise<Record<string, unknown>> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, ...((await res.json()) as Record<string, unknown>) };
}

async function selfTest(): Promise<number> {
  if (!hasRedisServer()) {
    console.log('examples/replicas self-test not run: redis-server not found (apt-get install redis-server)');
    return process.env.CI === 'true' ? 1 : 0;
  }
  const { emu, settings } = await emulatorSettings();
  const redis = await startLocalRedis();
  const io = new Redis({ port: redis.port, host: '127.0.0.1' });
  const node = createClient({ socket: { port: redis.port, host: '127.0.0.1' } });
  await node.connect();
  const key = randomBytes(32).toString('base64'); // in production: from your secret manager
  const replicas = [
    await startService(withSharedCache(settings, io, key), 0),
    await startService(withSharedCache(settings, node, key), 0),
  ];
  try {
    return await checks(
      emu,
      replicas.map((r) => r.url),
    );
  } finally {
    for (const r of replicas) await r.close();
    io.disconnect();
    node.destroy();
    await redis.dispose();
    await emu.stop();
  }
}

async function checks(emu: RunningEmulator, urls: string[]): Promise<number> {
  const users = ['alice', 'bob', 'carol'];
  const tokens = await Promise.all(users.map((u) => emu.idp!.tokenFor(u)));
  emu.counters.reset();
  let failures = 0;
  const check = (name: string, ok: boolean, detail: string) => {
    if (!ok) failures += 1;
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}: ${detail}`);
  };
  // Each user's requests alternate between the replicas, all at once: the first of them exchanges, the
  // other replica waits for it and reads the result from Redis.
  const me = await Promise.all(
    users.flatMap((user, u) =>
      Array.from({ length: 6 }, async (_, n) => ({
        user,
        answer: await get(`${urls[n % 2]}/me`, tokens[u]!),
      })),
    ),
  );
  // Then who AWS says each session is, on each replica (one after the other: the example service closes
  // its STS client after each call, and the emulator's clients share one connection pool).
  const aws: { user: string; answer: Record<string, unknown> }[] = [];
  for (const [u, user] of users.entries()) {
    for (const url of urls) aws.push({ user, answer: await get(`${url}/whoami-aws`, tokens[u]!) });
  }
  const answers = users.map((user) => ({
    user,
    me: me.filter((a) => a.user === user).map((a) => a.answer),
    aws: aws.filter((a) => a.user === user).map((a) => a.answer),
  }));
  for (const { user, me: mine, aws: theirs } of answers) {
    const subjects = new Set(mine.map((a) => a.subject));
    const arns = new Set(theirs.map((a) => String(a.arn)));
    const id = emu.config.identityCenter.users.find((x) => x.userName === user)?.userId;
    check(
      `${user} on both replicas`,
      [...mine, ...theirs].every((a) => a.status === 200) &&
        subjects.size === 1 &&
        subjects.has(user) &&
        arns.size === 1 &&
        [...arns][0]!.endsWith(`/tip-${id}`),
      `${mine.length + theirs.length} requests, subject ${[...subjects].join(',')}, ${[...arns].join(',')}`,
    );
  }
  const exchanges = emu.counters.get('CreateTokenWithIAM');
  const assumes = emu.counters.get('AssumeRole');
  check(
    'one exchange and one AssumeRole per user across both replicas',
    exchanges === users.length && assumes === users.length,
    `CreateTokenWithIAM ${exchanges}, AssumeRole ${assumes} for ${users.length} users`,
  );
  console.log(failures === 0 ? 'replicas: all checks passed' : `replicas: ${failures} check(s) failed`);
  return failures === 0 ? 0 : 1;
}

async function serve(): Promise<never> {
  const url = process.env.REDIS_URL;
  const key = process.env.TIP_CACHE_KEY;
  if (url === undefined || key === undefined)
    throw new Error('Set REDIS_URL and TIP_CACHE_KEY (see docs/redis.md).');
  const service = await startService(
    withSharedCache(settingsFromEnv(), new Redis(url), key),
    Number(process.env.PORT ?? 3000),
  );
  console.log(`replica listening on ${service.url}`);
  return new Promise<never>(() => undefined);
}

(process.argv.includes('--self-test') ? selfTest() : serve()).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
