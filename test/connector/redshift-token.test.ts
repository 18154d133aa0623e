/**
 * Which cached Redshift driver token serves a request, and what a record keeps when a new one arrives:
 * only tokens of the record's current credentials, unexpired, one per target, at most 16.
 */
import { describe, expect, it } from 'vitest';
import {
  cachedRedshiftToken,
  redshiftTargetKey,
  withRedshiftToken,
} from '../../src/connector/redshift-token.js';
import type { CachedRedshiftToken, CacheRecord } from '../../src/connector/token-cache/record.js';

const NOW = 1_800_000_000_000;
const role = { accessKeyId: 'ASIANEW', secretAccessKey: 's', sessionToken: 't', expiration: NOW + 3_600_000 };
const base: CacheRecord = { v: 1, settings: 'x', role };
const token = (target: string, over: Partial<CachedRedshiftToken> = {}): CachedRedshiftToken => ({
  target,
  token: `tok-${target}`,
  expiresAt: NOW + 900_000,
  accessKeyId: 'ASIANEW',
  ...over,
});

describe('Redshift driver tokens in the token cache', () => {
  it('names targets by kind', () => {
    expect(redshiftTargetKey({ workgroupName: 'analytics' })).toBe('workgroup:analytics');
    expect(redshiftTargetKey({ clusterIdentifier: 'c-1' })).toBe('cluster:c-1');
  });

  it('serves a token of the current credentials with more than the margin left, for its own target only', () => {
    const record = {
      ...base,
      redshift: [token('workgroup:a'), token('workgroup:old', { accessKeyId: 'ASIAOLD' })],
    };
    expect(cachedRedshiftToken(record, 'workgroup:a', 60_000, NOW)?.token).toBe('tok-workgroup:a');
    expect(cachedRedshiftToken(record, 'cluster:a', 60_000, NOW)).toBeUndefined();
    expect(cachedRedshiftToken(record, 'workgroup:old', 60_000, NOW)).toBeUndefined();
    expect(cachedRedshiftToken(record, 'workgroup:a', 900_000, NOW)).toBeUndefined();
    expect(cachedRedshiftToken({ ...record, role: undefined }, 'workgroup:a', 60_000, NOW)).toBeUndefined();
    expect(cachedRedshiftToken(undefined, 'workgroup:a', 60_000, NOW)).toBeUndefined();
  });

  it('keeps the new token first, drops other credentials’ and expired tokens and the target’s old one', () => {
    const record = {
      ...base,
      redshift: [
        token('workgroup:a', { token: 'older' }),
        token('workgroup:b'),
        token('workgroup:c', { accessKeyId: 'ASIAOLD' }),
        token('workgroup:d', { expiresAt: NOW - 1 }),
      ],
    };
    const next = withRedshiftToken(record, token('workgroup:a'), NOW);
    expect(next.redshift?.map((t) => [t.target, t.token])).toEqual([
      ['workgroup:a', 'tok-workgroup:a'],
      ['workgroup:b', 'tok-workgroup:b'],
    ]);
    expect(next.role).toBe(role);
  });

  it('holds at most 16, the ones expiring first going', () => {
    const many = Array.from({ length: 16 }, (_, i) =>
      token(`workgroup:w${i}`, { expiresAt: NOW + 1000 * (i + 1) }),
    );
    const next = withRedshiftToken({ ...base, redshift: many }, token('cluster:new'), NOW);
    expect(next.redshift).toHaveLength(16);
    expect(next.redshift?.[0]?.target).toBe('cluster:new');
    expect(next.redshift?.some((t) => t.target === 'workgroup:w0')).toBe(false);
  });
});
