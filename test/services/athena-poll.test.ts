import { describe, expect, it } from 'vitest';
import { POLL_MAX_MS, POLL_MIN_MS, defaultPollDelay } from '../../src/services/poll.js';

describe('Athena default polling schedule', () => {
  it('polls every 50 ms while the query is young', () => {
    expect([0, 1, 100, 350, 500].map(defaultPollDelay)).toEqual([50, 50, 50, 50, 50]);
    expect(POLL_MIN_MS).toBe(50);
  });

  it('then waits a tenth of the query age, so it overshoots the end by at most about 10 %', () => {
    expect(defaultPollDelay(2_000)).toBe(200);
    expect(defaultPollDelay(5_555)).toBe(556);
    for (let age = 500; age < 30_000; age += 137)
      expect(defaultPollDelay(age)).toBeLessThanOrEqual(age * 0.1 + 1);
  });

  it('never waits more than 1 s, and falls back to the shortest wait on a nonsense age', () => {
    expect(defaultPollDelay(10_000)).toBe(1_000);
    expect(defaultPollDelay(3_600_000)).toBe(POLL_MAX_MS);
    expect(defaultPollDelay(Number.NaN)).toBe(50);
    expect(defaultPollDelay(-5)).toBe(50);
  });

  it('makes few calls for long queries: under 100 polls for a 60 s query', () => {
    let t = 0;
    let polls = 1;
    while (t < 60_000) {
      t += defaultPollDelay(t);
      polls++;
    }
    expect(polls).toBeLessThan(100);
    expect(polls).toBeGreaterThan(50);
  });
});
