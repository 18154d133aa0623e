import { CreateTokenWithIAMCommand, SSOOIDCClient } from '@aws-sdk/client-sso-oidc';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createEmulatorHandlers,
  DEMO,
  demoEmulatorConfig,
  type EmulatorHandlers,
} from '../../src/testing.js';

// msw listens before the emulator exists, so even the emulator's own issuer fetches (discovery, JWKS of
// the embedded IdP) go through msw and its passthrough handler.
const server = setupServer();
let emu: EmulatorHandlers;
const fetched: string[] = [];

beforeAll(async () => {
  server.listen({ onUnhandledRequest: 'error' });
  server.events.on('request:start', ({ request }) => fetched.push(new URL(request.url).host));
  emu = await createEmulatorHandlers(demoEmulatorConfig(), { quiet: true });
  server.use(...emu.handlers);
});
afterAll(async () => {
  server.close();
  await emu.close();
});

describe('handlers added after msw listens', () => {
  it('exchange a token whose issuer keys are fetched through the passthrough', async () => {
    const oidc = new SSOOIDCClient(emu.clientConfig());
    const out = await oidc.send(
      new CreateTokenWithIAMCommand({
        clientId: DEMO.applicationArn,
        grantType: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
        assertion: await emu.tokenFor('carol'),
      }),
    );
    expect(out.tokenType).toBe('Bearer');
    expect(typeof out.awsAdditionalDetails?.identityContext).toBe('string');
    const idp = new URL(emu.idp!.issuer).host;
    expect(fetched).toContain('oidc.us-east-1.amazonaws.com');
    expect(fetched.filter((h) => h === idp).length).toBeGreaterThanOrEqual(2);
    expect(emu.idp!.requests.jwks).toBeGreaterThanOrEqual(1);
  });

  it('refuses the exchange while the IdP JWKS is down, like IdC with an unreachable issuer', async () => {
    const fresh = await createEmulatorHandlers(demoEmulatorConfig(), { quiet: true });
    server.resetHandlers(...fresh.handlers);
    try {
      fresh.idp!.setJwksAvailable(false);
      const oidc = new SSOOIDCClient(fresh.clientConfig());
      const error = await oidc
        .send(
          new CreateTokenWithIAMCommand({
            clientId: DEMO.applicationArn,
            grantType: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
            assertion: await fresh.tokenFor('alice'),
          }),
        )
        .catch((e: { name: string }) => e);
      expect((error as { name: string }).name).toBe('InvalidGrantException');
    } finally {
      server.resetHandlers(...emu.handlers);
      await fresh.close();
    }
  });
});
