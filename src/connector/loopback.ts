/**
 * The loopback redirect of a browser sign-in (RFC 8252 §7.3): a one-shot HTTP listener on 127.0.0.1 that
 * waits for the authorization response. Only a `GET` of the callback path, addressed to the loopback host
 * and carrying the expected `state`, is taken — once; anything else is answered 400 and ignored, so a stray
 * tab or a hostile page cannot end or hijack the sign-in. The browser's answer waits until the caller says
 * how the sign-in ended, so the page it shows is the truth.
 *
 * @module
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TipError } from '../errors.js';
import { type ConnectorEventSink, emitTo } from './events.js';
import { failurePage, LOOPBACK_PAGE_HEADERS, successPage } from './pages.js';

/** The loopback host the redirect listens on (an IP literal, never `localhost`, per RFC 8252 §8.3). */
export const LOOPBACK_HOST = '127.0.0.1';

/** Options of {@link listenForRedirect}. */
export interface LoopbackOptions {
  /** TCP port; `0` picks an ephemeral one. */
  readonly port: number;
  /** Path of the redirect URI. Default `/callback`. */
  readonly path?: string;
  /** The `state` the authorization request carried; a response without it is ignored. */
  readonly expectedState: string;
  /** How long to wait for the response, milliseconds. */
  readonly timeoutMs: number;
  /** Stops waiting (rejects with `ERR_ABORTED`). */
  readonly signal?: AbortSignal;
  /** Receives `sign-in.callback-rejected` events. */
  readonly onEvent?: ConnectorEventSink;
}

/** The authorization response, with the browser still waiting for its page. */
export interface RedirectResponse {
  /** The full redirect URL as received (holds the code: secret). */
  readonly url: URL;
  /** Answers the browser: the success page, or the failure page with `message` (no secret in it). */
  finish(outcome: { readonly ok: true } | { readonly ok: false; readonly message: string }): void;
}

/** A listening redirect. */
export interface LoopbackRedirect {
  /** The redirect URI to send in the authorization request, e.g. `http://127.0.0.1:7890/callback`. */
  readonly redirectUri: string;
  /** The port listened on. */
  readonly port: number;
  /** Resolves with the first acceptable response; rejects on timeout, abort or close. */
  readonly response: Promise<RedirectResponse>;
  /** Stops listening and drops every connection. Idempotent. */
  close(): Promise<void>;
}

/** The longest the browser waits for its page after the response arrived, milliseconds. */
const FINISH_CAP_MS = 30_000;

function listen(server: Server, port: number): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE' || error.code === 'EACCES') {
        reject(
          new TipError(
            'ERR_SIGN_IN_PORT_IN_USE',
            `The sign-in redirect cannot listen on ${LOOPBACK_HOST}:${port} (${error.code === 'EACCES' ? 'permission denied' : 'the port is in use'}): stop the program using it, or choose another port (\`port\`, \`--port\`; 0 picks a free one if the identity provider accepts any loopback port).`,
            { details: { port, reason: error.code === 'EACCES' ? 'permission' : 'in_use' } },
          ),
        );
      } else reject(error);
    };
    server.once('error', onError);
    server.listen(port, LOOPBACK_HOST, () => {
      server.off('error', onError);
      resolve(server.address() as AddressInfo);
    });
  });
}

function isLoopbackAddress(address: string | undefined): boolean {
  return (
    address !== undefined &&
    (address.startsWith('127.') || address === '::1' || address === '::ffff:127.0.0.1')
  );
}

function answer(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, { ...LOOPBACK_PAGE_HEADERS, connection: 'close' });
  res.end(html);
}

/**
 * Listens for the redirect of one sign-in.
 *
 * @throws TipError `ERR_SIGN_IN_PORT_IN_USE` when the port cannot be bound.
 */
export async function listenForRedirect(options: LoopbackOptions): Promise<LoopbackRedirect> {
  const path = options.path ?? '/callback';
  let settle: { resolve(r: RedirectResponse): void; reject(e: unknown): void } | undefined;
  const response = new Promise<RedirectResponse>((resolve, reject) => {
    settle = { resolve, reject };
  });
  // A caller that never awaits (close() first) must not see an unhandled rejection.
  response.catch(() => undefined);
  let taken = false;
  let expectedHost = '';
  const pending = new Set<ServerResponse>();

  const refuse = (
    res: ServerResponse,
    reason: 'state' | 'host' | 'path' | 'method' | 'completed',
    text: string,
  ) => {
    emitTo(options.onEvent, { type: 'sign-in.callback-rejected', reason });
    answer(res, reason === 'method' ? 405 : reason === 'path' ? 404 : 400, failurePage(text));
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (!isLoopbackAddress(req.socket.remoteAddress) || req.headers.host !== expectedHost) {
      refuse(res, 'host', 'This address only answers the sign-in redirect of this computer.');
      return;
    }
    const url = new URL(req.url ?? '/', `http://${expectedHost}`);
    if (url.pathname !== path) {
      refuse(res, 'path', 'Nothing here: this listener only receives the sign-in redirect.');
      return;
    }
    if (req.method !== 'GET') {
      refuse(res, 'method', 'The sign-in redirect must be a GET request.');
      return;
    }
    if (taken) {
      refuse(
        res,
        'completed',
        'This sign-in already received its answer. Start a new sign-in from the application.',
      );
      return;
    }
    if (
      url.searchParams.getAll('state').length !== 1 ||
      url.searchParams.get('state') !== options.expectedState
    ) {
      refuse(
        res,
        'state',
        'This answer does not belong to the sign-in in progress (its state differs). Return to the application and start again if needed.',
      );
      return;
    }
    taken = true;
    pending.add(res);
    let finished = false;
    const cap = setTimeout(
      () => finish({ ok: false, message: 'The application did not complete the sign-in.' }),
      FINISH_CAP_MS,
    );
    cap.unref();
    const finish: RedirectResponse['finish'] = (outcome) => {
      if (finished) return;
      finished = true;
      clearTimeout(cap);
      pending.delete(res);
      answer(res, outcome.ok ? 200 : 400, outcome.ok ? successPage() : failurePage(outcome.message));
    };
    settle?.resolve({ url, finish });
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 10_000;

  const address = await listen(server, options.port);
  expectedHost = `${LOOPBACK_HOST}:${address.port}`;
  const redirectUri = `http://${expectedHost}${path}`;

  let closed = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const onAbort = () => {
    settle?.reject(
      new TipError('ERR_ABORTED', 'The sign-in was aborted.', { details: { operation: 'sign-in' } }),
    );
  };
  const close = async () => {
    if (closed) return;
    closed = true;
    if (timer !== undefined) clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
    settle?.reject(
      new TipError('ERR_ABORTED', 'The sign-in was closed before the browser answered.', {
        details: { operation: 'sign-in' },
      }),
    );
    for (const res of pending) answer(res, 400, failurePage('The application stopped the sign-in.'));
    pending.clear();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  };

  timer = setTimeout(() => {
    settle?.reject(
      new TipError(
        'ERR_TIMEOUT',
        `The browser sign-in did not finish within ${Math.round(options.timeoutMs / 1000)} s: sign in again, and complete it in the browser window that opens (or raise \`timeoutSeconds\`).`,
        { details: { operation: 'sign-in', timeoutMs: options.timeoutMs } },
      ),
    );
  }, options.timeoutMs);
  timer.unref();
  if (options.signal?.aborted) onAbort();
  else options.signal?.addEventListener('abort', onAbort, { once: true });

  return { redirectUri, port: address.port, response, close };
}

/**
 * Opens the browser with `open(url)` and waits for the redirect. The opener is not awaited before the
 * response (a browser driven in-process may only return once the redirect completed); its failure fails
 * the sign-in.
 */
export function openAndWait(
  redirect: LoopbackRedirect,
  open: (url: string) => Promise<void>,
  url: string,
): Promise<RedirectResponse> {
  let opening: Promise<void>;
  try {
    opening = Promise.resolve(open(url));
  } catch (error) {
    opening = Promise.reject(error);
  }
  const failed = opening.then(
    () => new Promise<never>(() => undefined),
    (error: unknown) => Promise.reject(error),
  );
  return Promise.race([redirect.response, failed]);
}

/**
 * The authorization server's error answer (`error`, `error_description`) as `ERR_SIGN_IN_FAILED`, after
 * showing the browser the failure page; `undefined` when the response carries no error.
 *
 * @param party - Who refused, e.g. `The identity provider`.
 * @param hint - What to check, one clause.
 */
export function authorizationError(
  response: RedirectResponse,
  party: string,
  hint: string,
): TipError | undefined {
  const error = response.url.searchParams.get('error')?.slice(0, 100);
  if (error === undefined) return undefined;
  const description = (response.url.searchParams.get('error_description') ?? '')
    .replace(/[\r\n]+/g, ' ')
    .slice(0, 300);
  response.finish({ ok: false, message: `${party} refused the sign-in: ${error}. ${description}` });
  return new TipError(
    'ERR_SIGN_IN_FAILED',
    `${party} refused the sign-in (${error}${description ? `: ${description}` : ''}): sign in again, or ${hint}.`,
    { details: { reason: 'idp_error', error, ...(description ? { description } : {}) } },
  );
}
