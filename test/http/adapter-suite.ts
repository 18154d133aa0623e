/**
 * One behaviour suite run against both adapters: real servers on loopback, real fetch, tokens from the
 * embedded IdP, AWS answered by the emulator.
 */
import { Agent, request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/start.js';
import { TipError } from '../../src/errors.js';
import type { HttpAuthRecord } from '../../src/http/authenticate.js';
import { type TrustedIdentity, type UserSession, createTrustedIdentity } from '../../src/tip.js';
import { ACCOUNT, AUDIENCE, USERS, startTestEmulator, tipOptions } from './fixture.js';
import type { StartServer, TestServer } from './servers.js';

const REALM = 'analytics';

/** GETs `path` with the given headers. */
async function get(server: TestServer, path: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${server.url}${path}`, { headers });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    text,
    json: JSON.parse(text) as Record<string, unknown>,
  };
}

/** Sends raw header lines (fetch cannot repeat a header). */
function rawGet(server: TestServer, path: string, name: string, values: string[]) {
  return new Promise<{ status: number; wwwAuthenticate: string | undefined }>((resolve, reject) => {
    const req = httpRequest(`${server.url}${path}`, (res) => {
      res.resume();
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, wwwAuthenticate: res.headers['www-authenticate'] }),
      );
    });
    req.setHeader(name, values);
    req.on('error', reject);
    req.end();
  });
}

export function adapterSuite(name: string, start: StartServer): void {
  describe(`${name} adapter`, () => {
    let emu: RunningEmulator;
    let tip: TrustedIdentity;
    let server: TestServer;
    const records: HttpAuthRecord[] = [];
    const idp = () => emu.idp!;
    const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
    const userId = (userName: string) =>
      emu.config.identityCenter.users.find((u) => u.userName === userName)?.userId;

    beforeAll(async () => {
      emu = await startTestEmulator();
      tip = createTrustedIdentity(tipOptions(emu));
      server = await start(tip, { realm: REALM, cookieName: 'tip_token', observe: (r) => records.push(r) });
    });
    afterAll(async () => {
      await server?.close();
      await emu?.stop();
    });

    it('answers 200 with the token user identity and acts as that user on AWS', async () => {
      const token = await idp().tokenFor('user03');
      const me = await get(server, '/me', bearer(token));
      expect(me.status).toBe(200);
      expect(me.json).toEqual({ issuer: idp().issuer, subject: 'user03', idcUserId: userId('user03') });
      const aws = await get(server, '/whoami-aws', bearer(token));
      expect(aws.status).toBe(200);
      expect(aws.json.account).toBe(ACCOUNT);
      expect(aws.json.arn).toBe(
        `arn:aws:sts::${ACCOUNT}:assumed-role/analytics-identity-bearer/tip-${userId('user03')}`,
      );
      expect(records.at(-1)).toMatchObject({
        outcome: 'authenticated',
        idcUserId: userId('user03'),
        source: 'header',
      });
    });

    it('accepts a lower-case scheme and the token cookie', async () => {
      const token = await idp().tokenFor('user04');
      expect((await get(server, '/me', { authorization: `bearer ${token}` })).json.subject).toBe('user04');
      const viaCookie = await get(server, '/me', { cookie: `theme=dark; tip_token=${token}` });
      expect(viaCookie.status).toBe(200);
      expect(viaCookie.json.subject).toBe('user04');
      expect(records.at(-1)?.source).toBe('cookie');
    });

    it('answers 401 with a bare challenge when there is no token', async () => {
      const cases: Record<string, string>[] = [
        {},
        { authorization: 'Basic dXNlcjpwYXNz' },
        { cookie: 'other=1' },
      ];
      for (const headers of cases) {
        const res = await get(server, '/me', headers);
        expect(res.status).toBe(401);
        expect(res.headers.get('www-authenticate')).toBe(`Bearer realm="${REALM}"`);
        expect(res.json).toEqual({
          error: 'unauthorized',
          error_description: 'A bearer token is required.',
          code: 'ERR_BEARER_MISSING',
        });
      }
    });

    it('answers 400 invalid_request for a malformed Authorization header', async () => {
      const token = await idp().tokenFor('user05');
      const cases: [string, string][] = [
        ['Bearer', 'The Bearer credential has no token.'],
        ['Bearer   ', 'The Bearer credential has no token.'],
        [
          `Bearer ${token} extra`,
          'The Authorization header must hold exactly one Bearer token (b64token syntax).',
        ],
        [
          `Bearer ${token}, Bearer ${token}`,
          'The Authorization header must hold exactly one Bearer token (b64token syntax).',
        ],
        ['Bearer a"b', 'The Authorization header must hold exactly one Bearer token (b64token syntax).'],
        ['(bad) x', 'The Authorization header has no valid scheme.'],
      ];
      for (const [authorization, description] of cases) {
        const res = await get(server, '/me', { authorization });
        expect(res.status, authorization).toBe(400);
        expect(res.headers.get('www-authenticate')).toBe(
          `Bearer realm="${REALM}", error="invalid_request", error_description="${description}"`,
        );
        expect(res.json).toEqual({
          error: 'invalid_request',
          error_description: description,
          code: 'ERR_BEARER_MALFORMED',
        });
        expect(res.text).not.toContain(token);
      }
      const twice = await rawGet(server, '/me', 'authorization', [`Bearer ${token}`, `Bearer ${token}`]);
      expect(twice.status).toBe(400);
      expect(twice.wwwAuthenticate).toBe(
        `Bearer realm="${REALM}", error="invalid_request", error_description="The request has more than one Authorization header."`,
      );
    });

    it('answers 401 invalid_token for expired, wrong-audience and forged tokens', async () => {
      const expired = await idp().signToken(
        { sub: 'user06', aud: AUDIENCE, email: 'user06@example.com' },
        { header: { typ: 'at+jwt' }, expiresInSeconds: -120 },
      );
      const wrongAudience = await idp().tokenFor('user06', { audience: 'https://other.example.com' });
      const good = await idp().tokenFor('user06');
      const [h, p, s] = good.split('.');
      const forged = `${h}.${p}.${s!.slice(0, -4)}AAAA`;
      const cases: [string, string, string][] = [
        [expired, 'ERR_JWT_EXPIRED', 'The access token expired.'],
        [wrongAudience, 'ERR_JWT_AUDIENCE', 'The access token is not meant for this service.'],
        [forged, 'ERR_JWT_SIGNATURE', 'The access token is not valid.'],
        ['not-a-jwt', 'ERR_JWT_INVALID', 'The access token is not valid.'],
      ];
      for (const [token, code, description] of cases) {
        const res = await get(server, '/me', bearer(token));
        expect(res.status, code).toBe(401);
        expect(res.headers.get('www-authenticate')).toBe(
          `Bearer realm="${REALM}", error="invalid_token", error_description="${description}"`,
        );
        expect(res.json).toEqual({ error: 'invalid_token', error_description: description, code });
      }
    });

    it('answers 401 when a token is replayed against IdC after its first exchange was forgotten', async () => {
      const token = await idp().tokenFor('user07');
      expect((await get(server, '/me', bearer(token))).status).toBe(200);
      const fresh = createTrustedIdentity(tipOptions(emu));
      const other = await start(fresh, { realm: REALM });
      try {
        const res = await get(other, '/me', bearer(token));
        expect(res.status).toBe(401);
        expect(res.json.error).toBe('invalid_token');
        expect(['ERR_IDC_TOKEN_REUSED', 'ERR_IDC_INVALID_GRANT']).toContain(res.json.code);
      } finally {
        await other.close();
      }
    });

    it('answers 403 insufficient_scope for a user IdC does not let in', async () => {
      const token = await idp().tokenFor('outsider');
      const res = await get(server, '/me', bearer(token));
      expect(res.status).toBe(403);
      expect(res.headers.get('www-authenticate')).toBe(
        `Bearer realm="${REALM}", error="insufficient_scope", error_description="The user is not allowed to use this application."`,
      );
      expect(res.json).toEqual({
        error: 'insufficient_scope',
        error_description: 'The user is not allowed to use this application.',
        code: 'ERR_IDC_ACCESS_DENIED',
      });
    });

    it('answers 503 with Retry-After when CreateTokenWithIAM is throttled, then recovers', async () => {
      emu.faults.inject({ operation: 'sso-oauth:CreateTokenWithIAM', throttle: true });
      const res = await get(server, '/me', bearer(await idp().tokenFor('user08')));
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('1');
      expect(res.headers.get('www-authenticate')).toBeNull();
      expect(res.json).toEqual({
        error: 'temporarily_unavailable',
        error_description: 'AWS is throttling requests; retry later.',
        code: 'ERR_AWS_THROTTLED',
      });
      expect(emu.faults.active).toBe(0);
      const again = await get(server, '/me', bearer(await idp().tokenFor('user08')));
      expect(again.status).toBe(200);
      expect(again.json.subject).toBe('user08');
    });

    it('answers 503 when the issuer JWKS is down, and 500 for a misconfigured application', async () => {
      const fresh = createTrustedIdentity(tipOptions(emu));
      const wrongApp = createTrustedIdentity({
        ...tipOptions(emu),
        applicationArn: 'arn:aws:sso::123456789012:application/ssoins-1111222233334444/apl-0000000000000000',
      });
      const down = await start(fresh, { realm: REALM, retryAfterSeconds: 30 });
      const misconfigured = await start(wrongApp, { realm: REALM });
      try {
        idp().setJwksAvailable(false);
        const res = await get(down, '/me', bearer(await idp().tokenFor('user13')));
        expect(res.status).toBe(503);
        expect(res.headers.get('retry-after')).toBe('30');
        expect(res.json.code).toBe('ERR_JWKS_UNAVAILABLE');
        idp().setJwksAvailable(true);
        const broken = await get(misconfigured, '/me', bearer(await idp().tokenFor('user13')));
        expect(broken.status).toBe(500);
        expect(broken.headers.get('www-authenticate')).toBeNull();
        expect(broken.json).toEqual({
          error: 'server_error',
          error_description: 'The request failed.',
          code: 'ERR_IDC_INVALID_CLIENT',
        });
      } finally {
        idp().setJwksAvailable(true);
        await down.close();
        await misconfigured.close();
      }
    });

    it('lets anonymous requests through in optional mode but still refuses a bad token', async () => {
      expect((await get(server, '/public')).json).toEqual({ who: null });
      const token = await idp().tokenFor('user09');
      expect((await get(server, '/public', bearer(token))).json).toEqual({ who: 'user09' });
      expect((await get(server, '/public', bearer('not-a-jwt'))).status).toBe(401);
    });

    it('makes exactly one CreateTokenWithIAM per user for 500 concurrent requests across 50 users', async () => {
      const fresh = createTrustedIdentity(tipOptions(emu));
      const other = await start(fresh, { realm: REALM });
      try {
        const tokens = await Promise.all(USERS.map((u) => idp().tokenFor(u)));
        const before = emu.counters.get('sso-oauth:CreateTokenWithIAM');
        const assumeBefore = emu.counters.get('sts:AssumeRole');
        const results = await Promise.all(
          Array.from({ length: 500 }, async (_, i) => {
            const user = i % USERS.length;
            const res = await get(other, '/me', bearer(tokens[user]!));
            return { user: USERS[user], status: res.status, subject: res.json.subject };
          }),
        );
        expect(results.filter((r) => r.status !== 200)).toEqual([]);
        expect(results.every((r) => r.subject === r.user)).toBe(true);
        expect(emu.counters.get('sso-oauth:CreateTokenWithIAM') - before).toBe(USERS.length);
        expect(emu.counters.get('sts:AssumeRole') - assumeBefore).toBe(USERS.length);
        expect(fresh.cachedUsers).toBe(USERS.length);
      } finally {
        await other.close();
      }
    });

    it('answers 500 for an unexpected failure without its message, and uses a custom responder', async () => {
      const broken = { forToken: async () => Promise.reject(new Error('secret internals')) };
      const plain = await start(broken, { realm: REALM });
      const custom = await start(
        { forToken: async () => Promise.reject(new TipError('ERR_AWS_UNAVAILABLE', 'down')) },
        {
          realm: REALM,
          respondWith: (status, code) => ({ status: status === 503 ? 502 : status, body: { code } }),
        },
      );
      try {
        const res = await get(plain, '/me', bearer('abc'));
        expect(res.status).toBe(500);
        expect(res.json).toEqual({
          error: 'server_error',
          error_description: 'The request failed.',
          code: 'ERR_INTERNAL',
        });
        expect(res.text).not.toContain('secret internals');
        const mine = await get(custom, '/me', bearer('abc'));
        expect(mine.status).toBe(502);
        expect(mine.json).toEqual({ code: 'ERR_AWS_UNAVAILABLE' });
      } finally {
        await plain.close();
        await custom.close();
      }
    });

    it('requests on one connection share a live signal; a disconnect aborts only its own connection', async () => {
      const signals: AbortSignal[] = [];
      let hold: (() => void) | undefined;
      const held = new Promise<void>((r) => {
        hold = r;
      });
      const recording = {
        forToken: (token: string, opts?: { signal?: AbortSignal }) => {
          signals.push(opts!.signal!);
          const session = { identity: { issuer: 'i', subject: token, idcUserId: token } } as never;
          // The third request hangs until its client leaves.
          return token === 'hang'
            ? new Promise<never>((_, reject) => {
                hold?.();
                opts!.signal!.addEventListener('abort', () => reject(new TipError('ERR_ABORTED', 'aborted')));
              })
            : Promise.resolve(session);
        },
      };
      const srv = await start(recording, { realm: REALM });
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      const send = (token: string, via?: Agent) =>
        new Promise<number>((resolve, reject) => {
          const req = httpRequest(`${srv.url}/me`, {
            agent: via,
            headers: { authorization: `Bearer ${token}` },
          });
          req.on('response', (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          });
          req.on('error', reject);
          req.end();
        });
      try {
        expect(await send('a', agent)).toBe(200);
        expect(await send('b', agent)).toBe(200);
        expect(signals).toHaveLength(2);
        expect(signals[0]).toBe(signals[1]);
        const other = httpRequest(`${srv.url}/me`, { headers: { authorization: 'Bearer hang' } });
        other.on('error', () => undefined);
        other.end();
        await held;
        other.destroy();
        const third = signals[2]!;
        await new Promise((r) => (third.aborted ? r(undefined) : third.addEventListener('abort', r)));
        expect(third).not.toBe(signals[0]);
        expect(third.aborted).toBe(true);
        expect(signals[0]!.aborted).toBe(false);
        expect(await send('c', agent)).toBe(200);
        expect(signals[3]).toBe(signals[0]);
      } finally {
        agent.destroy();
        await srv.close();
      }
    });

    it('aborts forToken when the client disconnects', async () => {
      let called!: () => void;
      const calledP = new Promise<void>((r) => {
        called = r;
      });
      let seen!: (reason: unknown) => void;
      const abortedP = new Promise<unknown>((r) => {
        seen = r;
      });
      const seenRecords: HttpAuthRecord[] = [];
      const hanging = {
        forToken: (_t: string, opts?: { signal?: AbortSignal }) =>
          new Promise<never>((_, reject) => {
            called();
            opts?.signal?.addEventListener('abort', () => {
              seen(opts.signal?.aborted);
              reject(new TipError('ERR_ABORTED', 'aborted'));
            });
          }),
      };
      const srv = await start(hanging, { realm: REALM, observe: (r) => seenRecords.push(r) });
      try {
        const req = httpRequest(`${srv.url}/me`, { headers: { authorization: 'Bearer abc' } });
        req.on('error', () => undefined);
        req.end();
        await calledP;
        req.destroy();
        expect(await abortedP).toBe(true);
        await new Promise((r) => setImmediate(r));
        expect(seenRecords).toEqual([expect.objectContaining({ outcome: 'aborted', code: 'ERR_ABORTED' })]);
      } finally {
        await srv.close();
      }
    });

    it('does not run the route for a client that left while forToken was resolving', async () => {
      let called!: () => void;
      const calledP = new Promise<void>((r) => {
        called = r;
      });
      let resolved!: () => void;
      const resolvedP = new Promise<void>((r) => {
        resolved = r;
      });
      let routeReads = 0;
      const identity = {
        issuer: 'https://idp.example',
        idcUserId: 'u-1',
        get subject() {
          routeReads += 1;
          return 'alice';
        },
      };
      // A forToken that ignores the abort and resolves once the client is gone.
      const late = {
        forToken: (_t: string, opts?: { signal?: AbortSignal }) =>
          new Promise<UserSession>((resolve) => {
            called();
            opts?.signal?.addEventListener('abort', () => {
              resolve({ identity } as unknown as UserSession);
              resolved();
            });
          }),
      };
      const srv = await start(late, { realm: REALM });
      try {
        const req = httpRequest(`${srv.url}/me`, { headers: { authorization: 'Bearer abc' } });
        req.on('error', () => undefined);
        req.end();
        await calledP;
        req.destroy();
        await resolvedP;
        for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
        expect(routeReads).toBe(0);
      } finally {
        await srv.close();
      }
    });

    it('refuses bad options with a TypeError naming the option', async () => {
      await expect(start(tip, { realm: 'a"b' })).rejects.toThrow(/`realm`/);
      await expect(start(tip, { retryAfterSeconds: -1 })).rejects.toThrow(/`retryAfterSeconds`/);
      await expect(start(tip, { cookieName: 'a b' })).rejects.toThrow(/`cookieName`/);
    });
  });
}
