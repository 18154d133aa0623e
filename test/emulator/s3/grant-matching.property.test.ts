import fc from 'fast-check';
import { codePointString } from '../../support/code-points.js';
import { describe, expect, it } from 'vitest';
import type { AccessGrantConfig } from '../../../src/emulator/config/types.js';
import { createS3ControlService } from '../../../src/emulator/s3/control-service.js';
import { servesPermission } from '../../../src/emulator/s3/grants.js';
import { scopeDenial } from '../../../src/emulator/s3/object-auth.js';
import { coversKey, coversTarget, parseS3Target, type S3Target } from '../../../src/emulator/s3/s3-uri.js';
import { ACCOUNT, ALICE, call, fakeRuntime, LOCATION_ROLE, s3Config, xmlText } from './helpers.js';

const keyArb = fc
  .array(
    fc.oneof(
      { arbitrary: fc.constantFrom('a', 'b', '/', '-'), weight: 8 },
      { arbitrary: fc.constantFrom('.', '..', '%2F', '*', 'é', ' '), weight: 1 },
    ),
    { maxLength: 7 },
  )
  .map((parts) => parts.join(''));
const bucketArb = fc.constantFrom('lake', 'lake2');
const targetArb = fc.oneof(
  {
    arbitrary: fc
      .tuple(bucketArb, keyArb, fc.boolean())
      .map(([b, k, star]) => `s3://${b}/${k}${star ? '*' : ''}`),
    weight: 9,
  },
  { arbitrary: fc.string({ maxLength: 30 }), weight: 1 },
);
const permissionArb = fc.constantFrom<AccessGrantConfig['permission']>('READ', 'WRITE', 'READWRITE');
const grantArb = fc.record({
  grantee: fc.constantFrom('user:alice', 'group:analysts', 'user:alice', 'group:analysts', 'user:bob'),
  target: targetArb,
  permission: permissionArb,
});

const ALICE_GRANTEES = new Set(['user:alice', 'group:analysts']);

function parsed(text: string): S3Target {
  const result = parseS3Target(text);
  if (!result.ok) throw new Error(`unparsable ${text}`);
  return result.target;
}

describe('GetDataAccess never widens access', () => {
  it('the vended scope lies inside a grant of the caller that serves the permission', async () => {
    let served = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(grantArb, { minLength: 1, maxLength: 8 }),
        fc.tuple(fc.nat(), keyArb, fc.boolean(), fc.option(targetArb, { freq: 4 })),
        permissionArb,
        fc.constantFrom('Default', 'Minimal'),
        fc.array(fc.tuple(bucketArb, keyArb), { maxLength: 12 }),
        async (grants, [pick, suffix, star, free], permission, privilege, probes) => {
          // Mostly a target derived from one of the grants (so that some match), sometimes anything.
          const base = (grants[pick % grants.length]?.target ?? '').replace(/\*$/, '');
          const target = free ?? `${base}${suffix}${star ? '*' : ''}`;
          const runtime = fakeRuntime(
            s3Config({ locations: [{ scope: 's3://', iamRoleArn: LOCATION_ROLE }], grants }),
          );
          const module = await createS3ControlService(runtime);
          const { reply, error } = await call(module, runtime, ALICE, {
            path: '/v20180820/accessgrantsinstance/dataaccess',
            query: { target, permission, privilege },
            headers: { 'x-amz-account-id': ACCOUNT },
          });
          if (error) {
            expect(['AccessDenied', 'InvalidRequest']).toContain(error.code);
            expect(runtime.issued).toHaveLength(0);
            return;
          }
          served += 1;
          const scope = runtime.issued[0]?.caller.accessGrantScope;
          expect(scope?.permission).toBe(permission);
          const scopeTarget = parsed(scope?.target as string);
          const matchedText = xmlText(reply?.body, 'MatchedGrantTarget') as string;
          const matched = parsed(matchedText);
          // The matched grant is the caller's and serves the permission.
          const source = grants.find(
            (g) =>
              ALICE_GRANTEES.has(g.grantee) &&
              parseS3Target(g.target).ok &&
              coversTarget(parsed(g.target), matched) &&
              coversTarget(matched, parsed(g.target)) &&
              servesPermission(g.permission, permission),
          );
          expect(source).toBeDefined();
          // The requested target is served, and the scope is inside the matched grant.
          expect(coversTarget(scopeTarget, parsed(target))).toBe(true);
          const requested = parsed(target);
          const keys: [string, string][] = [
            ...probes,
            [requested.bucket, requested.key],
            [matched.bucket, matched.key],
          ];
          for (const [bucket, key] of keys) {
            if (coversKey(scopeTarget, bucket, key)) expect(coversKey(matched, bucket, key)).toBe(true);
            const needed = permission === 'WRITE' ? 'write' : 'read';
            const denial = scopeDenial(scope?.target as string, permission, { kind: needed, bucket, key });
            if (denial === undefined) expect(coversKey(matched, bucket, key)).toBe(true);
          }
        },
      ),
      { numRuns: 500 },
    );
    // The generators must reach the interesting branch often enough to mean something.
    expect(served).toBeGreaterThan(15);
  });

  it('parses any string without throwing, and only ever yields well-formed targets', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), codePointString(), targetArb), (text) => {
        const result = parseS3Target(text);
        if (!result.ok) return;
        expect(text.startsWith('s3://')).toBe(true);
        expect(result.target.key.includes('*')).toBe(false);
        expect(result.target.key.split('/')).not.toContain('..');
      }),
      { numRuns: 1000 },
    );
  });
});
