/**
 * The warm path of `forToken` with the verifier tip-sdk builds itself: a resent token is served from its
 * verified-token cache entry and the credentials memo's entry, without the promise chain of a full
 * resolution. Each case checks that this path gives exactly what the full one gives: the same session, no
 * AWS call, and nothing once the token, the key, the credentials or the user's entry is gone.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TipEvent } from '../../src/session/events.js';
import {
  ISSUER,
  createFakeAws,
  idcUserIdOf,
  manualClock,
  userOfSessionToken,
  waitFor,
} from './helpers/fake-aws.js';
import { es256Issuer } from './helpers/es256-issuer.js';
import { fakeTip } from './helpers/tip.js';

const clock = manualClock();
const aws = createFakeAws({ now: clock, refreshHasContext: true });
beforeAll(() => aws.server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => aws.server.close());
beforeEach(() => aws.reset());

const MINUTE = 60_000;
const AUDIENCE = 'analytics-api';
const issuer = es256Issuer(clock);
const { jwk } = issuer;

/** An ES256 token of `sub` living `lifetimeMs` from the clock's now. */
function token(sub: string, jti: string, lifetimeMs = 60 * MINUTE, aud = AUDIENCE): string {
  // The fake IdC refuses a jti it has seen, across tests.
  return issuer.token(sub, `${sub}-${jti}`, lifetimeMs, aud);
}

/** A trusted identity verifying with its own verifier (local JWKS), against the fake AWS. */
function warmTip(overrides: Parameters<typeof fakeTip>[1] = {}) {
  return fakeTip(clock, {
    verifier: undefined,
    issuers: [
      { issuer: ISSUER, audience: [AUDIENCE, 'reports'], algorithms: ['ES256'], jwks: { keys: [jwk] } },
    ],
    ...overrides,
  });
}

const calls = () => aws.counts.exchange + aws.counts.assumeRole;

describe('a resent token (warm path)', () => {
  it('is served the same session with no AWS call, and its credentials resolve without one', async () => {
    const { tip } = warmTip();
    const jwt = token('wanda', 'w1');
    const first = await tip.forToken(jwt);
    expect(calls()).toBe(2);
    const again = await Promise.all(Array.from({ length: 50 }, () => tip.forToken(jwt)));
    expect(new Set(again)).toEqual(new Set([first]));
    const creds = await first.credentials();
    expect(userOfSessionToken(creds.sessionToken)).toBe(idcUserIdOf('wanda'));
    expect(calls()).toBe(2);
  });

  it('emits cache.hit on every warm call, as a full resolution does', async () => {
    const { tip, events } = warmTip();
    const jwt = token('walt', 'w1');
    await tip.forToken(jwt);
    const before = events.filter((e: TipEvent) => e.type === 'cache.hit').length;
    for (let i = 0; i < 5; i++) await tip.forToken(jwt);
    const hits = events.filter((e: TipEvent) => e.type === 'cache.hit');
    expect(hits.length - before).toBe(5);
    expect(hits.at(-1)).toMatchObject({ subject: 'walt', idcUserId: idcUserIdOf('walt') });
  });

  it('starts one background refresh once the credentials are due, and keeps the session', async () => {
    const { tip } = warmTip();
    const jwt = token('rhea', 'r1', 120 * MINUTE);
    const first = await tip.forToken(jwt);
    const c1 = await first.credentials();
    clock.advance(57 * MINUTE); // within the 5-minute window before the 1-hour credentials expire
    expect(await tip.forToken(jwt)).toBe(first);
    await waitFor(() => aws.counts.assumeRole === 2);
    const c2 = await (await tip.forToken(jwt)).credentials();
    expect(c2.sessionToken).not.toBe(c1.sessionToken);
    expect(userOfSessionToken(c2.sessionToken)).toBe(idcUserIdOf('rhea'));
    expect(aws.counts).toMatchObject({ jwtBearer: 1, refresh: 1, assumeRole: 2 });
  });

  it('is refused once the token expired, though its session is still held', async () => {
    const { tip } = warmTip();
    const jwt = token('erin', 'e1', 10 * MINUTE);
    await tip.forToken(jwt);
    clock.advance(10 * MINUTE + 1_000);
    await expect(tip.forToken(jwt)).rejects.toMatchObject({ code: 'ERR_JWT_EXPIRED' });
    expect(calls()).toBe(2);
  });

  it('is not served after forget(): it is refused as already exchanged, not answered from memory', async () => {
    const { tip } = warmTip();
    const jwt = token('fay', 'f1');
    const fay = await tip.forToken(jwt);
    await tip.forget(fay.identity);
    await expect(tip.forToken(jwt)).rejects.toMatchObject({ code: 'ERR_IDC_TOKEN_REUSED' });
    const fresh = await tip.forToken(token('fay', 'f2'));
    expect(fresh).not.toBe(fay);
    expect(aws.counts).toMatchObject({ exchange: 2, assumeRole: 2 });
  });

  it('forget() drops the credentials a user holds under each audience their tokens carried', async () => {
    const { tip } = warmTip();
    const first = await tip.forToken(token('gus', 'g1'));
    await tip.forToken(token('gus', 'g2', 60 * MINUTE, 'reports'));
    expect(tip.cachedUsers).toBe(2); // one entry per audience: IdC judges the audience
    await tip.forget(first.identity);
    expect(tip.cachedUsers).toBe(0);
    await tip.forToken(token('gus', 'g3'));
    await tip.forToken(token('gus', 'g4', 60 * MINUTE, 'reports'));
    expect(aws.counts).toMatchObject({ exchange: 4, assumeRole: 4 });
  });

  it('after its credentials were evicted, reloads them for its own user only', async () => {
    const { tip } = warmTip({ cache: { maxUsers: 1 } });
    const a = token('ava', 'a1');
    const b = token('ben', 'b1');
    const ava = await tip.forToken(a);
    const ben = await tip.forToken(b); // evicts ava's credentials
    const back = await tip.forToken(a);
    expect(back.identity.subject).toBe('ava');
    expect(userOfSessionToken((await back.credentials()).sessionToken)).toBe(idcUserIdOf('ava'));
    expect(userOfSessionToken((await ben.credentials()).sessionToken)).toBe(idcUserIdOf('ben'));
    expect(ava.identity.subject).toBe('ava');
    // Each came back with a JWT already exchanged: served from the ledger's IdC tokens, an AssumeRole
    // each time (ava's return evicted ben's credentials in turn).
    expect(aws.counts).toMatchObject({ exchange: 2, assumeRole: 4 });
  });

  it('refuses every call after close()', async () => {
    const { tip } = warmTip();
    const jwt = token('cleo', 'c1');
    const cleo = await tip.forToken(jwt);
    await tip.close();
    await expect(tip.forToken(jwt)).rejects.toMatchObject({ code: 'ERR_CLOSED' });
    await expect(cleo.credentials()).rejects.toMatchObject({ code: 'ERR_CLOSED' });
  });

  it('honours an aborted signal like a full resolution', async () => {
    const { tip } = warmTip();
    const jwt = token('abe', 'a1');
    await tip.forToken(jwt);
    const controller = new AbortController();
    controller.abort();
    await expect(tip.forToken(jwt, { signal: controller.signal })).rejects.toMatchObject({
      code: 'ERR_ABORTED',
    });
  });

  it('a new token of a cached user reuses its credentials; users whose names and audiences run together stay apart', async () => {
    const { tip } = warmTip({
      issuers: [{ issuer: ISSUER, audience: ['c', 'bc'], algorithms: ['ES256'], jwks: { keys: [jwk] } }],
    });
    // "ab" + "c" and "a" + "bc" spell the same text when run together.
    const ab = await tip.forToken(token('ab', 'n1', 60 * MINUTE, 'c'));
    const a = await tip.forToken(token('a', 'n1', 60 * MINUTE, 'bc'));
    expect(calls()).toBe(4);
    const abAgain = await tip.forToken(token('ab', 'n2', 60 * MINUTE, 'c'));
    const aAgain = await tip.forToken(token('a', 'n2', 60 * MINUTE, 'bc'));
    expect(calls()).toBe(4);
    for (const [session, user] of [
      [ab, 'ab'],
      [abAgain, 'ab'],
      [a, 'a'],
      [aAgain, 'a'],
    ] as const) {
      expect(session.identity.idcUserId).toBe(idcUserIdOf(user));
      expect(userOfSessionToken((await session.credentials()).sessionToken)).toBe(idcUserIdOf(user));
    }
    expect(calls()).toBe(4);
  });
});
