/**
 * `POST /dev/token` of the embedded IdP: a user's tokens for scripts outside the emulator's process
 * (`tip-sdk emulator token <user>` calls it). Development only, like the whole IdP: it signs in any
 * configured user without a password. JSON in (`{"user": "alice", "audience"?: "…", "scope"?: "…"}`), JSON
 * out (`access_token`, `id_token`, `refresh_token`, `token_type`, `expires_in`). A JSON body is required, so
 * a page in a browser cannot trigger it with a plain form, and the Host must be a loopback one, so a page
 * reached through a rebound host name cannot read the answer.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { IdpTokenRequest } from './types.js';

/** The path of the endpoint. */
export const DEV_TOKEN_PATH = '/dev/token';

/** Largest accepted body, bytes. */
const MAX_BODY = 4096;

/** What the endpoint needs of the IdP. */
export interface DevTokenSource {
  /** Whether `userName` may sign in. */
  knownUser(userName: string): boolean;
  /** The scripted sign-in. */
  tokensFor(
    userName: string,
    request: IdpTokenRequest,
  ): Promise<{ accessToken: string; idToken: string; refreshToken?: string }>;
  /** Access-token lifetime, seconds. */
  readonly accessTokenTtlSeconds: number;
}

function reply(res: ServerResponse, status: number, body: Record<string, unknown>): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

function invalid(res: ServerResponse, description: string, status = 400): void {
  reply(res, status, { error: 'invalid_request', error_description: description });
}

async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Serves one request to {@link DEV_TOKEN_PATH}. */
export async function handleDevToken(
  req: IncomingMessage,
  res: ServerResponse,
  source: DevTokenSource,
): Promise<void> {
  if (req.method !== 'POST') {
    res.writeHead(405, { allow: 'POST', 'content-type': 'text/plain; charset=utf-8' });
    res.end('Method not allowed: POST a JSON body {"user": "<userName>"}');
    return;
  }
  // A page whose host name was rebound to 127.0.0.1 sends its own Host: refused, so it cannot read tokens.
  if (!/^(127(\.\d{1,3}){3}|localhost|\[::1\])(:\d{1,5})?$/.test(req.headers.host ?? '')) {
    invalid(res, 'The development token endpoint answers loopback hosts only.', 403);
    return;
  }
  if (!(req.headers['content-type'] ?? '').toLowerCase().startsWith('application/json')) {
    invalid(res, 'The body must be JSON (content-type: application/json).', 415);
    return;
  }
  const text = await readBody(req);
  if (text === undefined) {
    invalid(res, 'The body is larger than 4 KiB.', 413);
    return;
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    invalid(res, 'The body is not valid JSON.');
    return;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    invalid(res, 'The body must be a JSON object.');
    return;
  }
  const { user, audience, scope, ...rest } = body as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) {
    invalid(res, `Unknown member ${JSON.stringify(unknown[0])} (known: user, audience, scope).`);
    return;
  }
  if (typeof user !== 'string' || user.length === 0 || user.length > 256) {
    invalid(res, 'Member "user" must be a user name of the embedded IdP.');
    return;
  }
  for (const [name, value] of [
    ['audience', audience],
    ['scope', scope],
  ] as const) {
    if (value !== undefined && (typeof value !== 'string' || value.length === 0 || value.length > 1024)) {
      invalid(res, `Member "${name}" must be a non-empty string.`);
      return;
    }
  }
  if (!source.knownUser(user)) {
    reply(res, 404, { error: 'unknown_user', error_description: 'No such user at the embedded IdP.' });
    return;
  }
  const tokens = await source.tokensFor(user, {
    ...(audience === undefined ? {} : { audience: audience as string }),
    ...(scope === undefined ? {} : { scope: scope as string }),
  });
  reply(res, 200, {
    access_token: tokens.accessToken,
    ...(tokens.idToken ? { id_token: tokens.idToken } : {}),
    ...(tokens.refreshToken === undefined ? {} : { refresh_token: tokens.refreshToken }),
    token_type: 'Bearer',
    expires_in: source.accessTokenTtlSeconds,
  });
}
