import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeHtml, loginPage } from '../../../src/emulator/idp/login-page.js';
import { IdpMemoryStore, MAX_STORE_ENTRIES } from '../../../src/emulator/idp/memory-store.js';
import { resolveIdpOptions } from '../../../src/emulator/idp/options.js';
import { audienceFor, resourceIndicatorFor, resourceScopesIn } from '../../../src/emulator/idp/resources.js';
import type { IdpOptions } from '../../../src/emulator/idp/types.js';

const alice = { userName: 'alice', email: 'alice@example.com' };

describe('resolveIdpOptions', () => {
  it('applies the documented defaults', () => {
    const resolved = resolveIdpOptions({ users: [alice] });
    expect(resolved).toMatchObject({
      port: 0,
      host: '127.0.0.1',
      audience: 'tip-sdk-demo',
      accessTokenTtlSeconds: 600,
      quiet: false,
      clients: [],
    });
    expect([...resolved.users.keys()]).toEqual(['alice']);
  });

  const bad: [string, unknown, RegExp][] = [
    ['no options', undefined, /`options`/],
    ['users not an array', { users: 'alice' }, /`users`/],
    ['user not an object', { users: [null] }, /`users\[0\]`/],
    ['empty user name', { users: [{ userName: ' ', email: 'a@b' }] }, /`users\[0\]\.userName`/],
    ['missing email', { users: [{ userName: 'a' }] }, /`users\[0\]\.email`/],
    ['duplicate user', { users: [alice, alice] }, /`users\[1\]\.userName` repeats/],
    ['groups not strings', { users: [{ ...alice, groups: [1] }] }, /`users\[0\]\.groups\[0\]`/],
    ['groups not an array', { users: [{ ...alice, groups: 'g' }] }, /`users\[0\]\.groups`/],
    ['port out of range', { users: [], port: 70000 }, /`port`/],
    ['port fractional', { users: [], port: 1.5 }, /`port`/],
    ['ttl zero', { users: [], accessTokenTtlSeconds: 0 }, /`accessTokenTtlSeconds`/],
    ['ttl NaN', { users: [], accessTokenTtlSeconds: Number.NaN }, /`accessTokenTtlSeconds`/],
    ['empty audience', { users: [], audience: '' }, /`audience`/],
    ['quiet not boolean', { users: [], quiet: 'yes' }, /`quiet`/],
    ['clients not an array', { users: [], clients: {} }, /`clients`/],
    ['reserved client id', { users: [], clients: [{ clientId: 'tip-sdk-user' }] }, /reserves/],
    ['duplicate client id', { users: [], clients: [{ clientId: 'x' }, { clientId: 'x' }] }, /repeats/],
    [
      'redirect not string',
      { users: [], clients: [{ clientId: 'x', redirectUris: [5] }] },
      /redirectUris\[0\]/,
    ],
  ];
  it.each(bad)('rejects %s with a TypeError naming the option', (_name, options, message) => {
    expect(() => resolveIdpOptions(options as IdpOptions)).toThrow(TypeError);
    expect(() => resolveIdpOptions(options as IdpOptions)).toThrow(message);
  });
});

describe('resource indicators', () => {
  it('keeps absolute URIs and wraps other audiences in a URN', () => {
    expect(resourceIndicatorFor('https://api.example.com/')).toBe('https://api.example.com/');
    expect(resourceIndicatorFor('tip-sdk-demo')).toBe('urn:tip-sdk:audience:tip-sdk-demo');
    expect(resourceIndicatorFor('https://x.example/#frag')).toBe(
      `urn:tip-sdk:audience:${encodeURIComponent('https://x.example/#frag')}`,
    );
    expect(audienceFor('urn:tip-sdk:audience:%E0%A4%A')).toBe('urn:tip-sdk:audience:%E0%A4%A');
  });

  it('round-trips every audience and always yields an absolute URI without a fragment', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 80 }), (audience) => {
        const indicator = resourceIndicatorFor(audience);
        expect(audienceFor(indicator)).toBe(audience);
        expect(() => new URL(indicator)).not.toThrow();
        expect(indicator.includes('#')).toBe(false);
      }),
    );
  });

  it('treats only non-OpenID scopes as resource scopes, always with the default one', () => {
    expect([...resourceScopesIn('openid email a:b  c', undefined, 42, 'offline_access groups d')]).toEqual([
      'tip:read',
      'a:b',
      'c',
      'd',
    ]);
  });
});

describe('login page HTML', () => {
  it('escapes every HTML-significant character', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const escaped = escapeHtml(text);
        expect(escaped).not.toMatch(/[<>"']/);
        const decoded = escaped
          .replaceAll('&lt;', '<')
          .replaceAll('&gt;', '>')
          .replaceAll('&quot;', '"')
          .replaceAll('&#39;', "'")
          .replaceAll('&amp;', '&');
        expect(decoded).toBe(text);
      }),
    );
  });

  it('never lets client id, user name or uid break out of the markup', () => {
    const hostile = '"><img src=x onerror=alert(1)>';
    const html = loginPage({ uid: hostile, clientId: hostile, userName: hostile, error: hostile });
    expect(html).not.toContain('<img');
    expect(html).toContain(`action="/interaction/${encodeURIComponent(hostile)}/login"`);
  });
});

describe('IdpMemoryStore', () => {
  it('stores per model, finds by uid, consumes, expires and revokes by grant', async () => {
    const store = new IdpMemoryStore();
    const sessions = store.adapterFactory('Session');
    const codes = store.adapterFactory('AuthorizationCode');
    await sessions.upsert('s1', { uid: 'u1', accountId: 'alice' }, 60);
    await codes.upsert('s1', { grantId: 'g1' }, 60);
    await codes.upsert('c2', { grantId: 'g2' }, 60);
    await codes.upsert('gone', { grantId: 'g3' }, -1);

    expect(await sessions.find('s1')).toMatchObject({ accountId: 'alice' });
    expect(await sessions.findByUid('u1')).toMatchObject({ accountId: 'alice' });
    expect(await sessions.findByUid('nope')).toBeUndefined();
    expect(await codes.find('gone')).toBeUndefined();

    const copy = await codes.find('s1');
    if (copy) copy.grantId = 'changed';
    expect((await codes.find('s1'))?.grantId).toBe('g1');

    await codes.consume('c2');
    expect((await codes.find('c2'))?.consumed).toEqual(expect.any(Number));

    await codes.revokeByGrantId('g1');
    expect(await codes.find('s1')).toBeUndefined();
    expect(await sessions.find('s1')).toBeDefined();
    await sessions.destroy('s1');
    expect(await sessions.find('s1')).toBeUndefined();
  });
});

describe('IdpMemoryStore bound', () => {
  it('keeps at most MAX_STORE_ENTRIES entries, dropping the oldest writes first', async () => {
    const store = new IdpMemoryStore();
    const grants = store.adapterFactory('Grant');
    for (let i = 0; i <= MAX_STORE_ENTRIES; i += 1) await grants.upsert(`g${i}`, { accountId: 'a' }, 60);
    expect(store.size).toBe(MAX_STORE_ENTRIES);
    expect(await grants.find('g0')).toBeUndefined();
    expect(await grants.find('g1')).toBeDefined();
    expect(await grants.find(`g${MAX_STORE_ENTRIES}`)).toBeDefined();
  });
});
