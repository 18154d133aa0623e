import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { validateEmulatorConfig } from '../../../src/emulator/config/validate.js';
import { findUserByAttribute, findUserById } from '../../../src/emulator/identity-center/directory.js';
import { ssoOidcService } from '../../../src/emulator/identity-center/service.js';
import {
  type Grant,
  TOKEN_STORE_DEFAULTS,
  TokenStore,
} from '../../../src/emulator/identity-center/tokens.js';

const NOW = 1_700_000_000_000;
const grant = (expiresAt: number): Grant => ({
  userId: 'u-1',
  applicationArn: 'arn:aws:sso::123456789012:application/ssoins-1/apl-1',
  scopes: ['openid'],
  authTime: NOW,
  expiresAt,
});

describe('TokenStore retention', () => {
  it('keeps an expired token within the retention, so it is told apart from an unknown one', () => {
    const store = new TokenStore({ expiredRetentionMs: 60_000 });
    const token = store.issueAccessToken(grant(NOW - 1), NOW);
    for (let i = 0; i < 2000; i++) store.issueAccessToken(grant(NOW + 3_600_000), NOW + 30_000);
    expect(store.accessToken(token)?.expiresAt).toBe(NOW - 1);
  });

  it('forgets tokens expired beyond the retention once enough newer ones were issued', () => {
    const store = new TokenStore({ expiredRetentionMs: 60_000 });
    const old = store.issueAccessToken(grant(NOW - 1), NOW);
    const live = store.issueAccessToken(grant(NOW + 3_600_000), NOW);
    for (let i = 0; i < 2000; i++) store.issueAccessToken(grant(NOW + 3_600_000), NOW + 120_000);
    expect(store.accessToken(old)).toBeUndefined();
    expect(store.accessToken(live)?.userId).toBe('u-1');
  });

  it('remembers at most maxTokens per kind, forgetting the oldest first', () => {
    const store = new TokenStore({ maxTokens: 3 });
    const tokens = Array.from({ length: 5 }, () => store.issueRefreshToken(grant(NOW + 3_600_000), NOW));
    expect(tokens.map((t) => store.refreshToken(t) !== undefined)).toEqual([false, false, true, true, true]);
    // Access tokens are a separate kind with their own limit.
    const access = store.issueAccessToken(grant(NOW + 3_600_000), NOW);
    expect(store.accessToken(access)).toBeDefined();
    expect(store.refreshToken(tokens[4]!)).toBeDefined();
  });

  it('keeps a jti until its assertion expires, and refuses its reuse until then', () => {
    const store = new TokenStore();
    store.recordJti('https://idp', 'j-1', NOW + 1000, NOW);
    for (let i = 0; i < 3000; i++) store.recordJti('https://idp', `k-${i}`, NOW + 3_600_000, NOW + 500);
    expect(store.jtiUsed('https://idp', 'j-1')).toBe(true);
    expect(store.jtiUsed('https://other', 'j-1')).toBe(false);
    for (let i = 0; i < 6000; i++) store.recordJti('https://idp', `m-${i}`, NOW + 3_600_000, NOW + 2000);
    expect(store.jtiUsed('https://idp', 'j-1')).toBe(false);
    expect(store.jtiUsed('https://idp', 'k-0')).toBe(true);
  });

  it('forgets exactly the oldest past maxTokens over many drops, taken codes and sweeps between them', () => {
    const store = new TokenStore({ maxTokens: 50, expiredRetentionMs: 1 });
    const issued: string[] = [];
    for (let i = 0; i < 5000; i++) {
      issued.push(store.issueRefreshToken(grant(NOW + 3_600_000), NOW));
      // Codes come and go in their own kind: taking one leaves a place behind in its order.
      const code = store.issueCode({ ...grant(NOW + 60_000), clientId: 'c', redirectUri: 'r' } as never, NOW);
      if (i % 3 === 0) expect(store.takeCode(code)).toBeDefined();
    }
    const held = issued.map((t) => store.refreshToken(t) !== undefined);
    expect(held.slice(-50).every(Boolean)).toBe(true);
    expect(held.slice(0, -50).some(Boolean)).toBe(false);
  });

  it('remembers at most maxJtis assertion ids, the oldest forgotten first', () => {
    const store = new TokenStore({ maxJtis: 2 });
    for (const j of ['a', 'b', 'c']) store.recordJti('https://idp', j, NOW + 3_600_000, NOW);
    expect(['a', 'b', 'c'].map((j) => store.jtiUsed('https://idp', j))).toEqual([false, true, true]);
  });

  it('refuses limits that are not positive integers, at construction', () => {
    for (const bad of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => new TokenStore({ maxTokens: bad })).toThrow(/maxTokens.*positive integer/);
      expect(() => ssoOidcService({ maxJtis: bad })).toThrow(/maxJtis.*positive integer/);
    }
    expect(TOKEN_STORE_DEFAULTS).toEqual({
      maxTokens: 100_000,
      expiredRetentionMs: 86_400_000,
      maxJtis: 1_000_000,
    });
  });
});

describe('identity store lookups', () => {
  const example = JSON.parse(readFileSync('examples/emulator.config.json', 'utf8'));
  example.identityCenter.users = [
    { userName: 'alice', email: 'shared@example.com' },
    { userName: 'bob', email: 'shared@example.com' },
    { userName: 'carol', email: 'carol@example.com' },
  ];
  const config = validateEmulatorConfig(example);

  it('finds one user, none, or reports how many share the value', () => {
    const carol = findUserByAttribute(config, 'emails.value', 'carol@example.com');
    expect(carol.kind === 'one' && carol.user.userName).toBe('carol');
    expect(findUserByAttribute(config, 'userName', 'Carol')).toEqual({ kind: 'none' });
    expect(findUserByAttribute(config, 'userName', '__proto__')).toEqual({ kind: 'none' });
    expect(findUserByAttribute(config, 'emails.value', 'shared@example.com')).toEqual({
      kind: 'many',
      count: 2,
    });
    const bob = findUserByAttribute(config, 'userName', 'bob');
    expect(bob.kind === 'one' && findUserById(config, bob.user.userId)?.userName).toBe('bob');
    expect(findUserById(config, 'no-such-id')).toBeUndefined();
  });
});
