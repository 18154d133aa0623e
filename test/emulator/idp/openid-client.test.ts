import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedIdp, resourceIndicatorFor, startIdp } from '../../../src/emulator/idp/index.js';

let idp: EmbeddedIdp;

beforeAll(async () => {
  idp = await startIdp({ quiet: true, users: [{ userName: 'gina', email: 'gina@example.com' }] });
});

afterAll(async () => {
  await idp.stop();
});

/** Drives the IdP's own pages from an authorization URL to the redirect, like a user in a browser. */
async function signInAs(userName: string, authorizationUrl: URL, redirectUri: string): Promise<URL> {
  const cookies = new Map<string, string>();
  let url = authorizationUrl.href;
  let init: RequestInit = {};
  for (let step = 0; step < 10; step += 1) {
    const header = [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(url, {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as object), cookie: header },
    });
    for (const line of res.headers.getSetCookie()) {
      const pair = line.split(';')[0]!;
      const eq = pair.indexOf('=');
      cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    const location = res.headers.get('location');
    if (location !== null) {
      url = new URL(location, url).href;
      init = {};
      if (url.startsWith(redirectUri)) return new URL(url);
      continue;
    }
    const html = await res.text();
    const action = /action="([^"]+\/login)"/.exec(html)?.[1];
    if (action === undefined) throw new Error(`unexpected page ${res.status}`);
    url = new URL(action, url).href;
    init = {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ userName }).toString(),
    };
  }
  throw new Error('no redirect');
}

describe('interoperability with openid-client', () => {
  it('discovers the IdP and runs client_credentials with client_secret_post', async () => {
    const config = await client.discovery(
      new URL(idp.issuer),
      idp.serviceClient.clientId,
      undefined,
      client.ClientSecretPost(idp.serviceClient.clientSecret),
      { execute: [client.allowInsecureRequests] },
    );
    const tokens = await client.clientCredentialsGrant(config, {
      scope: 'tip:read',
      resource: resourceIndicatorFor('tip-sdk-demo'),
    });
    const { payload } = await jwtVerify(tokens.access_token, createRemoteJWKSet(new URL(idp.jwksUri)), {
      issuer: idp.issuer,
      audience: 'tip-sdk-demo',
      typ: 'at+jwt',
    });
    expect(payload.client_id).toBe(idp.serviceClient.clientId);
  });

  it('runs authorization code + PKCE with the public user client on any loopback port', async () => {
    const config = await client.discovery(
      new URL(idp.issuer),
      idp.userClient.clientId,
      undefined,
      client.None(),
      {
        execute: [client.allowInsecureRequests],
      },
    );
    const redirectUri = 'http://127.0.0.1:53682/callback';
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: 'openid email profile tip:read',
      resource: resourceIndicatorFor('tip-sdk-demo'),
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    const callback = await signInAs('gina', url, redirectUri);
    const tokens = await client.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier,
      expectedState: state,
      expectedNonce: nonce,
    });
    expect(tokens.claims()).toMatchObject({ sub: 'gina', email: 'gina@example.com', name: 'gina' });
    const { payload } = await jwtVerify(tokens.access_token, createRemoteJWKSet(new URL(idp.jwksUri)), {
      audience: 'tip-sdk-demo',
    });
    expect(payload).toMatchObject({ sub: 'gina', email: 'gina@example.com', scope: 'tip:read' });
  });
});
