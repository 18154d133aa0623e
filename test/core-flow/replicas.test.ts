/**
 * Several replicas of one service, in one process (each its own createTrustedIdentity), against the
 * emulator: without a shared store the same JWT fails on the second replica with an error that says what
 * to do; with one, replicas make one exchange per user and read each other's results.
 */
import { describe, expect, it } from 'vitest';
import { isTipError } from '../../src/errors.js';
import { APP_REFRESH_CONTEXT, USERS, emulatorTip, mintToken, useCoreEmulator } from './helpers/emulator.js';
import { sharedMemoryStore } from './helpers/shared-store.js';

const emu = useCoreEmulator();
const exchanges = () => emu.counters.get('CreateTokenWithIAM');
const assumes = () => emu.counters.get('AssumeRole');
const HOUR = 3_600_000;

describe('replicas without a shared store', () => {
  it('the same JWT on a second replica is ERR_IDC_TOKEN_REUSED, advising a shared store; IdC is asked once', async () => {
    const a = emulatorTip(emu).tip;
    const b = emulatorTip(emu).tip;
    const jwt = await mintToken(emu, 'user1');
    expect((await a.forToken(jwt)).identity.subject).toBe('user1');
    const errors = [];
    for (let i = 0; i < 3; i += 1) errors.push(await b.forToken(jwt).catch((e: unknown) => e));
    for (const error of errors) {
      expect(isTipError(error, 'ERR_IDC_TOKEN_REUSED')).toBe(true);
      expect((error as Error).message).toMatch(/shared cache store.*tip-sdk\/redis/);
    }
    expect((errors[0] as { details: { awsErrorCode?: string } }).details.awsErrorCode).toBe(
      'InvalidGrantException',
    );
    // IdC refused the JWT once; the replica remembers it and does not send it again.
    expect(exchanges()).toBe(2);
  });
});

describe('replicas sharing a store (lock and exchange ledger)', () => {
  it('the same JWT on K replicas at once: 1 CreateTokenWithIAM and 1 AssumeRole, every replica served', async () => {
    const store = sharedMemoryStore(() => emu.clock.now());
    const tips = Array.from({ length: 4 }, () => emulatorTip(emu, { cache: { store } }).tip);
    const jwts = await Promise.all(USERS.map((u) => mintToken(emu, u)));
    const sessions = await Promise.all(
      jwts.flatMap((jwt) => tips.flatMap((tip) => [tip.forToken(jwt), tip.forToken(jwt)])),
    );
    expect(sessions.map((s) => s.identity.subject)).toEqual(USERS.flatMap((u) => Array(8).fill(u)));
    expect(exchanges()).toBe(USERS.length);
    expect(assumes()).toBe(USERS.length);
  });

  it('a replica that receives a JWT another replica exchanged reads that result instead of exchanging', async () => {
    const store = sharedMemoryStore(() => emu.clock.now());
    const a = emulatorTip(emu, { cache: { store } }).tip;
    const b = emulatorTip(emu, { cache: { store } }).tip;
    const jwt = await mintToken(emu, 'user2');
    await a.forToken(jwt);
    store.forgetValues(); // the shared values are gone (expired, evicted); the ledger's claim and result stay
    const session = await b.forToken(jwt);
    expect(session.identity.subject).toBe('user2');
    expect(exchanges()).toBe(1);
    expect(assumes()).toBe(2);
  });

  it('a JWT whose exchange finished but whose result is gone is refused at once; a new token of the user is not held up', async () => {
    const store = sharedMemoryStore(() => emu.clock.now());
    // An exchange deadline past the test's own: waiting for a finished exchange would time the test out.
    const timeouts = { baseDelayMs: 1, maxDelayMs: 10, timeoutMs: 120_000 };
    const a = emulatorTip(emu, { cache: { store }, timeouts }).tip;
    const jwt = await mintToken(emu, 'user3');
    await a.forToken(jwt);
    // Every copy of what the exchange gave is gone (the store lost it, or it was corrupted): only the claim
    // says the JWT was sent to IdC.
    a.clearCache();
    store.exchangeLedger({} as never).clearResults();
    store.forgetValues();
    const fresh = await mintToken(emu, 'user3');
    const [again, other] = await Promise.allSettled([a.forToken(jwt), a.forToken(fresh)]);
    expect(again.status === 'rejected' && isTipError(again.reason, 'ERR_IDC_TOKEN_REUSED')).toBe(true);
    expect(other.status === 'fulfilled' && other.value.identity.subject).toBe('user3');
    expect(exchanges()).toBe(2);
  });

  it('a shared ledger whose settle fails, or that has none, still serves: the claim is only left unsettled', async () => {
    const shared = sharedMemoryStore(() => emu.clock.now());
    const ledger = shared.exchangeLedger({} as never);
    const failing = {
      ...shared,
      exchangeLedger: () => ({
        ...ledger,
        settle: async () => {
          throw new Error('store down');
        },
      }),
    };
    const { settle: _none, ...withoutSettle } = ledger;
    const lacking = { ...shared, exchangeLedger: () => withoutSettle };
    for (const [store, user] of [
      [failing, 'user1'],
      [lacking, 'user2'],
    ] as const) {
      const tip = emulatorTip(emu, { cache: { store } }).tip;
      const jwt = await mintToken(emu, user);
      expect((await tip.forToken(jwt)).identity.subject).toBe(user);
      expect((await tip.forToken(jwt)).identity.subject).toBe(user);
    }
    expect(exchanges()).toBe(2);
  });

  it('a JWT whose claimant held the user’s lock and died before keeping its result is refused at once by the next lock holder', async () => {
    const store = sharedMemoryStore(() => emu.clock.now());
    const ledger = store.exchangeLedger({} as never);
    // Replica A claims and exchanges, then "dies": what it kept and its settle never reach the store (its
    // locks expire or are released; here they are released).
    const dying = {
      ...store,
      exchangeLedger: () => ({ ...ledger, keep: async () => undefined, settle: async () => undefined }),
    };
    // An exchange deadline past the test's own: waiting for the dead claimant would time the test out.
    const timeouts = { baseDelayMs: 1, maxDelayMs: 10, timeoutMs: 120_000 };
    const a = emulatorTip(emu, { cache: { store: dying }, timeouts }).tip;
    const b = emulatorTip(emu, { cache: { store }, timeouts }).tip;
    const jwt = await mintToken(emu, 'user1');
    await a.forToken(jwt);
    store.forgetValues(); // nor did the values it loaded
    const again = await b.forToken(jwt).catch((e: unknown) => e);
    expect(isTipError(again, 'ERR_IDC_TOKEN_REUSED')).toBe(true);
    expect((await b.forToken(await mintToken(emu, 'user1'))).identity.subject).toBe('user1');
    expect(exchanges()).toBe(2);
  });

  it('without the lock (unreachable), a replica waits for another’s running exchange of the same JWT', async () => {
    const shared = sharedMemoryStore(() => emu.clock.now());
    const store = {
      ...shared,
      lock: {
        acquire: async () => {
          throw new Error('lock unreachable');
        },
      },
    };
    const a = emulatorTip(emu, { cache: { store } }).tip;
    const b = emulatorTip(emu, { cache: { store } }).tip;
    const jwt = await mintToken(emu, 'user4');
    const remove = emu.faults.inject({ operation: 'CreateTokenWithIAM', latencyMs: 300 });
    try {
      const sessions = await Promise.all([a.forToken(jwt), b.forToken(jwt)]);
      expect(sessions.map((s) => s.identity.subject)).toEqual(['user4', 'user4']);
    } finally {
      remove();
    }
    expect(exchanges()).toBe(1);
  });

  it('refreshes a user once per window across replicas (one refresh-token exchange, one AssumeRole)', async () => {
    const store = sharedMemoryStore(() => emu.clock.now());
    const built = Array.from({ length: 3 }, () =>
      emulatorTip(emu, { cache: { store }, applicationArn: APP_REFRESH_CONTEXT }),
    );
    const jwt = await mintToken(emu, 'user3');
    const token = async (tip: (typeof built)[0]['tip']) =>
      (await (await tip.forToken(jwt)).credentials()).sessionToken;
    const first = await token(built[0]!.tip);
    for (const { tip } of built) expect(await token(tip)).toBe(first);
    expect([exchanges(), assumes()]).toEqual([1, 1]);
    emu.counters.reset();
    emu.clock.advance(HOUR - 120_000); // inside every replica's refresh window
    // Each replica serves what it holds and refreshes in the background: one of them refreshes, the
    // others find its result in the store.
    let held: (string | undefined)[] = [];
    for (let i = 0; i < 400; i += 1) {
      held = await Promise.all(built.map(({ tip }) => token(tip)));
      if (held.every((t) => t !== first)) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(new Set(held).size).toBe(1);
    expect(held[0]).not.toBe(first);
    const grants = built
      .flatMap(({ events }) => events)
      .filter((e) => e.type === 'exchange.succeeded')
      .map((e) => (e as { grant: string }).grant);
    expect(grants).toEqual(['jwt-bearer', 'refresh-token']);
    expect([exchanges(), assumes()]).toEqual([1, 1]);
  });
});
