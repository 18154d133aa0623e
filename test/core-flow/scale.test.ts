import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createFakeAws, fakeJwt, idcUserIdOf, manualClock, userOfSessionToken } from './helpers/fake-aws.js';
import { fakeTip } from './helpers/tip.js';

const clock = manualClock();
const aws = createFakeAws({ now: clock });
beforeAll(() => aws.server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => aws.server.close());
beforeEach(() => aws.reset());

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
        const { tip } = fakeTip(clock, { events: undefined });
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
});
