/**
 * Cookie mode refuses cross-site requests with unsafe methods (CSRF), in both adapters: real servers on
 * loopback, raw HTTP requests carrying the headers a browser sends (`Sec-Fetch-Site`, `Origin`).
 */
import { request as httpRequest } from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCrossSiteCheck } from '../../src/http/cross-site.js';
import type { UserSession } from '../../src/tip.js';
import {
  type AdapterOptions,
  type StartServer,
  type TestServer,
  startExpress,
  startFastify,
} from './servers.js';

const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1In0.c2ln';

/** A trusted identity that accepts any token and counts its calls. */
function countingTip() {
  const tip = {
    calls: 0,
    async forToken() {
      tip.calls += 1;
      return {
        identity: { issuer: 'https://idp.example.com', subject: 'u', idcUserId: 'id-u' },
      } as UserSession;
    },
  };
  return tip;
}

function send(server: TestServer, method: string, headers: Record<string, string>) {
  return new Promise<{ status: number; body: Record<string, unknown> }>((resolve, reject) => {
    const req = httpRequest(`${server.url}/me`, { method, headers }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => {
        text += d.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : {} }));
    });
    req.on('error', reject);
    req.end();
  });
}

const cookie = { cookie: `tok=${TOKEN}` };

describe.each<[string, StartServer]>([
  ['Express', startExpress],
  ['Fastify', startFastify],
])('%s cookie mode', (_name, start) => {
  const tip = countingTip();
  const servers: TestServer[] = [];
  let server: TestServer;
  const startWith = async (options: AdapterOptions) => {
    const s = await start(tip, { cookieName: 'tok', ...options });
    servers.push(s);
    return s;
  };
  beforeAll(async () => {
    server = await startWith({});
  });
  afterAll(async () => {
    for (const s of servers) await s.close();
  });

  it('refuses a cross-site POST carrying only the cookie with 403, before verifying anything', async () => {
    const before = tip.calls;
    for (const site of ['cross-site', 'same-site']) {
      const res = await send(server, 'POST', { ...cookie, 'sec-fetch-site': site });
      expect(res).toEqual({
        status: 403,
        body: {
          error: 'access_denied',
          error_description: 'Requests from another site may not use the session cookie.',
          code: 'ERR_CROSS_SITE_REQUEST',
        },
      });
    }
    const host = new URL(server.url).host;
    for (const origin of ['https://evil.example', 'null', `https://${host}.evil.example`]) {
      expect((await send(server, 'DELETE', { ...cookie, origin })).status).toBe(403);
    }
    expect(tip.calls).toBe(before);
  });

  it('lets same-origin, user-initiated, non-browser and safe-method requests through', async () => {
    const before = tip.calls;
    const host = new URL(server.url).host;
    const ok = [
      ['POST', { ...cookie, 'sec-fetch-site': 'same-origin', origin: `http://${host}` }],
      ['POST', { ...cookie, 'sec-fetch-site': 'none' }],
      ['POST', { ...cookie, origin: `http://${host}` }],
      ['POST', cookie],
      ['GET', { ...cookie, 'sec-fetch-site': 'cross-site' }],
      ['POST', { authorization: `Bearer ${TOKEN}`, 'sec-fetch-site': 'cross-site' }],
    ] as const;
    for (const [method, headers] of ok) expect((await send(server, method, headers)).status).toBe(200);
    expect(tip.calls - before).toBe(ok.length);
  });

  it('lets trusted origins through, and can be turned off', async () => {
    const trusting = await startWith({ csrf: { trustedOrigins: ['https://app.example.com'] } });
    const cross = { ...cookie, 'sec-fetch-site': 'cross-site' };
    expect((await send(trusting, 'POST', { ...cross, origin: 'https://app.example.com' })).status).toBe(200);
    expect((await send(trusting, 'POST', { ...cross, origin: 'https://other.example.com' })).status).toBe(
      403,
    );
    const off = await startWith({ csrf: false });
    expect((await send(off, 'PUT', cross)).status).toBe(200);
  });
});

describe('the cross-site check', () => {
  it('validates its option', () => {
    for (const bad of [
      'on',
      null,
      { trustedOrigins: 'x' },
      { trustedOrigins: ['https://a.example/path'] },
      { trustedOrigins: ['ftp://a.example'] },
    ]) {
      expect(() => createCrossSiteCheck(bad)).toThrow(TypeError);
    }
    expect(createCrossSiteCheck(false)).toBeUndefined();
  });

  it('property: refuses exactly the unsafe requests a browser marks or shows as another site', () => {
    const check = createCrossSiteCheck({ trustedOrigins: ['https://app.example.com'] })!;
    const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
    fc.assert(
      fc.property(
        fc.constantFrom(
          'GET',
          'get',
          'HEAD',
          'OPTIONS',
          'POST',
          'post',
          'PUT',
          'PATCH',
          'DELETE',
          'PROPFIND',
        ),
        maybe(fc.constantFrom('same-origin', 'same-site', 'cross-site', 'none', 'garbage')),
        maybe(
          fc.constantFrom(
            'https://svc.example.com',
            'https://app.example.com',
            'https://evil.example',
            'null',
            'not a url',
          ),
        ),
        (method, site, origin) => {
          const refused = check.refuses({
            method,
            headers: {
              host: 'svc.example.com',
              ...(site ? { 'sec-fetch-site': site } : {}),
              ...(origin ? { origin } : {}),
            },
          });
          const safe = ['GET', 'HEAD', 'OPTIONS'].includes(method.toUpperCase());
          const trusted = origin === 'https://app.example.com';
          const expected =
            !safe &&
            !trusted &&
            (site !== undefined
              ? site !== 'same-origin' && site !== 'none'
              : origin !== undefined && origin !== 'https://svc.example.com');
          expect(refused).toBe(expected);
        },
      ),
      { numRuns: 1_000 },
    );
  });
});
