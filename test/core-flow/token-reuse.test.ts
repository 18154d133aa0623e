/**
 * A JWT is exchanged once, and what that exchange gave keeps serving its user: after an LRU eviction,
 * after the client left mid-exchange, on a forced refresh. And a session stops at its JWT's expiry unless
 * told otherwise. Real SDK clients against the emulator.
 */
import { describe, expect, it } from 'vitest';
import { isTipError } from '../../src/errors.js';
import { allowInsecureRequests } from '../../src/jwt/insecure.js';
import {
  APP_REFRESH_CONTEXT,
  AUDIENCE,
  USERS,
  emulatorTip,
  mintToken,
  useCoreEmulator,
} from './helpers/emulator.js';

const emu = useCoreEmulator();

const exchanges = () => emu.counters.get('CreateTokenWithIAM');
const assumes = () => emu.counters.get('AssumeRole');
const HOUR = 3_600_000;
/** Polls `condition` every 5 ms for up to 5 s. */
async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !condition(); i += 1) await new Promise((r) => setTimeout(r, 5));
  expect(condition()).toBe(true);
}
/** Grants IdC has decided (allowed or denied), past any injected latency; the audit log is never reset. */
const decidedGrants = () =>
  emu.auditLog.find({ operation: 'CreateTokenWithIAM' }).filter((e) => /jwt-bearer/.test(e.reason ?? ''))
    .length;

describe('an evicted user keeps working with the token they already sent', () => {
  it('3 users, maxUsers 2, each reusing one token: 15 of 15 requests succeed, 3 JWT exchanges', async () => {
    const { tip, events } = emulatorTip(emu, { cache: { maxUsers: 2 } });
    const users = USERS.slice(0, 3);
    const jwts = await Promise.all(users.map((u) => mintToken(emu, u)));
    const outcomes: string[] = [];
    for (let round = 0; round < 5; round += 1) {
      for (const [i, jwt] of jwts.entries()) {
        const result = await tip.forToken(jwt).then(
          (s) => (s.identity.subject === users[i] ? 'ok' : 'wrong user'),
          (e: unknown) => (isTipError(e) ? e.code : 'error'),
        );
        outcomes.push(result);
      }
    }
    expect(outcomes).toEqual(Array(15).fill('ok'));
    // Each JWT was exchanged once; evicted users were served from the IdC tokens their JWT gave.
    const grants = events
      .filter((e) => e.type === 'exchange.succeeded')
      .map((e) => (e as { grant: string }).grant);
    expect(grants).toEqual(['jwt-bearer', 'jwt-bearer', 'jwt-bearer']);
    expect(exchanges()).toBe(3);
    expect(tip.cachedUsers).toBe(2);
  });

  it('an evicted user whose IdC tokens expired is refreshed with the refresh token, not refused', async () => {
    const { tip } = emulatorTip(emu, { cache: { maxUsers: 1 }, applicationArn: APP_REFRESH_CONTEXT });
    const [a, b] = await Promise.all([mintToken(emu, 'user5'), mintToken(emu, 'user6')]);
    await tip.forToken(a);
    await tip.forToken(b); // evicts user5
    emu.clock.advance(HOUR + 1_000);
    const session = await tip.forToken(a);
    expect(session.identity.subject).toBe('user5');
    expect(exchanges()).toBe(3); // two JWT-bearer exchanges and one refresh
  });
});

describe('a client that leaves while its exchange runs', () => {
  /** Sends `user`'s token, and leaves once the exchange reached IdC (which holds it 300 ms). */
  async function leaveMidExchange(user: string) {
    const { tip } = emulatorTip(emu);
    const jwt = await mintToken(emu, user);
    emu.faults.inject({ operation: 'sso-oauth:CreateTokenWithIAM', latencyMs: 300 });
    const controller = new AbortController();
    const first = tip.forToken(jwt, { signal: controller.signal }).catch((e: unknown) => e);
    await until(() => exchanges() === 1);
    controller.abort();
    expect(isTipError(await first, 'ERR_ABORTED')).toBe(true);
    return { tip, jwt };
  }

  it('does not burn the token: the exchange finishes in the background and the retry is served', async () => {
    const decided = decidedGrants();
    const { tip, jwt } = await leaveMidExchange('user7');
    await until(() => decidedGrants() === decided + 1); // the retry comes after IdC consumed the JWT
    const session = await tip.forToken(jwt);
    expect(session.identity.subject).toBe('user7');
    expect(exchanges()).toBe(1);
    expect(tip.cachedUsers).toBe(1);
  });

  it('a retry during the exchange joins it', async () => {
    const { tip, jwt } = await leaveMidExchange('user0');
    const session = await tip.forToken(jwt);
    expect(session.identity.subject).toBe('user0');
    expect(exchanges()).toBe(1);
  });
});

describe('credentials({ forceRefresh: true })', () => {
  it('uses the IdC refresh token and never re-presents the exchanged JWT', async () => {
    const { tip, events } = emulatorTip(emu, { applicationArn: APP_REFRESH_CONTEXT });
    const session = await tip.forToken(await mintToken(emu, 'user1'));
    const before = await session.credentials();
    const after = await session.credentials({ forceRefresh: true });
    expect(after.sessionToken).not.toBe(before.sessionToken);
    const grants = events
      .filter((e) => e.type === 'exchange.succeeded')
      .map((e) => (e as { grant: string }).grant);
    expect(grants).toEqual(['jwt-bearer', 'refresh-token']);
    expect(assumes()).toBe(2);
  });

  it('says a new JWT is needed when the refresh answer carries no identity context', async () => {
    // The application's refresh answers carry no identity context (set explicitly in the helper).
    const { tip, events } = emulatorTip(emu);
    const session = await tip.forToken(await mintToken(emu, 'user2'));
    const error = await session.credentials({ forceRefresh: true }).catch((e: unknown) => e);
    expect(isTipError(error, 'ERR_IDC_JWT_REQUIRED')).toBe(true);
    expect((error as Error).message).toMatch(/newly issued JWT/);
    const started = events
      .filter((e) => e.type === 'exchange.started')
      .map((e) => (e as { grant: string }).grant);
    expect(started).toEqual(['jwt-bearer', 'refresh-token']); // the exchanged JWT was not sent again
    expect(exchanges()).toBe(2);
    // The credentials held are still served to a plain call.
    expect((await session.credentials()).accessKeyId).toBeTruthy();
  });
});

describe('a retained session and its JWT expiry', () => {
  function tipWithJwtClock(extra: Parameters<typeof emulatorTip>[1] = {}) {
    // Real time until the first advance, then frozen there: a token signed slowly on a busy machine is
    // never "issued in the future" of a clock read before it was signed.
    let jwtNow: number | undefined;
    const built = emulatorTip(emu, {
      issuers: [
        allowInsecureRequests({ issuer: emu.idp!.issuer, audience: AUDIENCE, algorithms: ['RS256'] }),
      ],
      verifierOptions: { now: () => jwtNow ?? Date.now() },
      ...extra,
    });
    return { ...built, advance: (ms: number) => (jwtNow = (jwtNow ?? Date.now()) + ms) };
  }

  it('stops minting credentials at the JWT expiry (ERR_JWT_EXPIRED)', async () => {
    const { tip, advance } = tipWithJwtClock();
    const jwt = await emu.idp!.signToken(
      { sub: 'user3', email: 'user3@example.com', aud: AUDIENCE },
      { expiresInSeconds: 600 },
    );
    const session = await tip.forToken(jwt);
    expect((await session.credentials()).accessKeyId).toBeTruthy();
    advance(600_001);
    const error = await session.credentials().catch((e: unknown) => e);
    expect(isTipError(error, 'ERR_JWT_EXPIRED')).toBe(true);
    // Five hours later, still refused, and nothing was asked of AWS for it.
    advance(5 * HOUR);
    emu.clock.advance(5 * HOUR);
    const calls = exchanges() + assumes();
    expect(isTipError(await session.credentials().catch((e: unknown) => e), 'ERR_JWT_EXPIRED')).toBe(true);
    expect(exchanges() + assumes()).toBe(calls);
  });

  it("with sessionExpiry 'refresh-token' keeps going on IdC refresh tokens after the JWT expired", async () => {
    const { tip, advance } = tipWithJwtClock({
      sessionExpiry: 'refresh-token',
      applicationArn: APP_REFRESH_CONTEXT,
    });
    const jwt = await emu.idp!.signToken(
      { sub: 'user4', email: 'user4@example.com', aud: AUDIENCE },
      { expiresInSeconds: 600 },
    );
    const session = await tip.forToken(jwt);
    const first = await session.credentials();
    advance(HOUR + 1_000);
    emu.clock.advance(HOUR + 1_000);
    const later = await session.credentials();
    expect(later.sessionToken).not.toBe(first.sessionToken);
    expect(later.expiration!.getTime()).toBeGreaterThan(emu.clock.now());
  });

  it('validates sessionExpiry', () => {
    expect(() => emulatorTip(emu, { sessionExpiry: 'forever' as never })).toThrow(/`sessionExpiry`/);
  });
});
