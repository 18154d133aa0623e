import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { IdentityContextClaims } from '../../../src/emulator/core/types.js';
import {
  issueIdentityContext,
  verifyIdentityContext,
} from '../../../src/emulator/identity-center/context.js';
import { APP_ARN, INSTANCE_ARN, STORE_ID, testConfig, testRuntime } from './helpers/runtime.js';

const runtime = testRuntime(testConfig('http://127.0.0.1:1'));

function claims(over: Partial<IdentityContextClaims> = {}): IdentityContextClaims {
  return {
    idcUserId: 'u-alice',
    userName: 'alice',
    groupIds: ['g-analysts'],
    groupNames: ['analysts'],
    identityStoreId: STORE_ID,
    instanceArn: INSTANCE_ARN,
    applicationArn: APP_ARN,
    expiresAt: runtime.now() + 3_600_000,
    ...over,
  };
}

function flipChar(s: string, index: number): string {
  const c = s[index] === 'A' ? 'B' : 'A';
  return s.slice(0, index) + c + s.slice(index + 1);
}

describe('identity context', () => {
  it('round-trips the claims, configured groups and extra groups', () => {
    const input = claims({ groupIds: ['g-analysts', 'g-x'], groupNames: ['analysts', 'external'] });
    const assertion = issueIdentityContext(runtime, input);
    const result = verifyIdentityContext(runtime, assertion);
    expect(result).toEqual({ ok: true, claims: input });
  });

  it('is opaque: no claim value appears in the assertion', () => {
    const assertion = issueIdentityContext(runtime, claims());
    for (const value of ['alice', 'u-alice', 'analysts', STORE_ID, 'ssoins', 'apl-']) {
      expect(assertion).not.toContain(value);
    }
    expect(issueIdentityContext(runtime, claims())).not.toBe(assertion);
  });

  it('stays within 2048 characters for a user in 3000 configured groups', () => {
    const groups = Array.from({ length: 3000 }, (_, i) => ({
      name: `group-${i}-with-a-long-name`,
      groupId: `9067${i.toString(16).padStart(4, '0')}-1234-5678-9abc-def012345678`,
    }));
    const big = testRuntime(testConfig('http://127.0.0.1:1', { groups }));
    const input = claims({ groupIds: groups.map((g) => g.groupId), groupNames: groups.map((g) => g.name) });
    const assertion = issueIdentityContext(big, input);
    expect(assertion.length).toBeLessThanOrEqual(2048);
    const result = verifyIdentityContext(big, assertion);
    expect(result.ok && result.claims.groupIds.length).toBe(3000);
  });

  it('refuses, with a RangeError, claims that cannot fit (many unknown groups)', () => {
    const ids = Array.from({ length: 400 }, () => randomBytes(16).toString('hex'));
    expect(() => issueIdentityContext(runtime, claims({ groupIds: ids, groupNames: ids }))).toThrow(
      RangeError,
    );
  });

  it('reports expiry against the runtime clock', () => {
    const clocked = testRuntime(testConfig('http://127.0.0.1:1'));
    const assertion = issueIdentityContext(clocked, claims({ expiresAt: clocked.now() + 1000 }));
    expect(verifyIdentityContext(clocked, assertion).ok).toBe(true);
    clocked.advance(1000);
    expect(verifyIdentityContext(clocked, assertion)).toEqual({ ok: false, reason: 'expired' });
  });

  it('reports another instance as wrong-audience', () => {
    const assertion = issueIdentityContext(
      runtime,
      claims({ instanceArn: 'arn:aws:sso:::instance/ssoins-9999999999999999' }),
    );
    expect(verifyIdentityContext(runtime, assertion)).toEqual({ ok: false, reason: 'wrong-audience' });
  });

  it('reports a context sealed by another emulator as tampered', () => {
    const other = testRuntime(testConfig('http://127.0.0.1:1'));
    const assertion = issueIdentityContext(other, claims());
    expect(verifyIdentityContext(runtime, assertion)).toEqual({ ok: false, reason: 'tampered' });
  });

  const good = issueIdentityContext(runtime, claims());
  const hostile: [string, unknown, string][] = [
    ['empty', '', 'malformed'],
    ['too short', 'abc', 'malformed'],
    ['too long', `tipctx1.${'A'.repeat(2100)}`, 'malformed'],
    ['wrong prefix', good.replace('tipctx1.', 'tipctx2.'), 'malformed'],
    ['prefix only', 'tipctx1.', 'malformed'],
    ['bad base64 chars', 'tipctx1.abc$%^', 'malformed'],
    ['padding', `${good}==`, 'malformed'],
    ['whitespace', ` ${good}`, 'malformed'],
    ['a JWT', 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.', 'malformed'],
    ['truncated', good.slice(0, 30), 'malformed'],
    ['truncated tail', good.slice(0, -2), 'tampered'],
    ['flipped middle', flipChar(good, 40), 'tampered'],
    ['flipped last', flipChar(good, good.length - 3), 'tampered'],
    ['appended', `${good}AAAA`, 'tampered'],
    ['not a string (number)', 42, 'malformed'],
    ['not a string (object)', { toString: () => good }, 'malformed'],
    ['null', null, 'malformed'],
  ];
  it.each(hostile)('refuses %s', (_name, input, reason) => {
    expect(verifyIdentityContext(runtime, input as string)).toEqual({ ok: false, reason });
  });

  it('property: no input crashes, and no string except the issued one verifies', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 3000 }),
          fc.base64String().map((s) => `tipctx1.${s}`),
        ),
        (s) => {
          const result = verifyIdentityContext(runtime, s);
          expect(result.ok).toBe(false);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('property: no single-character mutation of an issued assertion verifies', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: good.length - 1 }),
        fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.'),
        (index, ch) => {
          fc.pre(good[index] !== ch);
          const mutated = good.slice(0, index) + ch + good.slice(index + 1);
          expect(verifyIdentityContext(runtime, mutated).ok).toBe(false);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('property: any claims round-trip', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 64 }),
        fc.string({ maxLength: 64 }),
        fc.array(fc.tuple(fc.string({ maxLength: 20 }), fc.string({ maxLength: 20 })), { maxLength: 10 }),
        (idcUserId, userName, pairs) => {
          const input = claims({
            idcUserId,
            userName,
            groupIds: pairs.map((p) => p[0]),
            groupNames: pairs.map((p) => p[1]),
          });
          const result = verifyIdentityContext(runtime, issueIdentityContext(runtime, input));
          expect(result.ok).toBe(true);
          if (result.ok) {
            expect(result.claims.idcUserId).toBe(idcUserId);
            expect(result.claims.userName).toBe(userName);
            expect([...result.claims.groupIds].sort()).toEqual(pairs.map((p) => p[0]).sort());
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
