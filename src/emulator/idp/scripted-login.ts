/**
 * A scripted user sign-in: a real authorization code + PKCE flow over HTTP against the running IdP,
 * answering the sign-in form like a browser would, with its own cookie jar and manual redirects.
 */
import { createHash, randomBytes } from 'node:crypto';

/** The most redirects one flow may follow before it is treated as a loop. */
const MAX_STEPS = 12;

/** The parameters of one scripted sign-in. */
export interface ScriptedLoginInput {
  readonly issuer: string;
  readonly clientId: string;
  readonly redirectUri: string;
  readonly userName: string;
  readonly scope: string;
  readonly resource: string;
  readonly nonce?: string;
}

/** The token endpoint's answer. */
export interface TokenResponse {
  readonly access_token: string;
  readonly id_token?: string;
  readonly refresh_token?: string;
  readonly token_type: string;
  readonly expires_in?: number;
  readonly scope?: string;
}

class CookieJar {
  private readonly cookies = new Map<string, string>();

  store(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((a) => {
        const [key = '', val = ''] = a.trim().split('=');
        if (key.toLowerCase() === 'max-age') return Number(val) <= 0;
        if (key.toLowerCase() === 'expires') return Date.parse(val) <= Date.now();
        return false;
      });
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

function flowError(step: string, status: number, body: string): Error {
  return new Error(
    `embedded IdP: scripted sign-in failed at ${step} (HTTP ${status}): ${body.slice(0, 200)}`,
  );
}

/** Runs the sign-in and the code exchange; returns the token response. */
export async function scriptedLogin(input: ScriptedLoginInput): Promise<TokenResponse> {
  const jar = new CookieJar();
  const verifier = randomBytes(32).toString('base64url');
  const state = randomBytes(16).toString('base64url');
  const authorize = new URL(`${input.issuer}/auth`);
  authorize.search = new URLSearchParams({
    client_id: input.clientId,
    response_type: 'code',
    redirect_uri: input.redirectUri,
    scope: input.scope,
    resource: input.resource,
    state,
    nonce: input.nonce ?? randomBytes(16).toString('base64url'),
    // offline_access is honoured only with an explicit consent prompt.
    prompt: 'consent',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  }).toString();

  let next: { url: string; init: RequestInit } = { url: authorize.href, init: { method: 'GET' } };
  for (let step = 0; step < MAX_STEPS; step += 1) {
    const response = await fetch(next.url, {
      ...next.init,
      redirect: 'manual',
      headers: { ...(next.init.headers as Record<string, string>), cookie: jar.header() },
    });
    jar.store(response);
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location !== null) {
      // Drain rather than cancel: cancel() on a body that a request interceptor (msw) mirrors never settles.
      await response.arrayBuffer();
      const target = new URL(location, next.url);
      if (target.href.startsWith(input.redirectUri.split('?')[0] ?? input.redirectUri)) {
        return exchangeCode(input, target, state, verifier);
      }
      next = { url: target.href, init: { method: 'GET' } };
      continue;
    }
    const body = await response.text();
    if (response.status === 200 && body.includes('name="userName"')) {
      const action = /action="([^"]*\/login)"/.exec(body)?.[1];
      if (action === undefined) throw flowError('the sign-in page', response.status, 'no login form');
      next = {
        url: new URL(action, next.url).href,
        init: {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ userName: input.userName }).toString(),
        },
      };
      continue;
    }
    throw flowError(new URL(next.url).pathname, response.status, body);
  }
  throw new Error('embedded IdP: scripted sign-in did not finish (redirect loop)');
}

async function exchangeCode(input: ScriptedLoginInput, callback: URL, state: string, verifier: string) {
  const error = callback.searchParams.get('error');
  if (error !== null) {
    const description = callback.searchParams.get('error_description') ?? '';
    throw new Error(`embedded IdP: authorization failed: ${error} ${description}`.trim());
  }
  if (callback.searchParams.get('state') !== state) {
    throw new Error('embedded IdP: authorization response state does not match');
  }
  const code = callback.searchParams.get('code');
  if (code === null) throw new Error('embedded IdP: authorization response has no code');
  return postToken(input.issuer, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: input.redirectUri,
    client_id: input.clientId,
    code_verifier: verifier,
    resource: input.resource,
  });
}

/** POSTs a form to the token endpoint and returns the parsed success answer. */
export async function postToken(issuer: string, form: Record<string, string>): Promise<TokenResponse> {
  const response = await fetch(`${issuer}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams(form).toString(),
  });
  const text = await response.text();
  if (!response.ok) throw flowError('the token endpoint', response.status, text);
  const json = JSON.parse(text) as TokenResponse;
  if (typeof json.access_token !== 'string')
    throw flowError('the token endpoint', response.status, 'no access_token');
  return json;
}
