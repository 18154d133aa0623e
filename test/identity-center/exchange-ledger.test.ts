import { describe, expect, it } from 'vitest';
import { TipError } from '../../src/errors.js';
import { createExchangeLedger } from '../../src/identity-center/exchange-ledger.js';
import { createRefusalCache } from '../../src/identity-center/refusals.js';
import type { IdcTokenSet } from '../../src/identity-center/types.js';
import { manualClock } from '../core-flow/helpers/fake-aws.js';

const tokens = (n: number) => ({ accessToken: `at-${n}` }) as unknown as IdcTokenSet;

describe('createExchangeLedger', () => {
  it('claims a JWT once, names where its result lives, and keeps that result while the JWT lives', async () => {
    const clock = manualClock();
    const ledger = createExchangeLedger(100, clock);
    const claimedAt = clock();
    expect(await ledger.claim('jwt-1', 'user-a', clock() + 60_000)).toEqual({ claimed: true });
    clock.advance(5);
    // Its exchange is running (not settled): a caller may wait for it, also once a result is kept.
    const running = { claimed: false, resultKey: 'user-a', since: claimedAt };
    expect(await ledger.claim('jwt-1', 'user-a', clock() + 60_000)).toEqual(running);
    await ledger.keep('user-a', tokens(1));
    expect(await ledger.claim('jwt-1', 'user-a', clock() + 60_000)).toEqual(running);
    // A settle names the claim's own result key; another key's leaves it running.
    await ledger.settle!('jwt-1', 'user-b');
    await ledger.settle!('jwt-unknown', 'user-a');
    expect(await ledger.claim('jwt-1', 'user-a', clock() + 60_000)).toEqual(running);
    await ledger.settle!('jwt-1', 'user-a');
    // Finished: nothing to wait for, even once the result is gone.
    expect(await ledger.claim('jwt-1', 'user-a', clock() + 60_000)).toEqual({
      claimed: false,
      resultKey: 'user-a',
    });
    expect(await ledger.result('user-a')).toEqual(tokens(1));
    // A second JWT of the same user shares the result; it outlives the first JWT.
    clock.advance(5);
    await ledger.claim('jwt-2', 'user-a', clock() + 120_000);
    expect(await ledger.claim('jwt-2', 'user-a', clock() + 120_000)).toMatchObject({ since: clock() });
    clock.advance(60_001);
    expect(await ledger.claim('jwt-1', 'user-a', clock() + 60_000)).toEqual({ claimed: true }); // expired
    await ledger.release('jwt-1');
    expect(await ledger.result('user-a')).toEqual(tokens(1));
    clock.advance(60_000);
    await ledger.claim('jwt-3', 'user-b', clock() + 60_000); // sweeps jwt-2
    expect(await ledger.result('user-a')).toBeUndefined();
  });

  it('reports a claim made under the user’s lock as such until it is settled', async () => {
    const clock = manualClock();
    const ledger = createExchangeLedger(100, clock);
    await ledger.claim('jwt-l', 'user-a', clock() + 60_000, { locked: true });
    await ledger.claim('jwt-u', 'user-a', clock() + 60_000, { locked: false });
    expect(await ledger.claim('jwt-l', 'user-a', clock() + 60_000)).toEqual({
      claimed: false,
      resultKey: 'user-a',
      since: clock(),
      locked: true,
    });
    expect(await ledger.claim('jwt-u', 'user-a', clock() + 60_000)).toEqual({
      claimed: false,
      resultKey: 'user-a',
      since: clock(),
    });
    await ledger.settle!('jwt-l', 'user-a');
    expect(await ledger.claim('jwt-l', 'user-a', clock() + 60_000)).toEqual({
      claimed: false,
      resultKey: 'user-a',
    });
  });

  it('keeps nothing for a key no live JWT names, forgets a released claim, and clears results only', async () => {
    const ledger = createExchangeLedger(100, manualClock());
    await ledger.keep('nobody', tokens(1));
    expect(await ledger.result('nobody')).toBeUndefined();
    await ledger.claim('jwt-1', 'user-a', undefined);
    await ledger.release('jwt-1');
    expect(await ledger.claim('jwt-1', 'user-a', undefined)).toEqual({ claimed: true });
    await ledger.keep('user-a', tokens(2));
    await ledger.settle!('jwt-1', 'user-a');
    ledger.clearResults();
    expect(await ledger.result('user-a')).toBeUndefined();
    // The claim stays, finished: a resent JWT is refused at once rather than waited on.
    expect(await ledger.claim('jwt-1', 'user-a', undefined)).toEqual({ claimed: false, resultKey: 'user-a' });
  });

  it('is bounded: the oldest JWT entry goes first, and its result with it', async () => {
    const clock = manualClock();
    const ledger = createExchangeLedger(2, clock);
    for (const n of [1, 2, 3]) {
      await ledger.claim(`jwt-${n}`, `user-${n}`, clock() + 60_000);
      await ledger.keep(`user-${n}`, tokens(n));
    }
    expect(await ledger.result('user-1')).toBeUndefined();
    expect(await ledger.result('user-3')).toEqual(tokens(3));
    expect((await ledger.claim('jwt-2', 'user-2', clock() + 60_000)).claimed).toBe(false);
  });
});

describe('createRefusalCache', () => {
  const refusal = (
    code: 'ERR_IDC_ACCESS_DENIED' | 'ERR_IDC_INVALID_GRANT' | 'ERR_AWS_THROTTLED',
    aws: string,
  ) => new TipError(code, 'refused', { details: { awsErrorCode: aws }, requestId: 'req-1' });

  it('remembers AccessDenied for the user and InvalidGrant for the JWT, for the TTL', () => {
    const clock = manualClock();
    const cache = createRefusalCache({ ttlMs: 10_000, maxEntries: 10, clock });
    cache.record('user-a', 'jwt-1', refusal('ERR_IDC_ACCESS_DENIED', 'AccessDeniedException'));
    cache.record('user-b', 'jwt-2', refusal('ERR_IDC_INVALID_GRANT', 'InvalidGrantException'));
    const found = cache.find('user-a', 'jwt-other');
    expect(found).toMatchObject({ code: 'ERR_IDC_ACCESS_DENIED', requestId: 'req-1' });
    expect(found?.details.cachedRefusal).toBe(true);
    expect(cache.find('user-b', 'jwt-2')?.code).toBe('ERR_IDC_INVALID_GRANT');
    expect(cache.find('user-b', 'jwt-3')).toBeUndefined(); // another token of that user
    clock.advance(10_000);
    expect(cache.find('user-a', 'jwt-1')).toBeUndefined();
  });

  it('never remembers throttling, a mapped code from another AWS error, or anything with TTL 0', () => {
    const clock = manualClock();
    const cache = createRefusalCache({ ttlMs: 10_000, maxEntries: 10, clock });
    cache.record('u', 'j', refusal('ERR_AWS_THROTTLED', 'ThrottlingException'));
    cache.record('u', 'j', refusal('ERR_IDC_INVALID_GRANT', 'AuthorizationPendingException'));
    expect(cache.find('u', 'j')).toBeUndefined();
    const off = createRefusalCache({ ttlMs: 0, maxEntries: 10, clock });
    off.record('u', 'j', refusal('ERR_IDC_ACCESS_DENIED', 'AccessDeniedException'));
    expect(off.find('u', 'j')).toBeUndefined();
  });

  it('is bounded, oldest first', () => {
    const cache = createRefusalCache({ ttlMs: 10_000, maxEntries: 2, clock: manualClock() });
    for (const u of ['a', 'b', 'c'])
      cache.record(u, `j-${u}`, refusal('ERR_IDC_ACCESS_DENIED', 'AccessDeniedException'));
    expect(cache.find('a', 'x')).toBeUndefined();
    expect(cache.find('c', 'x')).toBeDefined();
  });
});
