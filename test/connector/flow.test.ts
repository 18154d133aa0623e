import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenCache } from '../../src/connector/token-cache/file-cache.js';
import { isTipError } from '../../src/errors.js';
import { ACCESS_ROLE } from './support/emulator-config.js';
import { type ConnectorFixture, expireSoon, startConnectorFixture } from './support/fixture.js';
import { httpBrowser } from './support/http-browser.js';

let fx: ConnectorFixture;
beforeAll(async () => {
  fx = await startConnectorFixture();
});
afterAll(async () => {
  await fx?.close();
});

describe('oidc profile: browser sign-in, then credentials', () => {
  it('signs in, exchanges, and serves identity-enhanced credentials the AWS SDK accepts', async () => {
    const browser = httpBrowser('alice');
    const { connector, events } = fx.connector(fx.oidcProfile(), { open: browser });
    const status = await connector.login();
    expect(status.signedIn).toBe(true);
    expect(status.user?.subject).toBe('alice');
    expect(browser.trace.last?.status).toBe(200);
    expect(browser.trace.last?.body).toContain('Signed in');
    expect(events.map((e) => e.type)).toContain('sign-in.succeeded');
    const creds = await connector.credentials();
    const sts = new STSClient({
      region: fx.emu.region,
      endpoint: fx.emu.url,
      credentials: connector.credentialProvider(),
    });
    const who = await sts.send(new GetCallerIdentityCommand({}));
    expect(who.Arn).toMatch(new RegExp(`:assumed-role/${ACCESS_ROLE.split('/').pop()}/`));
    expect(creds.expiration.getTime()).toBeGreaterThan(Date.now());
  });

  it('a new connector (another process) reads the cache without any AWS or IdP call', async () => {
    const before = fx.emu.counters.snapshot();
    const { connector } = fx.connector(fx.oidcProfile());
    await connector.credentials();
    const after = fx.emu.counters.snapshot();
    expect(after).toEqual(before);
  });

  it('without a cache, credentials ask for a sign-in (ERR_SIGN_IN_REQUIRED), never a browser', async () => {
    const { connector } = fx.connector(fx.oidcProfile({}, 'nobody'));
    const error = await connector.credentials().catch((e: unknown) => e);
    expect(isTipError(error, 'ERR_SIGN_IN_REQUIRED')).toBe(true);
  });
});

describe('Redshift driver tokens', () => {
  const calls = () => fx.emu.counters.get('GetIdentityCenterAuthToken');

  it('one GetIdentityCenterAuthToken per target, shared by the processes of the user through the cache', async () => {
    const profile = fx.oidcProfile({}, 'driver');
    await fx.connector(profile, { open: httpBrowser('alice') }).connector.login();
    const before = calls();
    const { connector, events } = fx.connector(fx.oidcProfile({}, 'driver'));
    const token = await connector.redshiftToken({ workgroupName: 'analytics' });
    expect(token.expiresAt).toBeGreaterThan(Date.now() + 60_000);
    expect(events).toContainEqual({ type: 'refresh.succeeded', profile: 'driver', via: 'role-credentials' });
    // Other processes (new connectors on the same cache), two at once: served from the cache.
    const again = await Promise.all(
      [1, 2].map(() =>
        fx.connector(fx.oidcProfile({}, 'driver')).connector.redshiftToken({ workgroupName: 'analytics' }),
      ),
    );
    expect(again.map((t) => t.token)).toEqual([token.token, token.token]);
    expect(calls() - before).toBe(1);
    // Another target has its own token; the first stays cached beside it.
    const cluster = await connector.redshiftToken({ clusterIdentifier: 'analytics-cluster' });
    expect(cluster.token).not.toBe(token.token);
    expect((await connector.redshiftToken({ workgroupName: 'analytics' })).token).toBe(token.token);
    expect(calls() - before).toBe(2);
  });

  it('two processes missing the same token at once ask Redshift once (the profile lock)', async () => {
    const profile = fx.oidcProfile({}, 'driver-race');
    await fx.connector(profile, { open: httpBrowser('bob') }).connector.login();
    const before = calls();
    const tokens = await Promise.all(
      [1, 2, 3].map(() =>
        fx
          .connector(fx.oidcProfile({}, 'driver-race'))
          .connector.redshiftToken({ workgroupName: 'analytics' }),
      ),
    );
    expect(new Set(tokens.map((t) => t.token)).size).toBe(1);
    expect(calls() - before).toBe(1);
  });

  it('a token cached with other role credentials is not used: renewed credentials get a new one', async () => {
    const profile = fx.oidcProfile({}, 'driver-renew');
    await fx.connector(profile, { open: httpBrowser('alice') }).connector.login();
    const first = await fx.connector(profile).connector.redshiftToken({ workgroupName: 'analytics' });
    await expireSoon(fx.dir, 'driver-renew', 60_000, false);
    const { connector } = fx.connector(fx.oidcProfile({}, 'driver-renew'));
    // Credentials that are due do not retire a token issued with them: it is good until its own expiry.
    expect((await connector.redshiftToken({ workgroupName: 'analytics' })).token).toBe(first.token);
    const renewed = await connector.credentials();
    const before = calls();
    const second = await connector.redshiftToken({ workgroupName: 'analytics' });
    expect(second.token).not.toBe(first.token);
    expect(calls() - before).toBe(1);
    const { record } = await createTokenCache({ dir: fx.dir, keychain: false }).read('driver-renew');
    expect(record?.redshift?.map((t) => [t.target, t.accessKeyId])).toEqual([
      ['workgroup:analytics', renewed.accessKeyId],
    ]);
  });

  it.each([
    ['no target', {}],
    ['both', { workgroupName: 'analytics', clusterIdentifier: 'analytics-cluster' }],
    ['upper case', { workgroupName: 'Analytics' }],
    ['a path', { clusterIdentifier: '../x' }],
    ['not a string', { workgroupName: 7 }],
  ])('refuses a target with %s (ERR_INVALID_OPTION), before any call', async (_, target) => {
    const before = fx.emu.counters.snapshot();
    const { connector } = fx.connector(fx.oidcProfile({}, 'driver'));
    const error = await connector.redshiftToken(target as never).catch((e: unknown) => e);
    expect((error as { code?: string }).code).toBe('ERR_INVALID_OPTION');
    expect(fx.emu.counters.snapshot()).toEqual(before);
  });
});

describe('oidc sign-in refusals', () => {
  it('an IdP error response (the user cancels) is ERR_SIGN_IN_FAILED with the error, and caches nothing', async () => {
    const { connector, events } = fx.connector(fx.oidcProfile({}, 'cancelled'), {
      open: httpBrowser('alice', { cancel: true }),
    });
    const error = await connector.login().catch((e: unknown) => e);
    expect(isTipError(error, 'ERR_SIGN_IN_FAILED')).toBe(true);
    expect((error as { details: { error?: string } }).details.error).toBe('access_denied');
    expect(events).toContainEqual({ type: 'sign-in.failed', flow: 'oidc', code: 'ERR_SIGN_IN_FAILED' });
    expect((await connector.status()).signedIn).toBe(false);
  });

  it('a browser that cannot be opened fails the sign-in at once', async () => {
    const { connector } = fx.connector(fx.oidcProfile({}, 'nobrowser'), {
      open: () => Promise.reject(new Error('no display')),
    });
    await expect(connector.login()).rejects.toThrow('no display');
  });
});

describe('refresh-token-first renewal', () => {
  it('renews due credentials with the IdP refresh token and one exchange, no browser', async () => {
    const profile = fx.oidcProfile({}, 'renew');
    await fx.connector(profile, { open: httpBrowser('bob') }).connector.login();
    const idpTokens = fx.emu.idp!.requests.token;
    const exchanges = fx.emu.counters.get('sso-oauth:CreateTokenWithIAM');
    await expireSoon(fx.dir, 'renew', 60_000, false);
    const { connector, events } = fx.connector(fx.oidcProfile({}, 'renew'), {
      open: () => Promise.reject(new Error('the browser must not open')),
    });
    const creds = await connector.credentials();
    expect(creds.expiration.getTime() - Date.now()).toBeGreaterThan(3500_000);
    expect(fx.emu.idp!.requests.token - idpTokens).toBe(1);
    expect(fx.emu.counters.get('sso-oauth:CreateTokenWithIAM') - exchanges).toBe(1);
    expect(events).toContainEqual({ type: 'refresh.succeeded', profile: 'renew', via: 'idp-refresh-token' });
  });

  it('a refused IdP refresh token means ERR_SIGN_IN_REQUIRED, and it is forgotten', async () => {
    const profile = fx.oidcProfile({}, 'revoked');
    const { connector } = fx.connector(profile, { open: httpBrowser('alice') });
    await connector.login();
    await expireSoon(fx.dir, 'revoked', 60_000, false);
    const due = fx.connector(fx.oidcProfile({}, 'revoked'), {
      fetch: async (input, init) => {
        const url = String(input instanceof Request ? input.url : input);
        if (url.endsWith('/token')) {
          return new Response(
            JSON.stringify({ error: 'invalid_grant', error_description: 'grant revoked' }),
            {
              status: 400,
              headers: { 'content-type': 'application/json' },
            },
          );
        }
        return fetch(input, init);
      },
    }).connector;
    const first = await due.credentials().catch((e: unknown) => e);
    expect(isTipError(first, 'ERR_SIGN_IN_REQUIRED')).toBe(true);
    expect((first as { details: { reason?: string } }).details.reason).toBe('refresh_refused');
    const status = await due.status();
    expect(status.canRefresh).toBe(false);
  });
});

describe('idc profile: IAM Identity Center sign-in', () => {
  it('registers a client, signs in at /authorize with PKCE, and returns an IdC access token', async () => {
    const registered = fx.emu.counters.get('sso-oauth:RegisterClient');
    const browser = httpBrowser('alice');
    const { connector } = fx.connector(fx.idcProfile(), { open: browser });
    await connector.login();
    expect(browser.trace.urls.some((u) => new URL(u).pathname === '/authorize')).toBe(true);
    const token = await connector.idcAccessToken();
    expect(token.token).toMatch(/^aoa/);
    expect(fx.emu.counters.get('sso-oauth:RegisterClient') - registered).toBe(1);
    // The registered client is reused by the next sign-in.
    await fx.connector(fx.idcProfile(), { open: httpBrowser('alice') }).connector.login();
    expect(fx.emu.counters.get('sso-oauth:RegisterClient') - registered).toBe(1);
  });

  it('renews with CreateToken refresh_token, silently', async () => {
    const before = fx.emu.counters.get('sso-oauth:CreateToken');
    await expireSoon(fx.dir, 'idc', 60_000, false);
    const { connector, events } = fx.connector(fx.idcProfile(), {
      open: () => Promise.reject(new Error('the browser must not open')),
    });
    const token = await connector.idcAccessToken();
    expect(token.token).toMatch(/^aoa/);
    expect(fx.emu.counters.get('sso-oauth:CreateToken') - before).toBe(1);
    expect(events).toContainEqual({ type: 'refresh.succeeded', profile: 'idc', via: 'idc-refresh-token' });
  });

  it('a cancelled sign-in is ERR_SIGN_IN_FAILED with the IdC error', async () => {
    const { connector } = fx.connector(fx.idcProfile({}, 'idc-cancel'), {
      open: httpBrowser('alice', { cancel: true }),
    });
    const error = await connector.login().catch((e: unknown) => e);
    expect(isTipError(error, 'ERR_SIGN_IN_FAILED')).toBe(true);
    expect((error as { details: { error?: string } }).details.error).toBe('access_denied');
  });
});
