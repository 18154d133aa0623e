import fc from 'fast-check';
import { http } from 'msw';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  OIDC_URL,
  STS_URL,
  createFakeAws,
  fakeJwt,
  idcUserIdOf,
  manualClock,
  userOfSessionToken,
} from './helpers/fake-aws.js';
import { fakeTip } from './helpers/tip.js';

const clock = manualClock();
const aws = createFakeAws({ now: clock });
beforeAll(() => aws.server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => aws.server.close());
beforeEach(() => aws.reset());
afterEach(() => aws.server.resetHandlers());

/**
 * Counts the AWS calls in flight at once for users whose subject starts with `prefix` (their jwt-bearer
 * exchanges and AssumeRole calls): each waits `ms` before the fake answers it. Calls of other users — a
 * refresh that an earlier test's closed instance had in flight can still reach the fake — are not counted.
 */
function countInFlight(prefix: string, ms: number) {
  const seen = { now: 0, max: 0 };
  const user = idcUserIdOf(prefix); // u-<hex of the prefix>: the start of these users' ids
  const slow = async (mine: boolean) => {
    if (!mine) return undefined;
    seen.now += 1;
    seen.max = Math.max(seen.max, seen.now);
    await new Promise((r) => setTimeout(r, ms));
    seen.now -= 1;
    return undefined; // the fake's own handler answers
  };
  aws.server.use(
    http.post(OIDC_URL, async ({ request }) => {
      const body = (await request.clone().json()) as { assertion?: unknown };
      return slow(String(body.assertion).startsWith(`fake.${prefix}`));
    }),
    http.post(STS_URL, async ({ request }) => {
      const form = new URLSearchParams(await request.clone().text());
      return slow((form.get('RoleSessionName') ?? '').startsWith(`tip-${user}`));
    }),
  );
  return seen;
}

describe('many users', () => {
  it('100 users × 20 concurrent requests make exactly 100 exchanges and 100 AssumeRole calls', async () => {
    const { tip } = fakeTip(clock, { events: undefined });
    const calls = [];
    for (let r = 0; r < 20; r += 1) {
      for (let u = 0; u < 100; u += 1) calls.push(tip.forToken(fakeJwt(`user${u}`, `jti-${u}-${r}`)));
    }
    const sessions = await Promise.all(calls);
    expect(aws.counts).toMatchObject({ exchange: 100, jwtBearer: 100, assumeRole: 100 });
    for (const s of sessions) {
      expect(userOfSessionToken((await s.credentials()).sessionToken)).toBe(idcUserIdOf(s.identity.subject));
    }
    expect(tip.cachedUsers).toBe(100);
  });

  it('evicts beyond cache.maxUsers; an evicted user is served again from the IdC tokens their JWT gave', async () => {
    const { tip } = fakeTip(clock, { cache: { maxUsers: 10 } });
    for (let u = 0; u < 15; u += 1) await tip.forToken(fakeJwt(`lru${u}`, `l-${u}`));
    expect(tip.cachedUsers).toBe(10);
    // With the same JWT or a fresh one: no second exchange, only the role is assumed again.
    await tip.forToken(fakeJwt('lru0', 'l-0'));
    await tip.forToken(fakeJwt('lru1', 'l-1-b'));
    expect(aws.counts).toMatchObject({ jwtBearer: 15, refresh: 0, assumeRole: 17 });
  });

  it('property: under random interleavings, tokens and clock jumps, a session always carries its own user', async () => {
    const step = fc.record({
      user: fc.integer({ min: 0, max: 5 }),
      fresh: fc.boolean(),
      advanceMs: fc.constantFrom(0, 0, 0, 60_000, 3_400_000, 3_700_000),
      force: fc.boolean(),
      concurrent: fc.integer({ min: 1, max: 4 }),
    });
    let jti = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 15 }), async (steps) => {
        // Closed at the end of the run: a background refresh it started must not reach the next test.
        await using tip = fakeTip(clock, { events: undefined }).tip;
        const lastToken = new Map<number, string>();
        for (const s of steps) {
          clock.advance(s.advanceMs);
          const token =
            s.fresh || !lastToken.has(s.user) ? fakeJwt(`p${s.user}`, `pj-${jti++}`) : lastToken.get(s.user)!;
          lastToken.set(s.user, token);
          const results = await Promise.allSettled(
            Array.from({ length: s.concurrent }, () => tip.forToken(token)),
          );
          for (const r of results) {
            if (r.status === 'rejected') {
              // The only acceptable failure: a reused, already-exchanged JWT.
              expect(r.reason).toMatchObject({ code: 'ERR_IDC_TOKEN_REUSED' });
              continue;
            }
            const session = r.value;
            expect(session.identity.subject).toBe(`p${s.user}`);
            expect(session.identity.idcUserId).toBe(idcUserIdOf(`p${s.user}`));
            const creds = await session
              .credentials(s.force ? { forceRefresh: true } : undefined)
              .catch((e) => e);
            if (creds instanceof Error) {
              expect(creds).toMatchObject({ code: 'ERR_IDC_TOKEN_REUSED' });
              continue;
            }
            expect(userOfSessionToken(creds.sessionToken)).toBe(idcUserIdOf(`p${s.user}`));
          }
        }
      }),
      { numRuns: 15 },
    );
  });

  it('a burst of new users makes at most maxConcurrentExchanges AWS calls at once (default 32)', async () => {
    const seen = countInFlight('burst', 5);
    const { tip } = fakeTip(clock, { events: undefined });
    await Promise.all(Array.from({ length: 200 }, (_, u) => tip.forToken(fakeJwt(`burst${u}`, `j-${u}`))));
    // One jwt-bearer exchange per new user. (Not the refresh grants: a refresh the previous test's closed
    // instance had in flight when it aborted can still reach the fake after this test's reset.)
    expect(aws.counts).toMatchObject({ jwtBearer: 200, assumeRole: 200 });
    expect(seen.max).toBe(32);

    const few = countInFlight('few', 5);
    const { tip: narrow } = fakeTip(clock, { events: undefined, maxConcurrentExchanges: 3 });
    await Promise.all(Array.from({ length: 40 }, (_, u) => narrow.forToken(fakeJwt(`few${u}`, `k-${u}`))));
    expect(aws.counts).toMatchObject({ jwtBearer: 240, assumeRole: 240 });
    expect(few.max).toBe(3);
  });

  it('refuses a maxConcurrentExchanges that is not an integer from 1 to 1024', () => {
    for (const bad of [0, 1025, 1.5, '8']) {
      expect(() => fakeTip(clock, { maxConcurrentExchanges: bad as number })).toThrow(
        /option `maxConcurrentExchanges`/,
      );
    }
  });
});
