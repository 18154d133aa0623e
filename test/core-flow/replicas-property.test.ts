/**
 * A property over interleavings of K in-process replicas sharing one store (values, lock and exchange
 * ledger) that misbehaves on command: requests with current and new tokens landing on any replica at
 * once, clock jumps (expiry, refresh windows), forced refreshes, local cache drops, and store faults —
 * failing calls, slow calls, values swapped between keys, garbage. Never another user's credentials;
 * every failure is a TipError.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CacheStore } from '../../src/cache/types.js';
import { isTipError } from '../../src/errors.js';
import type { SharedCacheStore } from '../../src/session/shared-store.js';
import { createFakeAws, fakeJwt, idcUserIdOf, manualClock, userOfSessionToken } from './helpers/fake-aws.js';
import { sharedMemoryStore } from './helpers/shared-store.js';
import { fakeTip } from './helpers/tip.js';

const clock = manualClock(Date.now());
const aws = createFakeAws({ now: clock });
beforeAll(() => aws.server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => aws.server.close());
beforeEach(() => aws.reset());

type Fault = 'none' | 'fail' | 'slow' | 'swap' | 'garbage';
const K = 3;
const USERS = ['pia', 'quin', 'ros', 'sam'];

/** The shared store, misbehaving as `fault()` says: values, lock and ledger calls alike. */
function faultyStore(fault: () => Fault): SharedCacheStore {
  const inner = sharedMemoryStore(clock);
  const written: [string, string][] = [];
  const trouble = async () => {
    const f = fault();
    if (f === 'fail') throw new Error('store down');
    if (f === 'slow') await new Promise((r) => setTimeout(r, 3));
    return f;
  };
  const values: CacheStore = {
    async get(key) {
      const f = await trouble();
      if (f === 'garbage') return `{"b":["role"]}\n${'x'.repeat(20)}`;
      if (f === 'swap' && written.length > 0)
        return written[(key.charCodeAt(0) + written.length) % written.length]![1];
      return inner.get(key);
    },
    async set(key, value, ttlMs) {
      await trouble();
      written.push([key, value]);
      if (written.length > 50) written.shift();
      await inner.set(key, value, ttlMs);
    },
    async delete(key) {
      await trouble();
      await inner.delete(key);
    },
  };
  return {
    ...values,
    lock: {
      async acquire(key, leaseMs) {
        await trouble();
        return inner.lock.acquire(key, leaseMs);
      },
    },
    exchangeLedger(init) {
      const ledger = inner.exchangeLedger(init);
      const after =
        <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
        async (...args: A): Promise<R> => {
          await trouble();
          return call(...args);
        };
      return {
        claim: after(ledger.claim),
        release: after(ledger.release),
        keep: after(ledger.keep),
        forgetResult: after(ledger.forgetResult),
        result: after(ledger.result),
        clearResults: () => ledger.clearResults(),
      };
    },
  };
}

const request = fc.record({
  kind: fc.constant('request' as const),
  replica: fc.nat(K - 1),
  user: fc.nat(USERS.length - 1),
  newToken: fc.boolean(),
  force: fc.boolean(),
});
const step = fc.oneof(
  { weight: 6, arbitrary: fc.array(request, { minLength: 1, maxLength: 6 }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('advance' as const),
      ms: fc.constantFrom(1_000, 600_000, 3_300_000, 3_700_000),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('fault' as const),
      fault: fc.constantFrom<Fault>('none', 'fail', 'slow', 'swap', 'garbage'),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('clear' as const), replica: fc.nat(K - 1) }) },
);

describe('K replicas over a misbehaving shared store', () => {
  it('property: no interleaving, expiry, refresh or store fault gives a user another user’s credentials', async () => {
    const outcomes = { ok: 0, typed: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 14 }), async (steps) => {
        let fault: Fault = 'none';
        const store = faultyStore(() => fault);
        const tips = Array.from(
          { length: K },
          () =>
            fakeTip(clock, {
              cache: { store, lockWaitMs: 200, lockLeaseMs: 1_000 },
              // The clock is manual, so a replica waiting on another's claim of a reused JWT waits out the
              // whole exchange deadline in real time: keep it short.
              timeouts: { baseDelayMs: 1, maxDelayMs: 5, timeoutMs: 1_000 },
            }).tip,
        );
        const tokens = USERS.map((u) => fakeJwt(u, `${u}-0-${Math.random().toString(36).slice(2)}`));
        let minted = 0;
        for (const s of steps) {
          if (Array.isArray(s)) {
            await Promise.all(
              s.map(async ({ replica, user, newToken, force }) => {
                if (newToken)
                  tokens[user] = fakeJwt(USERS[user]!, `${USERS[user]}-${++minted}-${Math.random()}`);
                const expected = idcUserIdOf(USERS[user]!);
                try {
                  const session = await tips[replica]!.forToken(tokens[user]!);
                  const credentials = await session.credentials(force ? { forceRefresh: true } : undefined);
                  expect(session.identity.idcUserId).toBe(expected);
                  expect(userOfSessionToken(credentials.sessionToken)).toBe(expected);
                  outcomes.ok += 1;
                } catch (error) {
                  if (!isTipError(error)) throw error;
                  outcomes.typed += 1;
                }
              }),
            );
          } else if (s.kind === 'advance') clock.advance(s.ms);
          else if (s.kind === 'fault') fault = s.fault;
          else tips[s.replica]!.clearCache();
        }
        // Close every replica, so a background refresh it started cannot land in the next run.
        await Promise.all(tips.map((t) => t.close()));
      }),
      { numRuns: 40 },
    );
    // The property saw both outcomes (it is not vacuous).
    expect(outcomes.ok).toBeGreaterThan(50);
  });
});
