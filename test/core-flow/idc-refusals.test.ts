/**
 * What IAM Identity Center refused stays refused: a cached user is not served for a token IdC would
 * refuse, refusals that cannot change within seconds are remembered briefly (one refused token does not
 * buy unlimited exchanges), and refused users take no cache slot. Real SDK clients, the emulator's IdC.
 */
import { describe, expect, it } from 'vitest';
import { isTipError } from '../../src/errors.js';
import { allowInsecureRequests } from '../../src/jwt/insecure.js';
import { AUDIENCE, emulatorTip, mintToken, useCoreEmulator } from './helpers/emulator.js';

const emu = useCoreEmulator();

const exchanges = () => emu.counters.get('CreateTokenWithIAM');
const assumes = () => emu.counters.get('AssumeRole');
/** A token of a user the identity store does not know (IdC answers InvalidGrant). */
const unknownUser = (name: string) =>
  emu.idp!.signToken({ sub: name, email: `${name}@nowhere.example`, aud: AUDIENCE });
/** A token of the one user who is not assigned to the application (IdC answers AccessDenied). */
const outsider = () => mintToken(emu, 'outsider');

describe('a cached user and a token IdC would refuse', () => {
  it('refuses a token whose audience IdC does not authorize, though the same user is cached via another', async () => {
    // The verifier accepts two audiences; the IdC application authorizes only the first.
    const { tip } = emulatorTip(emu, {
      issuers: [
        allowInsecureRequests({
          issuer: emu.idp!.issuer,
          audience: [AUDIENCE, 'another-api'],
          algorithms: ['RS256'],
        }),
      ],
    });
    const accepted = await emu.idp!.signToken({ sub: 'user4', email: 'user4@example.com', aud: AUDIENCE });
    const session = await tip.forToken(accepted);
    expect(session.identity.subject).toBe('user4');
    const other = await emu.idp!.signToken({ sub: 'user4', email: 'user4@example.com', aud: 'another-api' });
    const error = await tip.forToken(other).catch((e: unknown) => e);
    expect(isTipError(error, 'ERR_IDC_INVALID_GRANT')).toBe(true);
    expect(exchanges()).toBe(2); // IdC judged the second audience itself
    // The user's accepted token is still served from the cache.
    await tip.forToken(accepted);
    expect(exchanges()).toBe(2);
    expect(assumes()).toBe(1);
  });
});

describe('refusals that cannot change within seconds', () => {
  it.each([
    ['an unassigned user (AccessDenied)', outsider, 'ERR_IDC_ACCESS_DENIED'],
    ['an unknown user (InvalidGrant)', () => unknownUser('ghost'), 'ERR_IDC_INVALID_GRANT'],
  ])('300 requests with one token of %s make 1 CreateTokenWithIAM', async (_name, mint, code) => {
    const { tip, events } = emulatorTip(emu);
    const jwt = await mint();
    const codes = new Set<string>();
    for (let i = 0; i < 300; i += 1) {
      const error = await tip.forToken(jwt).catch((e: unknown) => e);
      codes.add(isTipError(error) ? error.code : 'none');
    }
    expect([...codes]).toEqual([code]);
    expect(exchanges()).toBe(1);
    const refusals = events.filter((e) => e.type === 'cache.refusal');
    expect(refusals).toHaveLength(299);
    expect(refusals[0]).toMatchObject({ code, subject: expect.any(String) });
    expect(JSON.stringify(refusals)).not.toContain(jwt);
    // After the refusal TTL (default 10 s) IdC is asked again.
    emu.clock.advance(10_001);
    await tip.forToken(jwt).catch(() => undefined);
    expect(exchanges()).toBe(2);
  });

  it('300 concurrent requests of a refused token make 1 call, and the TTL is configurable (0 = off)', async () => {
    const { tip } = emulatorTip(emu);
    const jwt = await outsider();
    await Promise.allSettled(Array.from({ length: 300 }, () => tip.forToken(jwt)));
    expect(exchanges()).toBe(1);
    emu.counters.reset();
    const off = emulatorTip(emu, { cache: { refusalTtl: 0 } }).tip;
    for (let i = 0; i < 3; i += 1) await off.forToken(jwt).catch(() => undefined);
    expect(exchanges()).toBe(3);
  });

  it('an unassigned user stays refused for a new token too; another user is not affected', async () => {
    const { tip } = emulatorTip(emu);
    await tip.forToken(await outsider()).catch(() => undefined);
    const again = await tip.forToken(await outsider()).catch((e: unknown) => e);
    expect(isTipError(again, 'ERR_IDC_ACCESS_DENIED')).toBe(true);
    expect(exchanges()).toBe(1);
    await tip.forToken(await mintToken(emu, 'user1'));
    expect(exchanges()).toBe(2);
  });

  it('never remembers throttling or 5xx: the next request asks IdC again and succeeds', async () => {
    const { tip, events } = emulatorTip(emu, { timeouts: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 } });
    const jwt = await mintToken(emu, 'user2');
    emu.faults.inject({ operation: 'sso-oauth:CreateTokenWithIAM', throttle: true });
    const throttled = await tip.forToken(jwt).catch((e: unknown) => e);
    expect(isTipError(throttled, 'ERR_AWS_THROTTLED')).toBe(true);
    emu.faults.inject({ operation: 'sso-oauth:CreateTokenWithIAM', status5xx: 500 });
    const down = await tip.forToken(jwt).catch((e: unknown) => e);
    expect(isTipError(down, 'ERR_AWS_UNAVAILABLE')).toBe(true);
    const session = await tip.forToken(jwt);
    expect(session.identity.subject).toBe('user2');
    expect(exchanges()).toBe(3);
    expect(events.some((e) => e.type === 'cache.refusal')).toBe(false);
  });

  it('validates cache.refusalTtl', () => {
    expect(() => emulatorTip(emu, { cache: { refusalTtl: -1 } })).toThrow(/`cache.refusalTtl`/);
  });
});

describe('refused users and the LRU', () => {
  it('50 refused users do not evict a cached user from a 50-user cache', async () => {
    const { tip } = emulatorTip(emu, { cache: { maxUsers: 50 } });
    const jwt = await mintToken(emu, 'user3');
    await tip.forToken(jwt);
    const refused = await Promise.all(Array.from({ length: 50 }, (_, i) => unknownUser(`nobody${i}`)));
    const results = await Promise.allSettled(refused.map((t) => tip.forToken(t)));
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    expect(tip.cachedUsers).toBe(1);
    emu.counters.reset();
    const again = await tip.forToken(jwt);
    expect(again.identity.subject).toBe('user3');
    expect(exchanges() + assumes()).toBe(0); // served from the cache
  });
});
