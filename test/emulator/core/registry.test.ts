import { describe, expect, it } from 'vitest';
import { validateEmulatorConfig } from '../../../src/emulator/config/validate.js';
import { createCredentialRegistry, principalKind } from '../../../src/emulator/core/registry.js';
import { ACCOUNT, SERVICE_KEY, baseConfig } from './helpers/config.js';

const config = validateEmulatorConfig(baseConfig());
const session = {
  accountId: ACCOUNT,
  kind: 'assumed-role' as const,
  arn: `arn:aws:sts::${ACCOUNT}:assumed-role/r/s`,
  roleArn: `arn:aws:iam::${ACCOUNT}:role/r`,
  sessionName: 's',
};

describe('credential registry', () => {
  it('knows configured keys and issues unique session keys bound to their token', () => {
    let now = 1_000_000;
    const registry = createCredentialRegistry(config, () => now);
    const long = registry.lookup(SERVICE_KEY.accessKeyId);
    expect(long).toMatchObject({
      secretAccessKey: SERVICE_KEY.secretAccessKey,
      caller: { kind: 'iam-user', accountId: ACCOUNT },
    });
    expect(long?.sessionToken).toBeUndefined();
    const a = registry.issue(session, now + 900_000);
    const b = registry.issue(session, now + 900_000);
    expect(a.accessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(a.accessKeyId).not.toBe(b.accessKeyId);
    expect(a.sessionToken).not.toBe(b.sessionToken);
    expect(registry.lookup(a.accessKeyId)).toMatchObject({
      sessionToken: a.sessionToken,
      caller: { accessKeyId: a.accessKeyId, expiresAt: now + 900_000 },
    });
    expect(registry.lookup('ASIANOTISSUED0000000')).toBeUndefined();
    now += 10 * 3_600_000;
    registry.purge(now);
    expect(registry.lookup(a.accessKeyId)).toBeUndefined();
    expect(registry.lookup(SERVICE_KEY.accessKeyId)).toBeDefined();
  });

  it('sweeps long-expired sessions as it issues', () => {
    let now = 0;
    const registry = createCredentialRegistry(config, () => now);
    for (let i = 0; i < 1000; i++) registry.issue(session, now + 900_000);
    now = 10 * 3_600_000;
    for (let i = 0; i < 100; i++) registry.issue(session, now + 900_000);
    expect(registry.issuedCount).toBeLessThanOrEqual(100);
  });

  it('remembers at most maxSessions sessions, forgetting the oldest first', () => {
    const registry = createCredentialRegistry(config, () => 0, 3);
    const keys = Array.from({ length: 5 }, () => registry.issue(session, 900_000).accessKeyId);
    expect(keys.map((k) => registry.lookup(k) !== undefined)).toEqual([false, false, true, true, true]);
    expect(registry.issuedCount).toBe(3);
    // Configured keys are not sessions: never forgotten.
    expect(registry.lookup(SERVICE_KEY.accessKeyId)).toBeDefined();
  });

  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('refuses maxSessions %s', (bad) => {
    expect(() => createCredentialRegistry(config, () => 0, bad)).toThrow(/option `maxSessions`/);
  });

  it('classifies principals', () => {
    expect(principalKind(`arn:aws:iam::${ACCOUNT}:root`)).toBe('root');
    expect(principalKind(`arn:aws:iam::${ACCOUNT}:role/x`)).toBe('role');
    expect(principalKind(`arn:aws:iam::${ACCOUNT}:user/x`)).toBe('iam-user');
  });
});
