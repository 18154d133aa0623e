/**
 * The adapters' same-tick path: a resent token the trusted identity answers from memory runs the route
 * without waiting (Express calls `next` before the middleware returns; Fastify's hook calls `done` and
 * returns nothing), reported as any authentication is. Every other request — a new token, forgotten or
 * expired credentials, a cross-site cookie request, a closed identity — takes the full path, which says why.
 */
import * as otelApi from '@opentelemetry/api';
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type HttpAuthRecord, createAuthenticator } from '../../src/http/authenticate.js';
import { tipMiddleware } from '../../src/http/express.js';
import { tipPlugin } from '../../src/http/fastify.js';
import { createObservability } from '../../src/observability/observe.js';
import type { OtelApi } from '../../src/observability/otel-types.js';
import type { TipEventSink } from '../../src/session/events.js';
import type { UserSession } from '../../src/tip.js';
import { ISSUER, createFakeAws, idcUserIdOf, manualClock } from '../core-flow/helpers/fake-aws.js';
import { es256Issuer } from '../core-flow/helpers/es256-issuer.js';
import { fakeTip } from '../core-flow/helpers/tip.js';
import { memoryTracerProvider } from '../observability/memory-otel.js';

const clock = manualClock();
const aws = createFakeAws({ now: clock, refreshHasContext: true });
beforeAll(() => aws.server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => aws.server.close());
beforeEach(() => aws.reset());

const MINUTE = 60_000;
const AUDIENCE = 'analytics-api';
const issuer = es256Issuer(clock);
const { jwk } = issuer;
let minted = 0;

/** A new ES256 token of `sub` living `lifetimeMs` from the clock's now. */
function token(sub: string, lifetimeMs = 60 * MINUTE): string {
  return issuer.token(sub, `${sub}-now-${++minted}`, lifetimeMs, AUDIENCE);
}

function ownTip(events?: TipEventSink) {
  return fakeTip(clock, {
    verifier: undefined,
    ...(events === undefined ? {} : { events }),
    issuers: [{ issuer: ISSUER, audience: AUDIENCE, algorithms: ['ES256'], jwks: { keys: [jwk] } }],
  }).tip;
}

const request = (headers: Record<string, string>, method = 'GET') => ({
  headers,
  rawHeaders: Object.entries(headers).flat(),
  method,
  socket: null,
});

/** Calls the Express middleware once: whether `next` ran before it returned, and then how it ended. */
async function viaExpress(
  mw: ReturnType<typeof tipMiddleware>,
  headers: Record<string, string>,
  method?: string,
) {
  const req = request(headers, method) as unknown as { tip?: UserSession };
  const next = vi.fn();
  const sent: number[] = [];
  const res = {
    destroyed: false,
    writableFinished: false,
    once: () => res,
    off: () => res,
    status(code: number) {
      sent.push(code);
      return res;
    },
    set: () => res,
    json: () => res,
  };
  (mw as (...a: unknown[]) => void)(req, res, next);
  const sameTick = next.mock.calls.length;
  await vi.waitFor(() => expect(next.mock.calls.length + sent.length).toBeGreaterThan(0));
  return { sameTick, next, sent, session: req.tip };
}

/** The onRequest hook the Fastify plugin registers, run once on a fake request and reply. */
async function fastifyHook(tip: ReturnType<typeof ownTip>) {
  let hook: ((...a: unknown[]) => unknown) | undefined;
  const app = {
    decorateRequest: () => undefined,
    addHook: (_name: string, fn: (...a: unknown[]) => unknown) => {
      hook = fn;
    },
  };
  await (tipPlugin as unknown as (a: unknown, o: unknown) => Promise<void>)(app, { tip });
  return (headers: Record<string, string>) => {
    const req = { raw: request(headers), tip: null as UserSession | null };
    const reply = {
      raw: { destroyed: false, writableFinished: false, once: () => undefined, off: () => undefined },
      code: () => reply,
      headers: () => reply,
      send: () => reply,
      hijack: () => reply,
    };
    const done = vi.fn();
    const returned = hook!(req, reply, done);
    return { returned, done, req };
  };
}

describe('the same-tick path of the HTTP adapters', () => {
  it('Express: a resent token runs the route before the middleware returns; a new token waits', async () => {
    await using tip = ownTip();
    const records: HttpAuthRecord[] = [];
    const mw = tipMiddleware(tip, { observe: (r) => records.push(r) });
    const jwt = token('nora');
    const first = await viaExpress(mw, { authorization: `Bearer ${jwt}` });
    expect(first.sameTick).toBe(0);
    expect(first.next).toHaveBeenCalledWith();
    const again = await viaExpress(mw, { authorization: `Bearer ${jwt}` });
    expect(again.sameTick).toBe(1);
    expect(again.next).toHaveBeenCalledWith();
    expect(again.session).toBe(first.session);
    expect(again.session?.identity.idcUserId).toBe(idcUserIdOf('nora'));
    // Reported as the full path reports it, without the token.
    expect(records.map((r) => [r.outcome, r.idcUserId])).toEqual([
      ['authenticated', idcUserIdOf('nora')],
      ['authenticated', idcUserIdOf('nora')],
    ]);
    expect(JSON.stringify(records)).not.toContain(jwt);
    // A new token of the same user verifies first: not in this tick.
    expect((await viaExpress(mw, { authorization: `Bearer ${token('nora')}` })).sameTick).toBe(0);
    expect(aws.counts.exchange + aws.counts.assumeRole).toBe(2);
  });

  it('Fastify: the hook calls done and returns nothing for a resent token, and returns a promise otherwise', async () => {
    await using tip = ownTip();
    const run = await fastifyHook(tip);
    const jwt = token('otto');
    const cold = run({ authorization: `Bearer ${jwt}` });
    expect(cold.returned).toBeInstanceOf(Promise);
    await cold.returned;
    expect(cold.done).not.toHaveBeenCalled();
    expect(cold.req.tip?.identity.idcUserId).toBe(idcUserIdOf('otto'));
    const warm = run({ authorization: `Bearer ${jwt}` });
    expect(warm.returned).toBeUndefined();
    expect(warm.done).toHaveBeenCalledTimes(1);
    expect(warm.done).toHaveBeenCalledWith();
    expect(warm.req.tip).toBe(cold.req.tip);
    // No token at all: the full path answers it.
    expect(run({}).returned).toBeInstanceOf(Promise);
  });

  it('forgotten or expired credentials, a cross-site cookie request and a closed identity take the full path', async () => {
    const tip = ownTip();
    const mw = tipMiddleware(tip, { cookieName: 'tip_token' });
    const jwt = token('pia', 10 * MINUTE);
    await viaExpress(mw, { authorization: `Bearer ${jwt}` });
    expect((await viaExpress(mw, { authorization: `Bearer ${jwt}` })).sameTick).toBe(1);
    // A cookie token sent cross-site with an unsafe method is refused (403), never served from memory.
    const crossSite = await viaExpress(
      mw,
      { cookie: `tip_token=${jwt}`, 'sec-fetch-site': 'cross-site', host: 'api.example.com' },
      'POST',
    );
    expect(crossSite.sameTick).toBe(0);
    expect(crossSite.sent).toEqual([403]);
    // The same cookie sent same-origin is served now.
    const sameOrigin = await viaExpress(
      mw,
      { cookie: `tip_token=${jwt}`, 'sec-fetch-site': 'same-origin', host: 'api.example.com' },
      'POST',
    );
    expect(sameOrigin.sameTick).toBe(1);
    // Forgotten: the full path refuses the already exchanged token (401).
    await tip.forget({ issuer: ISSUER, subject: 'pia' });
    const forgotten = await viaExpress(mw, { authorization: `Bearer ${jwt}` });
    expect(forgotten.sameTick).toBe(0);
    expect(forgotten.sent).toEqual([401]);
    // Expired: past the token's exp, the full path answers 401.
    const later = token('quinn', 2 * MINUTE);
    await viaExpress(mw, { authorization: `Bearer ${later}` });
    clock.advance(3 * MINUTE);
    const expired = await viaExpress(mw, { authorization: `Bearer ${later}` });
    expect(expired.sameTick).toBe(0);
    expect(expired.sent).toEqual([401]);
    // Closed: ERR_CLOSED from the full path, not a session from memory.
    const live = token('rita');
    await viaExpress(mw, { authorization: `Bearer ${live}` });
    await tip.close();
    const closed = await viaExpress(mw, { authorization: `Bearer ${live}` });
    expect(closed.sameTick).toBe(0);
    expect(closed.session).toBeUndefined();
  });
  it('an identity wrapped by instrument() keeps it, recorded as forToken records a cache hit', async () => {
    const tracerProvider = memoryTracerProvider();
    const obs = createObservability({ otel: otelApi as OtelApi, tracerProvider, meterProvider: null });
    const tip = obs.instrument(ownTip(obs.events));
    const mw = tipMiddleware(tip);
    const jwt = token('sara');
    const first = await viaExpress(mw, { authorization: `Bearer ${jwt}` });
    expect(first.sameTick).toBe(0);
    const again = await viaExpress(mw, { authorization: `Bearer ${jwt}` });
    expect(again.sameTick).toBe(1);
    expect(again.session).toBe(first.session);
    // The same series, duration count and spans as two forToken calls, a miss then a hit.
    const snap = obs.metrics.snapshot();
    expect(snap.counters['tip.for_token.requests']).toEqual([
      { attributes: { outcome: 'success', cache: 'miss' }, value: 1 },
      { attributes: { outcome: 'success', cache: 'hit' }, value: 1 },
    ]);
    expect(snap.histograms['tip.for_token.duration']?.map((h) => h.count)).toEqual([2]);
    const spans = tracerProvider.spans.filter((s) => s.name === 'tip.forToken');
    expect(spans.map((s) => s.attributes['tip.cache'])).toEqual(['miss', 'hit']);
    expect(spans[1]).toMatchObject({
      kind: 0,
      status: { code: 1 },
      attributes: { 'tip.issuer': ISSUER, 'tip.idc_user_id': idcUserIdOf('sara'), 'tip.outcome': 'success' },
    });
    expect(spans[1]!.endTime).toBeGreaterThanOrEqual(spans[1]!.startTime);
    // A new token still verifies first; a closed identity is answered by the full path.
    expect((await viaExpress(mw, { authorization: `Bearer ${token('sara')}` })).sameTick).toBe(0);
    await tip.close();
    const closed = await viaExpress(mw, { authorization: `Bearer ${jwt}` });
    expect(closed.sameTick).toBe(0);
    expect(closed.session).toBeUndefined();
    expect(JSON.stringify(tracerProvider.spans)).not.toContain(jwt);
  });
  it('answers from memory only a header whose token is exactly a served one, as the full path would (property)', async () => {
    await using tip = ownTip();
    const auth = createAuthenticator(tip, { cookieName: 'tip_token' });
    const jwt = token('tess');
    const served = await auth.authenticate(
      request({ authorization: `Bearer ${jwt}` }),
      new AbortController().signal,
    );
    expect(served.kind).toBe('session');
    const calls = aws.counts.exchange + aws.counts.assumeRole;
    // Around the served token: what a client might add before or after it, in the header or the cookie.
    const bit = fc.constantFrom('', ' ', '  ', '\t', '=', '==', ',', '.', 'a', '"', ';', 'Bearer ', '%20');
    const header = fc
      .tuple(fc.constantFrom('Bearer ', 'bearer ', 'BEARER  ', 'Basic ', ''), bit, bit)
      .map(([scheme, before, after]) => ({ authorization: `${scheme}${before}${jwt}${after}` }));
    const cookie = fc
      .tuple(bit, bit)
      .map(([before, after]) => ({ cookie: `tip_token=${before}${jwt}${after}` }));
    let fromMemory = 0;
    await fc.assert(
      fc.asyncProperty(fc.oneof(header, cookie), async (headers) => {
        const now = auth.authenticateNow(request(headers));
        if (now === undefined) return;
        fromMemory++;
        // What memory answers, the full path answers the same way.
        const full = await auth.authenticate(request(headers), new AbortController().signal);
        expect(now.kind).toBe('session');
        expect(full.kind).toBe('session');
        expect(now.kind === 'session' && full.kind === 'session' && now.session === full.session).toBe(true);
      }),
      { numRuns: 300 },
    );
    expect(fromMemory).toBeGreaterThan(0);
    // Exactly the served token, however the header spells the scheme and spaces it, or a quoted cookie.
    const spellings: Record<string, string>[] = [
      { authorization: `Bearer ${jwt}` },
      { authorization: `bearer  ${jwt}` },
      { cookie: `tip_token="${jwt}"` },
    ];
    for (const headers of spellings) {
      expect(auth.authenticateNow(request(headers))?.kind).toBe('session');
    }
    // A token with anything more is never answered from memory; the full path refuses it.
    for (const [value, status] of [
      [`Bearer ${jwt} x`, 400],
      [`Bearer ${jwt}=`, 401],
      [`Bearer ${jwt}a`, 401],
      [`Bearer ${jwt}"`, 400],
    ] as const) {
      const headers = { authorization: value };
      expect(auth.authenticateNow(request(headers))).toBeUndefined();
      const full = await auth.authenticate(request(headers), new AbortController().signal);
      expect(full.kind === 'refused' ? full.response.status : full.kind).toBe(status);
    }
    expect(aws.counts.exchange + aws.counts.assumeRole).toBe(calls);
  });
});
