import { describe, expect, it, vi } from 'vitest';
import { createJwtVerifier } from '../../src/index.js';
import type { JwtVerifierOptions } from '../../src/index.js';
import { isTipError } from '../../src/errors.js';
import { type Route, deferred, fakeFetch, flush, hang, json } from './fake-fetch.js';
import { AUDIENCE, ISSUER, JWKS_URI, KEYS, NOW_MS, claims, signJwt } from './kit.js';

const DISCOVERY = `${ISSUER}/.well-known/openid-configuration`;
const jwksOf = (...names: Array<keyof typeof KEYS>) => ({ keys: names.map((n) => KEYS[n].jwk) });

function setup(routes: Record<string, Route>, extra: Partial<JwtVerifierOptions> = {}) {
  const clock = { now: NOW_MS };
  const f = fakeFetch(routes);
  const verifier = createJwtVerifier({
    issuers: [{ issuer: ISSUER, audience: AUDIENCE, algorithms: ['RS256', 'ES256'] }],
    fetch: f.fetch,
    now: () => clock.now,
    jwksCache: { maxAgeMs: 600_000, cooldownMs: 30_000, timeoutMs: 50 },
    ...extra,
  });
  return { verifier, f, clock };
}

const discovery = json({ issuer: ISSUER, jwks_uri: JWKS_URI });
const token = (sub = 'user-1', exp = NOW_MS / 1000 + 3600) => signJwt(claims({ sub, exp }));
const ecToken = () => signJwt(claims({ exp: NOW_MS / 1000 + 3600 }), 'ES256');

async function code(p: Promise<unknown>): Promise<string> {
  return p.then(
    () => 'ok',
    (e: unknown) => (isTipError(e) ? e.code : `not a TipError: ${String(e)}`),
  );
}

describe('JWKS cache', () => {
  it('fetches discovery and JWKS once, then serves from memory until the max age', async () => {
    const { verifier, f, clock } = setup({ [DISCOVERY]: discovery, [JWKS_URI]: json(jwksOf('rsa')) });
    await verifier.verify(token('a'));
    await verifier.verify(token('b'));
    expect(f.calls).toEqual([DISCOVERY, JWKS_URI]);
    clock.now += 599_999;
    await verifier.verify(token('c'));
    expect(f.count(JWKS_URI)).toBe(1);
    clock.now += 1;
    await verifier.verify(token('d')); // stale: served now, refreshed in the background
    await flush();
    expect(f.count(JWKS_URI)).toBe(2);
    expect(f.count(DISCOVERY)).toBe(1);
  });

  it('refetches on an unknown kid at most once per cooldown (penalty box)', async () => {
    const { verifier, f, clock } = setup({ [DISCOVERY]: discovery, [JWKS_URI]: json(jwksOf('rsa')) });
    await verifier.verify(token());
    const unknown = ecToken(); // kid ec-1 is not published yet
    for (let i = 0; i < 20; i++)
      expect(await code(verifier.verify(unknown))).toBe('ERR_JWKS_NO_MATCHING_KEY');
    expect(f.count(JWKS_URI)).toBe(1);
    clock.now += 30_000;
    const results = await Promise.all(Array.from({ length: 20 }, () => code(verifier.verify(unknown))));
    expect(new Set(results)).toEqual(new Set(['ERR_JWKS_NO_MATCHING_KEY']));
    expect(f.count(JWKS_URI)).toBe(2);
    // The issuer publishes the key; after the cooldown the same token verifies.
    f.routes.set(JWKS_URI, json(jwksOf('rsa', 'ec')));
    clock.now += 10_000;
    expect(await code(verifier.verify(unknown))).toBe('ERR_JWKS_NO_MATCHING_KEY');
    clock.now += 20_000;
    expect(await code(verifier.verify(unknown))).toBe('ok');
    expect(f.count(JWKS_URI)).toBe(3);
  });

  it('shares one fetch among 100 concurrent verifications (single flight)', async () => {
    const { verifier, f } = setup({ [DISCOVERY]: discovery, [JWKS_URI]: json(jwksOf('rsa')) });
    const tokens = Array.from({ length: 100 }, (_, i) => token(`user-${i}`));
    const results = await Promise.all(tokens.map((t) => verifier.verify(t)));
    expect(results.map((r) => r.subject)).toEqual(tokens.map((_, i) => `user-${i}`));
    expect(f.calls).toEqual([DISCOVERY, JWKS_URI]);
  });

  it('keeps known keys working while the endpoint is down, retrying once per cooldown', async () => {
    const { verifier, f, clock } = setup({ [DISCOVERY]: discovery, [JWKS_URI]: json(jwksOf('rsa')) });
    await verifier.verify(token('a'));
    f.routes.set(JWKS_URI, json({ error: 'down' }, 503));
    clock.now += 700_000;
    expect((await verifier.verify(token('b'))).subject).toBe('b');
    await flush();
    expect(f.count(JWKS_URI)).toBe(2);
    for (let i = 0; i < 10; i++) expect((await verifier.verify(token(`c${i}`))).subject).toBe(`c${i}`);
    await flush();
    expect(f.count(JWKS_URI)).toBe(2);
    clock.now += 30_000;
    await verifier.verify(token('d'));
    await flush();
    expect(f.count(JWKS_URI)).toBe(3);
  });

  it('rejects with ERR_JWKS_UNAVAILABLE when the first fetch times out, and recovers later', async () => {
    const { verifier, f, clock } = setup(
      { [JWKS_URI]: hang },
      { issuers: [{ issuer: ISSUER, audience: AUDIENCE, algorithms: ['RS256'], jwksUri: JWKS_URI }] },
    );
    const error = await verifier.verify(token()).catch((e: unknown) => e);
    expect(isTipError(error, 'ERR_JWKS_UNAVAILABLE')).toBe(true);
    expect((error as { details: { reason: string } }).details.reason).toBe('timeout');
    f.routes.set(JWKS_URI, json(jwksOf('rsa')));
    // Inside the cooldown the failure is the answer, without a fetch; after it, keys load.
    expect(await code(verifier.verify(token()))).toBe('ERR_JWKS_UNAVAILABLE');
    expect(f.count(JWKS_URI)).toBe(1);
    clock.now += 30_000;
    expect(await code(verifier.verify(token()))).toBe('ok');
    expect(f.count(JWKS_URI)).toBe(2);
  });

  it('fetches at most once per cooldown while the issuer is down before any key is loaded', async () => {
    const down = json({ error: 'down' }, 503);
    const { verifier, f, clock } = setup({ [DISCOVERY]: down });
    const forged = Array.from({ length: 1_000 }, (_, i) => token(`forged-${i}`));
    const outcomes = new Map<string, number>();
    for (const [i, t] of forged.entries()) {
      // 1,000 tokens over 100 s: one every 100 ms of the test clock, some of them concurrently.
      if (i % 10 === 0) clock.now += 1_000;
      const c = await code(verifier.verify(t));
      outcomes.set(c, (outcomes.get(c) ?? 0) + 1);
    }
    expect([...outcomes.keys()]).toEqual(['ERR_JWKS_UNAVAILABLE']);
    // 100 s of test time with a 30 s cooldown: fetches at t = 1, 31, 61 and 91 s.
    expect(f.count(DISCOVERY)).toBe(4);
    const burst = await Promise.all(forged.slice(0, 200).map((t) => code(verifier.verify(t))));
    expect(new Set(burst)).toEqual(new Set(['ERR_JWKS_UNAVAILABLE']));
    expect(f.count(DISCOVERY)).toBe(4);
    const cooled = (await verifier.verify(forged[0]!).catch((e: unknown) => e)) as {
      details: { reason?: string; retryAfterMs?: number };
    };
    expect(cooled.details).toMatchObject({ reason: 'http_status' });
    expect(cooled.details.retryAfterMs).toBeGreaterThan(0);
    // The issuer comes back: after the cooldown one fetch loads its keys.
    f.routes.set(DISCOVERY, discovery);
    f.routes.set(JWKS_URI, json(jwksOf('rsa')));
    clock.now += 30_000;
    expect(await code(verifier.verify(token('real')))).toBe('ok');
    expect(f.calls.length).toBe(6);
  });

  it('answers a malformed JWKS with its own error, without a new fetch, until the cooldown passes', async () => {
    const { verifier, f, clock } = setup({ [DISCOVERY]: discovery, [JWKS_URI]: json({ keys: 'none' }) });
    for (let i = 0; i < 5; i++) expect(await code(verifier.verify(token(`u${i}`)))).toBe('ERR_JWKS_INVALID');
    expect(f.count(JWKS_URI)).toBe(1);
    clock.now += 30_000;
    f.routes.set(JWKS_URI, json(jwksOf('rsa')));
    expect(await code(verifier.verify(token()))).toBe('ok');
    expect(f.count(JWKS_URI)).toBe(2);
  });

  it('gives discovery and JWKS together one deadline of timeoutMs', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      let jwksSignal: AbortSignal | undefined;
      const slowDiscovery: Route = () =>
        new Promise((resolve) =>
          setTimeout(() => resolve(Response.json({ issuer: ISSUER, jwks_uri: JWKS_URI })), 950),
        );
      const { verifier } = setup(
        {
          [DISCOVERY]: slowDiscovery,
          [JWKS_URI]: (init) => {
            jwksSignal = init.signal ?? undefined;
            return hang(init);
          },
        },
        { jwksCache: { timeoutMs: 1_000 } },
      );
      let settled: string | undefined;
      void code(verifier.verify(token())).then((c) => {
        settled = c;
      });
      await vi.advanceTimersByTimeAsync(950);
      expect(jwksSignal?.aborted).toBe(false);
      await vi.advanceTimersByTimeAsync(60);
      // 1,010 ms after the verification started: the JWKS request is cut, not given its own 1,000 ms.
      expect(jwksSignal?.aborted).toBe(true);
      expect(settled).toBe('ERR_JWKS_UNAVAILABLE');
    } finally {
      vi.useRealTimers();
    }
  });

  it.each([
    ['HTTP 500', json({}, 500), 'ERR_JWKS_UNAVAILABLE'],
    [
      'a redirect',
      () => new Response(null, { status: 302, headers: { location: 'https://elsewhere.example/' } }),
      'ERR_JWKS_UNAVAILABLE',
    ],
    ['a network error', () => Promise.reject(new TypeError('fetch failed')), 'ERR_JWKS_UNAVAILABLE'],
    ['invalid JSON', () => new Response('{"keys": [', { status: 200 }), 'ERR_JWKS_INVALID'],
    ['invalid UTF-8', () => new Response(new Uint8Array([0x7b, 0xff, 0x7d])), 'ERR_JWKS_INVALID'],
    [
      'a body over the size limit',
      () => new Response(`{"keys":[],"pad":"${'x'.repeat(600_000)}"}`),
      'ERR_JWKS_INVALID',
    ],
    [
      'a declared length over the limit',
      () => new Response('{"keys":[]}', { headers: { 'content-length': '9999999' } }),
      'ERR_JWKS_INVALID',
    ],
    ['keys not an array', json({ keys: {} }), 'ERR_JWKS_INVALID'],
    ['no usable key', json({ keys: [{ kty: 'oct', k: 'c2VjcmV0', kid: 'rsa-1' }] }), 'ERR_JWK_INVALID'],
  ] as const)('maps a JWKS answer with %s to %s', async (_name, route, expected) => {
    const { verifier } = setup(
      { [JWKS_URI]: route },
      { issuers: [{ issuer: ISSUER, audience: AUDIENCE, algorithms: ['RS256'], jwksUri: JWKS_URI }] },
    );
    expect(await code(verifier.verify(token()))).toBe(expected);
  });

  it('drops cached verified tokens when their key leaves the JWKS', async () => {
    const { verifier, f, clock } = setup({ [DISCOVERY]: discovery, [JWKS_URI]: json(jwksOf('rsa', 'ec')) });
    const t = token();
    expect(await code(verifier.verify(t))).toBe('ok');
    expect(await code(verifier.verify(t))).toBe('ok'); // cached
    f.routes.set(JWKS_URI, json(jwksOf('ec'))); // rsa-1 revoked
    clock.now += 600_000;
    await verifier.verify(t).catch(() => undefined); // triggers the background refresh
    await flush();
    expect(f.count(JWKS_URI)).toBe(2);
    expect(await code(verifier.verify(t))).toBe('ERR_JWKS_NO_MATCHING_KEY');
    expect(await code(verifier.verify(ecToken()))).toBe('ok');
  });

  it('keeps cached tokens whose key survives a refresh', async () => {
    const { verifier, f, clock } = setup({ [DISCOVERY]: discovery, [JWKS_URI]: json(jwksOf('rsa')) });
    const t = token();
    await verifier.verify(t);
    f.routes.set(JWKS_URI, json(jwksOf('rsa', 'ec')));
    clock.now += 600_000;
    await verifier.verify(t);
    await flush();
    expect(f.count(JWKS_URI)).toBe(2);
    expect(await code(verifier.verify(t))).toBe('ok');
  });

  it('re-checks exp on every cache hit', async () => {
    const { verifier, clock } = setup({ [DISCOVERY]: discovery, [JWKS_URI]: json(jwksOf('rsa')) });
    const t = token('a', NOW_MS / 1000 + 10);
    expect(await code(verifier.verify(t))).toBe('ok');
    clock.now += 10_000;
    expect(await code(verifier.verify(t))).toBe('ERR_JWT_EXPIRED');
  });

  it('hydrate() pre-warms every remote issuer', async () => {
    const other = 'https://other.example.com';
    const { verifier, f } = setup(
      { [DISCOVERY]: discovery, [JWKS_URI]: json(jwksOf('rsa')), [`${other}/jwks`]: json(jwksOf('ec')) },
      {
        issuers: [
          { issuer: ISSUER, audience: AUDIENCE, algorithms: ['RS256'] },
          { issuer: other, audience: AUDIENCE, algorithms: ['ES256'], jwksUri: `${other}/jwks` },
          {
            issuer: 'https://local.example.com',
            audience: AUDIENCE,
            algorithms: ['RS256'],
            jwks: jwksOf('rsa'),
          },
        ],
      },
    );
    await verifier.hydrate();
    expect([...f.calls].sort()).toEqual([DISCOVERY, JWKS_URI, `${other}/jwks`].sort());
    await verifier.verify(token());
    expect(f.calls.length).toBe(3);
  });

  it('hydrate() rejects with the first failure and still loads the other issuers', async () => {
    const other = 'https://other.example.com';
    const { verifier } = setup(
      { [DISCOVERY]: json({}, 500), [`${other}/jwks`]: json(jwksOf('ec')) },
      {
        issuers: [
          { issuer: ISSUER, audience: AUDIENCE, algorithms: ['RS256'] },
          { issuer: other, audience: AUDIENCE, algorithms: ['ES256'], jwksUri: `${other}/jwks` },
        ],
      },
    );
    expect(await code(verifier.hydrate())).toBe('ERR_JWKS_UNAVAILABLE');
    await flush();
    expect(Object.keys(verifier.exportCache().issuers)).toEqual([other]);
  });

  it('exports and imports the cache for cold starts, validating what it imports', async () => {
    const warm = setup({ [DISCOVERY]: discovery, [JWKS_URI]: json(jwksOf('rsa', 'ec')) });
    await warm.verifier.hydrate();
    const snapshot = JSON.parse(JSON.stringify(warm.verifier.exportCache()));
    expect(snapshot.issuers[ISSUER].fetchedAt).toBe(NOW_MS);
    expect(JSON.stringify(snapshot)).not.toMatch(/"d"|"p"|"q"/);
    const cold = setup({}); // every fetch fails
    cold.verifier.importCache(snapshot);
    expect(await code(cold.verifier.verify(token()))).toBe('ok');
    expect(await code(cold.verifier.verify(ecToken()))).toBe('ok');
    expect(cold.f.calls).toEqual([]);
    for (const bad of [
      null,
      'x',
      { version: 2, issuers: {} },
      { version: 1 },
      { version: 1, issuers: { [ISSUER]: { fetchedAt: 'now', keys: [] } } },
      { version: 1, issuers: { [ISSUER]: { fetchedAt: 1, keys: 'no' } } },
    ]) {
      let thrown: unknown;
      try {
        cold.verifier.importCache(bad);
      } catch (e) {
        thrown = e;
      }
      expect(isTipError(thrown, 'ERR_JWKS_INVALID')).toBe(true);
    }
  });

  it('never lets an older result overwrite a newer one (sequence guard)', async () => {
    const slow = deferred();
    const { verifier, f, clock } = setup({ [DISCOVERY]: discovery, [JWKS_URI]: slow.route });
    const pending = code(verifier.verify(token()));
    await flush();
    expect(f.count(JWKS_URI)).toBe(1);
    clock.now += 1_000;
    // A newer snapshot arrives while the slow fetch is still out.
    verifier.importCache({
      version: 1,
      issuers: { [ISSUER]: { fetchedAt: clock.now, keys: [KEYS.ec.jwk] } },
    });
    slow.release(Response.json(jwksOf('rsa')));
    expect(await pending).toBe('ERR_JWKS_NO_MATCHING_KEY');
    expect(verifier.exportCache().issuers[ISSUER]?.keys.map((k) => k.kid)).toEqual(['ec-1']);
    // An older snapshot is ignored too.
    verifier.importCache({ version: 1, issuers: { [ISSUER]: { fetchedAt: 1, keys: [KEYS.rsa.jwk] } } });
    expect(verifier.exportCache().issuers[ISSUER]?.keys.map((k) => k.kid)).toEqual(['ec-1']);
  });

  it('stops waiting when the caller aborts, while the shared fetch completes for others', async () => {
    const slow = deferred();
    const { verifier, f } = setup({ [DISCOVERY]: discovery, [JWKS_URI]: slow.route });
    const controller = new AbortController();
    const aborted = code(verifier.verify(token('a'), { signal: controller.signal }));
    const patient = code(verifier.verify(token('b')));
    await flush();
    controller.abort();
    expect(await aborted).toBe('ERR_ABORTED');
    slow.release(Response.json(jwksOf('rsa')));
    expect(await patient).toBe('ok');
    expect(f.count(JWKS_URI)).toBe(1);
    expect(await code(verifier.verify(token('c'), { signal: AbortSignal.abort() }))).toBe('ERR_ABORTED');
  });
});
