import { describe, expect, it } from 'vitest';
import { validateEmulatorConfig } from '../../../src/emulator/config/validate.js';
import { baseConfig } from './helpers/config.js';

/** `baseConfig()` with one workgroup whose target settings are `extra`. */
function withTarget(extra: Record<string, unknown>) {
  const input = structuredClone(baseConfig()) as unknown as Record<string, unknown>;
  input.redshift = { targets: [{ workgroupName: 'analytics', databases: [], ...extra }] };
  return input;
}

describe('redshift.targets[].sqlEndpoint', () => {
  it('is absent unless configured, and gets its defaults when present', () => {
    expect(validateEmulatorConfig(withTarget({})).redshift.targets[0]!.sqlEndpoint).toBeUndefined();
    expect(validateEmulatorConfig(withTarget({ sqlEndpoint: {} })).redshift.targets[0]!.sqlEndpoint).toEqual({
      port: 0,
      adminUser: 'admin',
      maxConnections: 100,
    });
  });

  it.each([
    ['an unknown key', { sqlEndpoint: { tls: false } }, 'sqlEndpoint.tls'],
    ['a port out of range', { sqlEndpoint: { port: 70_000 } }, 'sqlEndpoint.port'],
    ['a reserved administrator name', { sqlEndpoint: { adminUser: 'rdsdb' } }, 'sqlEndpoint.adminUser'],
    [
      'a name with a colon (an IdC user)',
      { sqlEndpoint: { adminUser: 'AWSIDC:x' } },
      'sqlEndpoint.adminUser',
    ],
    ['a short password', { sqlEndpoint: { adminPassword: 'short' } }, 'sqlEndpoint.adminPassword'],
    ['zero connections', { sqlEndpoint: { maxConnections: 0 } }, 'sqlEndpoint.maxConnections'],
    [
      'an application ARN of the wrong form',
      { identityCenterApplicationArn: 'arn:aws:sso::x' },
      'identityCenterApplicationArn',
    ],
  ])('refuses %s, naming the path', (_name, extra, path) => {
    expect(() => validateEmulatorConfig(withTarget(extra))).toThrow(
      expect.objectContaining({
        code: 'ERR_EMULATOR_CONFIG',
        details: expect.objectContaining({ path: `redshift.targets[0].${path}` }),
      }),
    );
  });
});
