import { describe, expect, it } from 'vitest';
import { createAuditLog } from '../../../src/emulator/core/audit-log.js';

const decision = (n: number) => ({
  resource: `r${n}`,
  outcome: 'allowed' as const,
  action: 'sts:AssumeRole',
  reason: undefined,
});

describe('audit log', () => {
  it('keeps the last `capacity` entries, oldest first, across many wraps of its ring', () => {
    const log = createAuditLog(() => 0, 3);
    for (let n = 0; n < 10; n++) log.record(decision(n));
    expect(log.entries().map((e) => e.resource)).toEqual(['r7', 'r8', 'r9']);
    expect(log.find({ outcome: 'allowed' }).map((e) => e.resource)).toEqual(['r7', 'r8', 'r9']);
    log.clear();
    log.record(decision(10));
    expect(log.entries().map((e) => e.resource)).toEqual(['r10']);
  });

  it('returns copies: reading does not change what is kept', () => {
    const log = createAuditLog(() => 0, 2);
    log.record(decision(1));
    (log.entries() as unknown[]).length = 0;
    expect(log.entries()).toHaveLength(1);
  });

  it('refuses a capacity that is not a positive integer, naming the option', () => {
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      expect(() => createAuditLog(() => 0, bad)).toThrow(/option `maxAuditEntries`/);
    }
  });
});
