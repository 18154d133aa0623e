import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EmulatorConfig } from '../../../src/emulator/config/types.js';
import { validateEmulatorConfig } from '../../../src/emulator/config/validate.js';
import { resolveAccessGrants } from '../../../src/emulator/s3/grants.js';
import { isTipError } from '../../../src/errors.js';
import { baseConfig } from './helpers/config.js';

/** Validates `baseConfig()` with one Access Grants location and grant; undefined when refused. */
function validated(scope: string, target: string): EmulatorConfig | undefined {
  const input = structuredClone(baseConfig()) as unknown as Record<string, unknown>;
  input.s3 = {
    buckets: [],
    accessGrants: {
      locations: [{ scope }],
      grants: [{ grantee: 'user:alice', target, permission: 'READ' }],
    },
  };
  try {
    return validateEmulatorConfig(input);
  } catch (err) {
    if (isTipError(err, 'ERR_EMULATOR_CONFIG')) return undefined;
    throw err;
  }
}

const segment = fc.constantFrom('lake', 'lake2', 'a', 'b', '.', '..', '*', 'a*b', '', 'team-a');
const uri = fc
  .array(segment, { minLength: 0, maxLength: 4 })
  .chain((parts) => fc.constantFrom('', '/', '*', '/*').map((end) => `s3://${parts.join('/')}${end}`));

describe('Access Grants configuration', () => {
  it('accepts only locations and grants the S3 module registers (nothing is silently left out)', () => {
    let accepted = 0;
    fc.assert(
      fc.property(uri, uri, (scope, target) => {
        const config = validated(scope, target);
        if (!config) return;
        accepted += 1;
        const instance = resolveAccessGrants(config);
        expect(instance?.ignored).toEqual([]);
        expect(instance?.grants).toHaveLength(1);
      }),
      { numRuns: 500 },
    );
    expect(accepted).toBeGreaterThan(0);
  });

  it('keeps accepting the documented shapes', () => {
    for (const [scope, target] of [
      ['s3://', 's3://lake/team-a/*'],
      ['s3://lake/', 's3://lake/*'],
      ['s3://lake', 's3://lake/report.csv'],
      ['s3://lake/team-a/', 's3://lake/team-a/deep/*'],
      ['s3://lake/team-a/*', 's3://lake/team-a/x.csv'],
    ] as const) {
      const config = validated(scope, target);
      expect(config, `${scope} ${target}`).toBeDefined();
      expect(resolveAccessGrants(config!)?.grants).toHaveLength(1);
    }
  });
});
