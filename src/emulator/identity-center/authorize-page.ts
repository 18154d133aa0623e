/**
 * The emulated IAM Identity Center sign-in page: `GET /authorize` (OAuth 2.0 authorization request of a
 * client registered with `RegisterClient`, PKCE S256 required) shows a user-name form; `POST /authorize`
 * signs that user in and redirects to the client's loopback redirect with a one-time code and the `state`.
 * A request whose client or redirect URI is not valid never redirects (a page says why); later errors
 * redirect with `error` as OAuth says. Development only: any configured, assigned user signs in without a
 * password. Served by the emulator's HTTP server before the AWS front.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EmulatorRuntime } from '../core/types.js';
import { escapeHtml, PAGE_HEADERS } from '../idp/login-page.js';
import {
  issueClientCode,
  type PublicClient,
  publicClientsOf,
  redirectMatches,
  signInUser,
} from './public-clients.js';

/** The path of the authorize endpoint. */
export const AUTHORIZE_PATH = '/authorize';

/** Largest form body accepted, bytes. */
const MAX_FORM = 16 * 1024;

const PARAMS = [
  'response_type',
  'client_id',
  'redirect_uri',
  'state',
  'code_challenge',
  'code_challenge_method',
  'scopes',
] as const;

function page(res: ServerResponse, status: number, title: string, body: string): void {
  res.writeHead(status, PAGE_HEADERS);
  res.end(`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:sans-serif;max-width:26rem;margin:4rem auto}label,input,button{display:block;margin:.5rem 0}</style>
</head>
<body>
${body}
</body>
</html>
`);
}

function errorPage(res: ServerResponse, message: string): void {
  page(
    res,
    400,
    'Sign-in error - emulated IAM Identity Center',
    `<h1>Sign-in error</h1>\n<p id="error">${escapeHtml(message)}</p>`,
  );
}

function redirectWith(res: ServerResponse, redirectUri: string, params: Record<string, string>): void {
  const target = new URL(redirectUri);
  for (const [k, v] of Object.entries(params)) target.searchParams.set(k, v);
  res.writeHead(302, {
    location: target.href,
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
  });
  res.end();
}

interface Checked {
  readonly client: PublicClient;
  readonly redirectUri: string;
  readonly state: string | undefined;
  readonly scopes: string[];
  readonly challenge: string;
}

/** Validates the request; answers (page or redirect) and returns undefined when it is not acceptable. */
function check(runtime: EmulatorRuntime, params: URLSearchParams, res: ServerResponse): Checked | undefined {
  for (const name of PARAMS) {
    if (params.getAll(name).length > 1) {
      errorPage(res, `The parameter ${name} appears more than once.`);
      return undefined;
    }
  }
  const clientId = params.get('client_id') ?? '';
  const client = publicClientsOf(runtime).clients.get(clientId);
  if (client === undefined || client.secretExpiresAt <= runtime.now()) {
    errorPage(res, 'Unknown or expired client_id: register the client with RegisterClient first.');
    return undefined;
  }
  const redirectUri = params.get('redirect_uri') ?? '';
  if (!redirectMatches(client, redirectUri)) {
    errorPage(res, 'redirect_uri is not a redirect URI registered for this client.');
    return undefined;
  }
  const state = params.get('state') ?? undefined;
  const fail = (error: string, description: string) => {
    redirectWith(res, redirectUri, {
      error,
      error_description: description,
      ...(state === undefined ? {} : { state }),
    });
    return undefined;
  };
  if (params.get('response_type') !== 'code')
    return fail('unsupported_response_type', 'response_type must be code');
  if (!client.grantTypes.includes('authorization_code'))
    return fail('unauthorized_client', 'The client is not registered for authorization_code');
  const challenge = params.get('code_challenge') ?? '';
  if (params.get('code_challenge_method') !== 'S256' || !/^[A-Za-z0-9_-]{43}$/.test(challenge)) {
    return fail('invalid_request', 'PKCE with code_challenge_method S256 is required');
  }
  const requested = (params.get('scopes') ?? params.get('scope') ?? '')
    .split(/[\s,]+/)
    .filter((s) => s.length > 0 && s !== 'openid');
  if (requested.some((s) => !client.scopes.includes(s)))
    return fail('invalid_scope', 'A requested scope was not registered for the client');
  return {
    client,
    redirectUri,
    state,
    scopes: requested.length > 0 ? requested : [...client.scopes],
    challenge,
  };
}

function loginForm(
  res: ServerResponse,
  params: URLSearchParams,
  client: PublicClient,
  userName = '',
  error?: string,
): void {
  const hidden = PARAMS.map((name) => {
    const value = params.get(name);
    return value === null ? '' : `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`;
  }).join('\n');
  const alert = error === undefined ? '' : `<p role="alert" id="error">${escapeHtml(error)}</p>\n`;
  page(
    res,
    error === undefined ? 200 : 401,
    'Sign in - emulated IAM Identity Center',
    `<h1>Sign in to IAM Identity Center</h1>
<p>Emulated IAM Identity Center (development only). <strong>${escapeHtml(client.name)}</strong> asks to act for you. No password: any assigned user name signs in.</p>
${alert}<form method="post" action="${AUTHORIZE_PATH}">
${hidden}
<label for="userName">User name</label>
<input id="userName" name="userName" autocomplete="username" required value="${escapeHtml(userName)}">
<button id="sign-in" type="submit" name="action" value="allow">Sign in</button>
<button id="cancel" type="submit" name="action" value="deny" formnovalidate>Cancel</button>
</form>`,
  );
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_FORM) return undefined;
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

async function serve(runtime: EmulatorRuntime, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method === 'GET') {
    const params = new URL(req.url ?? '/', 'http://emulator').searchParams;
    const checked = check(runtime, params, res);
    if (checked !== undefined) loginForm(res, params, checked.client);
    return;
  }
  if (req.method !== 'POST') {
    res.writeHead(405, { allow: 'GET, POST', 'content-type': 'text/plain; charset=utf-8' });
    res.end('Method not allowed');
    return;
  }
  const form = await readForm(req);
  if (form === undefined) {
    errorPage(res, 'The sign-in form was too large.');
    return;
  }
  const checked = check(runtime, form, res);
  if (checked === undefined) return;
  const withState = (p: Record<string, string>) =>
    checked.state === undefined ? p : { ...p, state: checked.state };
  if (form.get('action') === 'deny') {
    redirectWith(
      res,
      checked.redirectUri,
      withState({ error: 'access_denied', error_description: 'The user cancelled the sign-in' }),
    );
    return;
  }
  const userName = (form.get('userName') ?? '').trim();
  const user = signInUser(runtime, checked.client, userName);
  if (user === 'unknown') {
    loginForm(
      res,
      form,
      checked.client,
      userName,
      userName === '' ? 'Enter a user name.' : 'Unknown user name.',
    );
    return;
  }
  if (user === 'unassigned') {
    loginForm(res, form, checked.client, userName, 'This user is not assigned to the application.');
    return;
  }
  const code = issueClientCode(runtime, checked.client, user, {
    scopes: checked.scopes,
    redirectUri: checked.redirectUri,
    challenge: checked.challenge,
  });
  redirectWith(res, checked.redirectUri, withState({ code }));
}

/**
 * Wraps the emulator's request listener so that `/authorize` is the sign-in page and everything else goes
 * to `next` (the AWS front).
 */
export function withAuthorizePage(
  runtime: EmulatorRuntime,
  next: (req: IncomingMessage, res: ServerResponse) => void,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== AUTHORIZE_PATH || req.headers.authorization !== undefined) {
      next(req, res);
      return;
    }
    serve(runtime, req, res).catch(() => {
      if (!res.headersSent) errorPage(res, 'The emulator failed to serve the sign-in.');
      else res.destroy();
    });
  };
}
