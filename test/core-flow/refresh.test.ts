import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isTipError } from '../../src/errors.js';
import {
  createFakeAws,
  fakeJwt,
  idcUserIdOf,
  manualClock,
  userOfSessionToken,
  waitFor,
} from './helpers/fake-aws.js';
import { fakeTip } from './helpers/tip.js';

const clock = manualClock();
const options = { now: clock, refreshHasContext: true, tokenLifetimeS: 3600 };
const aws = createFakeAws(options);
beforeAll(() => aws.server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => aws.server.close());
beforeEach(() => {
  aws.reset();
  options.refreshHasContext = true;
  options.tokenLifetimeS = 3600;
});

const HOUR = 3_600_000;
const settle = () => new Promise((r) => setTimeout(r, 30));

describe('refresh', () => {
  it('refreshes in the background before expiry with the refresh token, then serves the new credentials', async () => {
    const { tip, events } = fakeTip(clock);
    const first = await tip.forToken(fakeJwt('rita', 'r1'));
    const c1 = await first.credentials();
    clock.advance(HOUR - 200_000); // inside the 5 min window
    const second = await tip.forToken(fakeJwt('rita', 'r1'));
    expect(await second.credentials()).toEqual(c1); // served at once while refreshing
    await waitFor(() => aws.counts.assumeRole === 2);
    await settle();
    expect(aws.counts).toMatchObject({ jwtBearer: 1, refresh: 1, assumeRole: 2 });
    const c2 = await (await tip.forToken(fakeJwt('rita', 'r1'))).credentials();
    expect(c2.sessionToken).not.toBe(c1.sessionToken);
    expect(userOfSessionToken(c2.sessionToken)).toBe(idcUserIdOf('rita'));
    expect(c2.expiration!.getTime()).toBeGreaterThan(c1.expiration!.getTime());
    expect(events.some((e) => e.type === 'cache.refresh' && e.outcome === 'succeeded')).toBe(true);
  });

  it('after expiry makes exactly one refresh per user, even with many concurrent requests', async () => {
    const { tip } = fakeTip(clock);
    const users = ['u1', 'u2', 'u3', 'u4', 'u5'];
    await Promise.all(users.map((u) => tip.forToken(fakeJwt(u, `${u}-a`))));
    aws.reset();
    clock.advance(HOUR + 1);
    await Promise.all(
      users.flatMap((u) => Array.from({ length: 10 }, () => tip.forToken(fakeJwt(u, `${u}-a`)))),
    );
    expect(aws.counts).toMatchObject({ exchange: 5, refresh: 5, jwtBearer: 0, assumeRole: 5 });
  });

  it('falls back to the JWT-bearer grant when the refresh answer has no identity context', async () => {
    const { tip } = fakeTip(clock);
    await tip.forToken(fakeJwt('fred', 'f1'));
    options.refreshHasContext = false;
    clock.advance(HOUR + 1);
    const s = await tip.forToken(fakeJwt('fred', 'f2'));
    expect(aws.counts).toMatchObject({ jwtBearer: 2, refresh: 1, assumeRole: 2 });
    expect(userOfSessionToken((await s.credentials()).sessionToken)).toBe(idcUserIdOf('fred'));
  });

  it('falls back to the JWT-bearer grant on ExpiredTokenException', async () => {
    const { tip } = fakeTip(clock);
    await tip.forToken(fakeJwt('gina', 'g1'));
    clock.advance(HOUR + 1);
    aws.faults.oidc.push({ status: 400, code: 'ExpiredTokenException' });
    await tip.forToken(fakeJwt('gina', 'g2'));
    expect(aws.counts).toMatchObject({ exchange: 3, jwtBearer: 2 });
    expect(aws.requests.oidc.map((r) => r.grantType)).toEqual([
      'urn:ietf:params:oauth:grant-type:jwt-bearer',
      'refresh_token',
      'urn:ietf:params:oauth:grant-type:jwt-bearer',
    ]);
  });

  it('never exchanges the same JWT twice: asks for a fresh token instead', async () => {
    // IdC tokens and credentials live 10 min; the JWT (1 h) is still valid when they expire.
    options.tokenLifetimeS = 600;
    const { tip } = fakeTip(clock, { durationSeconds: 900 });
    await tip.forToken(fakeJwt('hank', 'h1'));
    options.refreshHasContext = false;
    clock.advance(900_001);
    const error = await tip.forToken(fakeJwt('hank', 'h1')).catch((e: unknown) => e);
    expect(isTipError(error, 'ERR_IDC_TOKEN_REUSED')).toBe(true);
    expect((error as Error).message).toMatch(/fresh/);
    expect(aws.counts.jwtBearer).toBe(1); // IdC never saw the reused jti
    // A fresh token works.
    const s = await tip.forToken(fakeJwt('hank', 'h2'));
    expect(s.identity.idcUserId).toBe(idcUserIdOf('hank'));
  });

  it('does not use refresh tokens when useRefreshTokens is false', async () => {
    const { tip } = fakeTip(clock, { useRefreshTokens: false });
    await tip.forToken(fakeJwt('ivy', 'i1'));
    clock.advance(HOUR + 1);
    await tip.forToken(fakeJwt('ivy', 'i2'));
    expect(aws.counts).toMatchObject({ refresh: 0, jwtBearer: 2 });
  });

  it('serves cached credentials until real expiry when the background refresh fails', async () => {
    const { tip, events } = fakeTip(clock);
    const s1 = await tip.forToken(fakeJwt('jack', 'j1'));
    const c1 = await s1.credentials();
    clock.advance(HOUR - 100_000);
    for (let i = 0; i < 4; i += 1) aws.faults.oidc.push({ status: 500, code: 'InternalServerException' });
    const s2 = await tip.forToken(fakeJwt('jack', 'j1'));
    await waitFor(() => events.some((e) => e.type === 'cache.refresh'));
    expect(await s2.credentials()).toEqual(c1);
    expect(aws.counts.assumeRole).toBe(1); // no AssumeRole with the expiring context
    expect(
      events.some(
        (e) => e.type === 'cache.refresh' && e.outcome === 'failed' && e.code === 'ERR_AWS_UNAVAILABLE',
      ),
    ).toBe(true);
  });

  it('forceRefresh from the SDK reloads credentials for the same user', async () => {
    const { tip } = fakeTip(clock);
    const s = await tip.forToken(fakeJwt('kate', 'k1'));
    const c1 = await s.credentials();
    const c2 = await s.credentials({ forceRefresh: true });
    expect(c2.sessionToken).not.toBe(c1.sessionToken);
    expect(userOfSessionToken(c2.sessionToken)).toBe(idcUserIdOf('kate'));
    expect(aws.counts).toMatchObject({ refresh: 1, assumeRole: 2 });
  });
});
