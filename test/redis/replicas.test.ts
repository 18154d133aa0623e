/**
 * K = 4 replicas as real Node processes (each its own createTrustedIdentity, two over ioredis and two over
 * node-redis) against one emulator and one real Redis: one exchange and one AssumeRole per user, whatever
 * replica each request lands on, and every answer is its own user's (the caller ARN STS saw).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/start.js';
import { BULK_USERS, mintToken, startCoreEmulator } from '../core-flow/helpers/emulator.js';
import { useRedisServer } from './support/redis-server.js';
import { type Replica, checkReply, replicaConfig, startReplicas, tally } from './support/replicas.js';

const redis = useRedisServer();
let emu: RunningEmulator;
let replicas: Replica[] = [];
beforeAll(async () => {
  emu = await startCoreEmulator();
  // Booting four Node processes is set-up, not the behaviour under test. Deadlines generous enough for a
  // loaded machine: this test is about coordination, not outages.
  replicas = await startReplicas(
    4,
    replicaConfig(emu, redis().port, {
      commandTimeoutMs: 2_000,
      storeTimeoutMs: 3_000,
      // A lease a late renewal cannot lose: a lost lock lets a second replica load (an extra AssumeRole).
      lockLeaseMs: 10_000,
    }),
  );
});
afterAll(async () => {
  await Promise.all(replicas.map((r) => r.stop()));
  await emu?.stop();
});

/** A deterministic shuffle (mulberry32), so a failing order can be replayed from its seed. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  let a = seed >>> 0;
  const random = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe('4 replica processes sharing one Redis', () => {
  it('50 users × 20 requests spread at random: exactly 50 CreateTokenWithIAM and 50 AssumeRole, 0 errors, each answer its own user’s', async () => {
    emu.counters.reset();
    const users = BULK_USERS.slice(0, 50);
    const tokens = new Map(await Promise.all(users.map(async (u) => [u, await mintToken(emu, u)] as const)));
    const seed = Date.now() % 100_000;
    const requests = shuffled(
      users.flatMap((user) => Array.from({ length: 20 }, (_, n) => ({ user, replica: (n * 7 + seed) % 4 }))),
      seed,
    ).map((r, i) => ({ ...r, replica: (r.replica + i) % 4 }));
    const outcomes = await Promise.all(
      requests.map(async ({ user, replica }) =>
        checkReply(emu, user, await replicas[replica]!.forToken(tokens.get(user)!)),
      ),
    );
    if (process.env.DEBUG_REPLICAS)
      console.log(await Promise.all(replicas.map((r) => r.stats())), emu.counters.get('CreateTokenWithIAM'));
    expect({ seed, outcomes: tally(outcomes) }).toEqual({ seed, outcomes: { ok: 1000 } });
    expect(emu.counters.get('CreateTokenWithIAM')).toBe(50);
    expect(emu.counters.get('AssumeRole')).toBe(50);
    // Each exchange was made by one replica; the others were served from the store.
    const stats = await Promise.all(replicas.map((r) => r.stats()));
    expect(stats.reduce((n, s) => n + (s['exchange.succeeded'] ?? 0), 0)).toBe(50);
    expect(stats.reduce((n, s) => n + (s['assume-role.succeeded'] ?? 0), 0)).toBe(50);
  });
});
