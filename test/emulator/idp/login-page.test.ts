import { createHash, randomBytes } from 'node:crypto';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedIdp, startIdp } from '../../../src/emulator/idp/index.js';

let idp: EmbeddedIdp;

beforeAll(async () => {
  idp = await startIdp({
    quiet: true,
    users: [{ userName: 'dave', email: 'dave@example.com', groups: ['g1'] }],
    clients: [
      { clientId: 'bi-connector', redirectUris: ['http://127.0.0.1/oauth/callback'] },
      { clientId: 'web-app', clientSecret: 'web-secret', redirectUris: ['https://app.example.com/cb'] },
    ],
  });
});

afterAll(async () => {
  await idp.stop();
});

/** A plain HTTP client with a cookie jar and manual redirects, like a minimal browser. */
class Browser {
  private readonly cookies = new Map<string, string>();

  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const res = await fetch(url, {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as Record<string, string>), cookie: this.cookieHeader() },
    });
    for (const line of res.headers.getSetCookie()) {
      const pair = line.split(';')[0]!;
      const eq = pair.indexOf('=');
      const value = pair.slice(eq + 1);
      if (value === '' || /max-age=0|expires=thu, 01 jan 1970/i.test(line))
        this.cookies.delete(pair.slice(0, eq));
      else this.cookies.set(pair.slice(0, eq), value);
    }
    return res;
  }

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  /** Follows redirects until a non-redirect answer or a URL starting with `stopAt`. */
  async follow(res: Response, base: string, stopAt: string): Promise<{ res?: Response; url: string }> {
    let current = res;
    let url = base;
    for (let i = 0; i < 10; i += 1) {
      const location = current.headers.get('location');
      if (current.status < 300 || current.status >= 400 || location === null) return { res: current, url };
      url = new URL(location, url).href;
      if (url.startsWith(stopAt)) return { url };
      current = await this.request(url);
    }
    throw new Error('redirect loop');
  }
}

function authorizeUrl(params: Record<string, string>): { url: string; verifier: string; state: string } {
  const verifier = randomBytes(32).toString('base64url');
  const state = randomBytes(8).toString('hex');
  const url = new URL(`${idp.issuer}/auth`);
  url.search = new URLSearchParams({
    response_type: 'code',
    scope: 'openid email profile reports:read',
    resource: 'urn:tip-sdk:audience:tip-sdk-demo',
    state,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    ...params,
  }).toString();
  return { url: url.href, verifier, state };
}

function formAction(html: string): string {
  const action = /<form method="post" action="([^"]+\/login)"/.exec(html)?.[1];
  expect(action).toBeDefined();
  return new URL(action!, idp.issuer).href;
}

async function openLoginPage(browser: Browser, params: Record<string, string>) {
  const flow = authorizeUrl(params);
  const first = await browser.request(flow.url);
  const { res, url } = await browser.follow(first, flow.url, 'never');
  expect(res?.status).toBe(200);
  expect(res?.headers.get('content-type')).toContain('text/html');
  expect(res?.headers.get('content-security-policy')).toContain("default-src 'none'");
  expect(url).toMatch(/\/interaction\/[\w-]+$/);
  return { ...flow, html: await res!.text() };
}

describe('the sign-in page', () => {
  it('can be fetched, filled and submitted by a plain HTTP client to complete a code + PKCE flow', async () => {
    const browser = new Browser();
    const redirectUri = 'http://127.0.0.1:7890/oauth/callback';
    const flow = await openLoginPage(browser, { client_id: 'bi-connector', redirect_uri: redirectUri });
    expect(flow.html).toContain('name="userName"');
    expect(flow.html).toContain('bi-connector');
    expect(flow.html).not.toContain('<script');

    const action = formAction(flow.html);
    const posted = await browser.request(action, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ userName: 'dave' }).toString(),
    });
    expect(posted.status).toBe(303);
    const { url } = await browser.follow(posted, action, redirectUri);
    const callback = new URL(url);
    expect(callback.searchParams.get('state')).toBe(flow.state);
    const code = callback.searchParams.get('code');
    expect(code).toEqual(expect.any(String));

    const tokenRes = await fetch(`${idp.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: code!,
        redirect_uri: redirectUri,
        client_id: 'bi-connector',
        code_verifier: flow.verifier,
      }),
    });
    expect(tokenRes.status).toBe(200);
    const tokens = (await tokenRes.json()) as { access_token: string; id_token: string };
    const jwks = createRemoteJWKSet(new URL(idp.jwksUri));
    const { payload } = await jwtVerify(tokens.access_token, jwks, {
      audience: 'tip-sdk-demo',
      typ: 'at+jwt',
    });
    expect(payload).toMatchObject({ sub: 'dave', email: 'dave@example.com', scope: 'reports:read' });
    expect((await jwtVerify(tokens.id_token, jwks, { audience: 'bi-connector' })).payload.email).toBe(
      'dave@example.com',
    );
  });

  it('re-renders the form with an escaped error for an unknown user name', async () => {
    const browser = new Browser();
    const flow = await openLoginPage(browser, {
      client_id: 'bi-connector',
      redirect_uri: 'http://127.0.0.1/oauth/callback',
    });
    const res = await browser.request(formAction(flow.html), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ userName: '"><script>alert(1)</script>' }).toString(),
    });
    expect(res.status).toBe(401);
    const html = await res.text();
    expect(html).toContain('Unknown user name.');
    expect(html).not.toContain('<script>');
    expect(html).toContain('&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('refuses an oversized or empty form without signing anyone in', async () => {
    const browser = new Browser();
    const flow = await openLoginPage(browser, {
      client_id: 'bi-connector',
      redirect_uri: 'http://127.0.0.1/oauth/callback',
    });
    const action = formAction(flow.html);
    const post = (body: string) =>
      browser.request(action, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
      });
    const huge = await post(`userName=dave&pad=${'x'.repeat(20_000)}`);
    expect(huge.status).toBe(413);
    expect(huge.headers.get('location')).toBeNull();
    const empty = await post('userName=');
    expect(empty.status).toBe(401);
    expect(await empty.text()).toContain('Enter a user name.');
    const wrongMethod = await browser.request(action);
    expect(wrongMethod.status).toBe(405);
  });

  it('sends the user back with access_denied on cancel', async () => {
    const browser = new Browser();
    const redirectUri = 'http://127.0.0.1/oauth/callback';
    const flow = await openLoginPage(browser, { client_id: 'bi-connector', redirect_uri: redirectUri });
    const abort = formAction(flow.html).replace(/\/login$/, '/abort');
    const res = await browser.request(abort, { method: 'POST' });
    const { url } = await browser.follow(res, abort, redirectUri);
    expect(new URL(url).searchParams.get('error')).toBe('access_denied');
  });

  it('answers an unknown or cookie-less interaction with an error page', async () => {
    const res = await fetch(`${idp.issuer}/interaction/does-not-exist`);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('expired or is unknown');
  });

  it('requires PKCE from public clients', async () => {
    const url = new URL(`${idp.issuer}/auth`);
    url.search = new URLSearchParams({
      client_id: 'bi-connector',
      response_type: 'code',
      scope: 'openid',
      redirect_uri: 'http://127.0.0.1/oauth/callback',
    }).toString();
    const res = await fetch(url, { redirect: 'manual' });
    const location = new URL(res.headers.get('location')!);
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.get('error_description')).toMatch(/PKCE/);
  });

  it('lets a confidential extra client finish the flow with its secret', async () => {
    const browser = new Browser();
    const redirectUri = 'https://app.example.com/cb';
    const flow = await openLoginPage(browser, { client_id: 'web-app', redirect_uri: redirectUri });
    const action = formAction(flow.html);
    const posted = await browser.request(action, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'userName=dave',
    });
    const { url } = await browser.follow(posted, action, redirectUri);
    const code = new URL(url).searchParams.get('code')!;
    const tokenRes = await fetch(`${idp.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: redirectUri,
        client_id: 'web-app',
        client_secret: 'web-secret',
        code_verifier: flow.verifier,
      }),
    });
    expect(tokenRes.status).toBe(200);
    const { access_token } = (await tokenRes.json()) as { access_token: string };
    const { payload } = await jwtVerify(access_token, createRemoteJWKSet(new URL(idp.jwksUri)));
    expect(payload).toMatchObject({ sub: 'dave', client_id: 'web-app', groups: ['g1'] });
  });
});
