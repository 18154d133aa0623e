/**
 * Replicas as real Node processes when Redis misbehaves or a replica dies: values swapped between keys and
 * garbage, 2 s of latency to Redis (a delaying TCP proxy), Redis stopped mid-run and started again, and the
 * lock holder killed while its CreateTokenWithIAM call sleeps in the emulator. Every request completes —
 * with its own user's identity or a typed error — and no answer is another user's.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/start.js';
import { BULK_USERS, mintToken, startCoreEmulator } from '../core-flow/helpers/emulator.js';
import { type LatencyProxy, startLatencyProxy } from './support/latency-proxy.js';
import { useRedisServer } from './support/redis-server.js';
import {
  type Replica,
  type ReplicaConfig,
  checkReply,
  replicaConfig,
  startReplicas,
  tally,
} from './support/replicas.js';

const redis = useRedisServer();
let emu: RunningEmulator;
let proxy: LatencyProxy;
let config: Omit<ReplicaConfig, 'client'>;
/** Replica 0 (ioredis) and 1 (node-redis) serve every scenario; 2 (ioredis) is the one killed. */
let replicas: Replica[] = [];
beforeAll(async () => {
  emu = await startCoreEmulator();
  proxy = await startLatencyProxy(redis().port);
  // Deadlines a loaded machine meets when Redis is healthy, and half the injected latency.
  config = replicaConfig(emu, proxy.port, {
    commandTimeoutMs: 1_000,
    storeTimeoutMs: 1_500,
    circuitOpenMs: 1_000,
  });
  replicas = await startReplicas(3, config);
});
afterAll(async () => {
  await Promise.all(replicas.map((r) => r.stop()));
  await proxy?.close();
  await emu?.stop();
});

let nextUser = 0;
/** Users no earlier scenario used, each with a fresh token. */
async function freshUsers(n: number): Promise<{ user: string; token: string }[]> {
  const users = BULK_USERS.slice(nextUser, nextUser + n);
  nextUser += n;
  return Promise.all(users.map(async (user) => ({ user, token: await mintToken(emu, user) })));
}

/** Sends each `[replica, user, token]` at once; the outcome of each (see checkReply). */
async function run(requests: readonly (readonly [Replica, string, string])[]): Promise<string[]> {
  return Promise.all(
    requests.map(async ([replica, user, token]) => checkReply(emu, user, await replica.forToken(token))),
  );
}

/** Only own-user answers and typed errors. */
function expectTypedAndOwn(outcomes: readonly string[]): void {
  expect(outcomes.filter((o) => o === 'wrong user' || o === 'untyped')).toEqual([]);
  for (const o of outcomes) expect(o === 'ok' || o.startsWith('ERR_')).toBe(true);
}

describe('replicas when Redis misbehaves', () => {
  it('values swapped between keys and garbage everywhere: misses, never another user’s session', async () => {
    const [a, b] = replicas as [Replica, Replica];
    const warm = await freshUsers(10);
    expect(
      tally(
        await run(warm.flatMap(({ user, token }) => [[a, user, token] as const, [b, user, token] as const])),
      ),
    ).toEqual({ ok: 20 });
    // Swap every value with another of the same kind of entry, and put garbage in some.
    const keys = (await redis().admin.keys(`${config.keyPrefix}*`)).sort();
    for (const kind of ['v:', 'kept:', 'jwt:']) {
      const group = keys.filter((k) => k.startsWith(`${config.keyPrefix}${kind}`));
      const values = await Promise.all(group.map((k) => redis().admin.get(k)));
      for (const [i, key] of group.entries()) {
        const value = i % 5 === 4 ? randomBytes(40).toString('base64url') : values[(i + 1) % group.length]!;
        await redis().admin.set(key, value, 'PX', 600_000);
      }
    }
    await Promise.all([a.clear(), b.clear()]);
    const newcomers = await freshUsers(5);
    const again = await Promise.all(
      warm.map(async ({ user }) => ({ user, token: await mintToken(emu, user) })),
    );
    const outcomes = await run([
      // Tokens already exchanged: served from what the store still holds intact, or typed errors.
      ...warm.flatMap(({ user, token }) => [[a, user, token] as const, [b, user, token] as const]),
      // New tokens of the same users and new users: exchanged afresh, each for their own user.
      ...[...again, ...newcomers].flatMap(({ user, token }) => [
        [a, user, token] as const,
        [b, user, token] as const,
      ]),
    ]);
    expectTypedAndOwn(outcomes);
    expect(tally(outcomes.slice(20))).toEqual({ ok: 30 });
    const stats = await Promise.all([a.stats(), b.stats()]);
    expect(stats.some((s) => (s['redis.value-rejected'] ?? 0) > 0)).toBe(true);
  });

  it('2 s of latency to Redis: requests complete within the command deadlines, from local work', async () => {
    const [a, b] = replicas as [Replica, Replica];
    proxy.setDelay(2_000);
    try {
      const users = await freshUsers(10);
      // Each user on one replica: served (a slow Redis is skipped, never waited on).
      const single = await run(
        users.map(({ user, token }, i) => [i % 2 === 0 ? a : b, user, token] as const),
      );
      expect(tally(single)).toEqual({ ok: 10 });
      // Users on both replicas: without the shared ledger, a JWT may reach IdC twice — typed, not wrong.
      const both = await freshUsers(4);
      expectTypedAndOwn(
        await run(both.flatMap(({ user, token }) => [[a, user, token] as const, [b, user, token] as const])),
      );
      const stats = await Promise.all([a.stats(), b.stats()]);
      expect(stats.every((s) => (s['redis.command-failed'] ?? 0) > 0)).toBe(true);
    } finally {
      proxy.setDelay(0);
    }
  });

  it('Redis stopped mid-run and started again: every request completes; once it is back, one exchange per user again', async () => {
    const [a, b] = replicas as [Replica, Replica];
    await new Promise((r) => setTimeout(r, 2_500)); // stale locks of the slow period expire
    const users = await freshUsers(12);
    let answered = 0;
    const pending = Promise.all(
      users.flatMap(({ user, token }, i) =>
        [0, 1, 2].map(async (n) => {
          await new Promise((r) => setTimeout(r, n * 150 + i * 10));
          const reply = await (n % 2 === 0 ? a : b).forToken(token);
          answered += 1;
          return checkReply(emu, user, reply);
        }),
      ),
    );
    while (answered < 6) await new Promise((r) => setTimeout(r, 5));
    await redis().stop();
    expectTypedAndOwn(await pending);
    const during = await freshUsers(4);
    expect(
      tally(await run(during.map(({ user, token }, i) => [i % 2 === 0 ? a : b, user, token] as const))),
    ).toEqual({ ok: 4 });
    await redis().start();
    await new Promise((r) => setTimeout(r, 1_500)); // reconnected, and the circuit ready for its probe
    // One request per replica closes its circuit (its first Redis call is the probe).
    const probes = await freshUsers(2);
    expect(
      tally(
        await run([
          [a, probes[0]!.user, probes[0]!.token],
          [b, probes[1]!.user, probes[1]!.token],
        ]),
      ),
    ).toEqual({ ok: 2 });
    emu.counters.reset();
    const after = await freshUsers(8);
    const outcomes = await run(
      after.flatMap(({ user, token }) => [
        [a, user, token] as const,
        [b, user, token] as const,
        [a, user, token] as const,
      ]),
    );
    expect(tally(outcomes)).toEqual({ ok: 24 });
    expect(emu.counters.get('CreateTokenWithIAM')).toBe(8);
    expect(emu.counters.get('AssumeRole')).toBe(8);
  });

  it('the lock holder killed mid-exchange: the waiter takes over after the lease, typed; a new token serves at once', async () => {
    const [a, b, victim] = replicas as [Replica, Replica, Replica];
    const { user, token } = (await freshUsers(1))[0]!;
    const remove = emu.faults.inject({ operation: 'CreateTokenWithIAM', latencyMs: 3_000 });
    try {
      const held = victim.forToken(token).catch(() => undefined);
      await victim.exchangeStarted(user);
      const waiting = a.forToken(token);
      await new Promise((r) => setTimeout(r, 200));
      await victim.kill();
      await held;
      // The JWT was sent to IdC by the dead replica: it counts as used.
      expect(['ok', 'ERR_IDC_TOKEN_REUSED']).toContain(checkReply(emu, user, await waiting));
    } finally {
      remove();
    }
    const fresh = await mintToken(emu, user);
    expect(
      tally(
        await run([
          [a, user, fresh],
          [b, user, fresh],
        ]),
      ),
    ).toEqual({ ok: 2 });
  });
});
