import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isTipError } from '../../src/errors.js';
import { ACCESS_ROLE } from './support/emulator-config.js';
import { type ConnectorFixture, startConnectorFixture } from './support/fixture.js';
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
