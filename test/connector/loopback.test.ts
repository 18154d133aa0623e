import { createServer } from 'node:net';
import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import type { ConnectorEvent } from '../../src/connector/events.js';
import { listenForRedirect } from '../../src/connector/loopback.js';
import { isTipError } from '../../src/errors.js';

/** A raw GET to the loopback listener with a chosen Host header. */
function get(
  port: number,
  path: string,
  host = `127.0.0.1:${port}`,
  method = 'GET',
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers: { host } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function listening(events: ConnectorEvent[] = [], timeoutMs = 10_000) {
  return listenForRedirect({
    port: 0,
    expectedState: 'the-state',
    timeoutMs,
    onEvent: (e) => events.push(e),
  });
}

describe('loopback redirect', () => {
  it('takes the response with the right state, once, and answers the success page when told', async () => {
    const events: ConnectorEvent[] = [];
    const redirect = await listening(events);
    expect(redirect.redirectUri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    const answer = get(redirect.port, '/callback?code=c1&state=the-state');
    const response = await redirect.response;
    expect(response.url.searchParams.get('code')).toBe('c1');
    response.finish({ ok: true });
    const page = await answer;
    expect(page.status).toBe(200);
    expect(page.body).toContain('Signed in');
    // A second callback is refused, and the first response stays the one taken.
    const second = await get(redirect.port, '/callback?code=c2&state=the-state');
    expect(second.status).toBe(400);
    expect(events).toContainEqual({ type: 'sign-in.callback-rejected', reason: 'completed' });
    await redirect.close();
  });

  it.each([
    ['a wrong state', '/callback?code=evil&state=other', undefined, 'state', 400],
    ['no state', '/callback?code=evil', undefined, 'state', 400],
    ['a repeated state', '/callback?code=evil&state=the-state&state=the-state', undefined, 'state', 400],
    ['another Host (DNS rebinding)', '/callback?code=evil&state=the-state', 'evil.example:80', 'host', 400],
    ['localhost instead of the IP', '/callback?code=evil&state=the-state', 'localhost', 'host', 400],
    ['another path', '/favicon.ico', undefined, 'path', 404],
  ] as const)(
    'ignores %s and keeps waiting for the real response',
    async (_name, path, host, reason, status) => {
      const events: ConnectorEvent[] = [];
      const redirect = await listening(events);
      const refused = await get(redirect.port, path, host ?? `127.0.0.1:${redirect.port}`);
      expect(refused.status).toBe(status);
      expect(refused.body).not.toContain('evil');
      expect(events).toContainEqual({ type: 'sign-in.callback-rejected', reason });
      // The genuine response still completes the sign-in.
      const answer = get(redirect.port, '/callback?code=good&state=the-state');
      const response = await redirect.response;
      expect(response.url.searchParams.get('code')).toBe('good');
      response.finish({ ok: false, message: 'done' });
      expect((await answer).status).toBe(400);
      await redirect.close();
    },
  );

  it('refuses other methods', async () => {
    const events: ConnectorEvent[] = [];
    const redirect = await listening(events);
    expect((await get(redirect.port, '/callback?state=the-state&code=x', undefined, 'POST')).status).toBe(
      405,
    );
    expect(events).toContainEqual({ type: 'sign-in.callback-rejected', reason: 'method' });
    await redirect.close();
  });

  it('times out with ERR_TIMEOUT (operation sign-in)', async () => {
    const redirect = await listening([], 200);
    const error = await redirect.response.catch((e: unknown) => e);
    expect(isTipError(error, 'ERR_TIMEOUT')).toBe(true);
    expect((error as { details: { operation?: string } }).details.operation).toBe('sign-in');
    await redirect.close();
  });

  it('a port in use is ERR_SIGN_IN_PORT_IN_USE naming the port', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve()));
    const port = (blocker.address() as { port: number }).port;
    try {
      const error = await listenForRedirect({ port, expectedState: 's', timeoutMs: 1000 }).catch(
        (e: unknown) => e,
      );
      expect(isTipError(error, 'ERR_SIGN_IN_PORT_IN_USE')).toBe(true);
      expect((error as { details: { port?: number } }).details.port).toBe(port);
    } finally {
      blocker.close();
    }
  });

  it('an abort signal ends the wait with ERR_ABORTED', async () => {
    const controller = new AbortController();
    const redirect = await listenForRedirect({
      port: 0,
      expectedState: 's',
      timeoutMs: 10_000,
      signal: controller.signal,
    });
    controller.abort();
    expect(isTipError(await redirect.response.catch((e: unknown) => e), 'ERR_ABORTED')).toBe(true);
    await redirect.close();
  });
});
