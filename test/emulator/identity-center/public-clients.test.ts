/**
 * IAM Identity Center's own sign-in in the emulator, through the real SSO OIDC client: RegisterClient,
 * the /authorize page, CreateToken — and what each refuses.
 */
import { createHash, randomBytes } from 'node:crypto';
import { CreateTokenCommand, RegisterClientCommand, SSOOIDCClient } from '@aws-sdk/client-sso-oidc';
import fc from 'fast-check';
import { anyJsonValue } from '../../support/code-points.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../../src/emulator/start.js';
import { connectorEmulatorConfig, IDC_ISSUER_URL } from '../../connector/support/emulator-config.js';

let emu: RunningEmulator;
let oidc: SSOOIDCClient;
const REDIRECT = 'http://127.0.0.1/callback';

beforeAll(async () => {
  emu = await startEmulator(connectorEmulatorConfig(), { port: 0, quiet: true });
  oidc = new SSOOIDCClient({ region: emu.region, endpoint: emu.url, maxAttempts: 1 });
});
afterAll(async () => {
  oidc?.destroy();
  await emu?.stop();
});

async function register(overrides: Record<string, unknown> = {}) {
  return oidc.send(
    new RegisterClientCommand({
      clientName: 'test',
      clientType: 'public',
      scopes: ['redshift:connect'],
      grantTypes: ['authorization_code', 'refresh_token'],
      redirectUris: [REDIRECT],
      issuerUrl: IDC_ISSUER_URL,
      ...overrides,
    }),
  );
}

/** Runs the /authorize step by HTTP; returns the redirect's query. */
async function authorize(clientId: string, userName: string, params: Record<string, string> = {}) {
  const verifier = randomBytes(32).toString('base64url');
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: 'http://127.0.0.1:9999/callback',
    state: 'st',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    scopes: 'redshift:connect',
    ...params,
  });
  const page = await fetch(`${emu.url}/authorize?${query}`, { redirect: 'manual' });
  const html = await page.text();
  const early = page.headers.get('location');
  if (page.status !== 200)
    return { status: page.status, html, verifier, location: early === null ? undefined : new URL(early) };
  const form = new URLSearchParams(query);
  form.set('userName', userName);
  form.set('action', 'allow');
  const done = await fetch(`${emu.url}/authorize`, {
    method: 'POST',
    body: form,
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  const location = done.headers.get('location');
  return {
    status: done.status,
    html: location === null ? await done.text() : '',
    verifier,
    location: location === null ? undefined : new URL(location),
  };
}

describe('RegisterClient', () => {
  it('registers a public client, unsigned, with a 90-day secret', async () => {
    const out = await register();
    expect(out.clientId).toBeDefined();
    expect((out.clientSecretExpiresAt ?? 0) - Date.now() / 1000).toBeGreaterThan(89 * 86_400);
    expect(emu.counters.get('sso-oauth:RegisterClient')).toBeGreaterThan(0);
  });

  it.each([
    ['a confidential client type', { clientType: 'confidential' }, 'InvalidClientMetadataException'],
    [
      'an http redirect that is not loopback',
      { redirectUris: ['http://evil.example/cb'] },
      'InvalidRedirectUriException',
    ],
    [
      'another instance issuer',
      { issuerUrl: 'https://identitycenter.amazonaws.com/ssoins-0000000000000000' },
      'InvalidRequestException',
    ],
    ['a scope no application has', { scopes: ['codewhisperer:completions'] }, 'InvalidScopeException'],
    ['an unknown grant type', { grantTypes: ['password'] }, 'UnsupportedGrantTypeException'],
  ])('refuses %s', async (_name, overrides, code) => {
    await expect(register(overrides)).rejects.toMatchObject({ name: code });
  });
});

describe('/authorize and CreateToken', () => {
  it('signs an assigned user in on any loopback port, and the code yields an IdC access token once', async () => {
    const client = await register();
    const auth = await authorize(client.clientId as string, 'alice');
    expect(auth.location?.searchParams.get('state')).toBe('st');
    const code = auth.location?.searchParams.get('code') as string;
    const input = {
      clientId: client.clientId,
      clientSecret: client.clientSecret,
      grantType: 'authorization_code',
      code,
      redirectUri: 'http://127.0.0.1:9999/callback',
      codeVerifier: auth.verifier,
    };
    const tokens = await oidc.send(new CreateTokenCommand(input));
    expect(tokens.accessToken).toMatch(/^aoa/);
    expect(tokens.refreshToken).toBeDefined();
    // A code is single-use.
    await expect(oidc.send(new CreateTokenCommand(input))).rejects.toMatchObject({
      name: 'InvalidGrantException',
    });
    const refreshed = await oidc.send(
      new CreateTokenCommand({
        clientId: client.clientId,
        clientSecret: client.clientSecret,
        grantType: 'refresh_token',
        refreshToken: tokens.refreshToken,
      }),
    );
    expect(refreshed.accessToken).toMatch(/^aoa/);
  });

  it('refuses a wrong verifier, a wrong secret, another redirect URI, and another client', async () => {
    const client = await register();
    const other = await register();
    const base = { grantType: 'authorization_code', redirectUri: 'http://127.0.0.1:9999/callback' };
    const fresh = async () => authorize(client.clientId as string, 'alice');
    let a = await fresh();
    await expect(
      oidc.send(
        new CreateTokenCommand({
          ...base,
          clientId: client.clientId,
          clientSecret: client.clientSecret,
          code: a.location?.searchParams.get('code') as string,
          codeVerifier: 'x'.repeat(43),
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidGrantException' });
    a = await fresh();
    await expect(
      oidc.send(
        new CreateTokenCommand({
          ...base,
          clientId: client.clientId,
          clientSecret: 'wrong',
          code: a.location?.searchParams.get('code') as string,
          codeVerifier: a.verifier,
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidClientException' });
    a = await fresh();
    await expect(
      oidc.send(
        new CreateTokenCommand({
          ...base,
          redirectUri: 'http://127.0.0.1:1/callback',
          clientId: client.clientId,
          clientSecret: client.clientSecret,
          code: a.location?.searchParams.get('code') as string,
          codeVerifier: a.verifier,
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidGrantException' });
    a = await fresh();
    await expect(
      oidc.send(
        new CreateTokenCommand({
          ...base,
          clientId: other.clientId,
          clientSecret: other.clientSecret,
          code: a.location?.searchParams.get('code') as string,
          codeVerifier: a.verifier,
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidGrantException' });
  });

  it('never redirects for an unknown client or an unregistered redirect URI', async () => {
    const client = await register();
    for (const [id, params] of [
      ['nope', {}],
      [client.clientId as string, { redirect_uri: 'https://evil.example/cb' }],
      [client.clientId as string, { redirect_uri: 'http://127.0.0.1:9999/other' }],
    ] as const) {
      const result = await authorize(id, 'alice', params);
      expect(result.status).toBe(400);
      expect(result.location).toBeUndefined();
    }
  });

  it('redirects with an OAuth error for a missing PKCE challenge or an unregistered scope', async () => {
    const client = await register();
    const noPkce = await fetch(
      `${emu.url}/authorize?${new URLSearchParams({ response_type: 'code', client_id: client.clientId as string, redirect_uri: REDIRECT, state: 's' })}`,
      { redirect: 'manual' },
    );
    expect(new URL(noPkce.headers.get('location') as string).searchParams.get('error')).toBe(
      'invalid_request',
    );
    const scope = await authorize(client.clientId as string, 'alice', { scopes: 'sts:identity_context' });
    expect(scope.status).toBe(302);
    expect(scope.location?.searchParams.get('error')).toBe('invalid_scope');
    expect(scope.location?.searchParams.get('state')).toBe('st');
    expect(scope.location?.searchParams.get('code')).toBeNull();
  });

  it('an unassigned or unknown user is shown the form again, with no code', async () => {
    const client = await register();
    for (const user of ['mallory', 'nobody']) {
      const result = await authorize(client.clientId as string, user);
      expect(result.status).toBe(401);
      expect(result.location).toBeUndefined();
    }
  });
});

describe('hostile input (properties)', () => {
  it('any /authorize query is answered with a page or a redirect, never a crash', async () => {
    const client = await register();
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(
          fc.constantFrom(
            'response_type',
            'client_id',
            'redirect_uri',
            'state',
            'code_challenge',
            'code_challenge_method',
            'scopes',
            'x',
          ),
          fc.oneof(
            fc.string({ maxLength: 80 }),
            fc.constant(client.clientId as string),
            fc.constant('http://127.0.0.1:1/callback'),
          ),
        ),
        async (params) => {
          const res = await fetch(`${emu.url}/authorize?${new URLSearchParams(params)}`, {
            redirect: 'manual',
          });
          await res.arrayBuffer();
          expect([200, 302, 400]).toContain(res.status);
          if (res.status === 302)
            expect(res.headers.get('location')).toMatch(/^http:\/\/127\.0\.0\.1(:\d+)?\/callback\?/);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('any body to the IdP development token endpoint is answered with a JSON status, never a crash', async () => {
    const url = `${emu.idp?.issuer}/dev/token`;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 200 }),
          anyJsonValue().map((v) => JSON.stringify(v)),
        ),
        async (body) => {
          const res = await fetch(url, {
            method: 'POST',
            body,
            headers: { 'content-type': 'application/json' },
          });
          await res.arrayBuffer();
          expect([200, 400, 404, 413]).toContain(res.status);
        },
      ),
      { numRuns: 40 },
    );
  });
});
