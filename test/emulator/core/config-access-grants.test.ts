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

const bucket = fc.constantFrom('lake', 'lake2', 'lake-team');
const segment = fc.constantFrom('a', 'b', 'team-a', '.', '..', '*', 'a*b', '', 'lake');
/** S3 URIs: mostly `s3://<bucket>/<segments><end>`, sometimes with no bucket or no slash. */
const uri = fc
  .tuple(
    fc.oneof({ weight: 4, arbitrary: bucket.map((b) => `${b}/`) }, fc.constantFrom('', 'lake', 'lake/')),
    fc.array(segment, { minLength: 0, maxLength: 3 }),
    fc.constantFrom('', '/', '*', '/*'),
  )
  .map(([head, parts, end]) => `s3://${head}${parts.join('/')}${end}`);

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
      { numRuns: 500, examples: [['s3://lake/', 's3://lake/a/*']] },
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
