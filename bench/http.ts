/**
 * HTTP throughput with warm credentials, 100 users: the same `/me` route with and without tip-sdk's
 * authentication, for Express (the `tipMiddleware` adapter) and Fastify (the `tipPlugin` adapter, and a
 * route calling `forToken` itself), in paired rounds against the route without auth on the same
 * framework. An empty middleware (Express) and an empty `onRequest` hook (Fastify) show what the
 * framework itself charges for any authentication step, the floor of an adapter's ratio. The load comes
 * from autocannon in a separate process (bench/lib/load.ts); each connection cycles through the 100
 * users' tokens. Every user's credentials are cached before measuring, so no AWS
 * call is made during the runs (the bench checks it); first requests and AWS round trips are measured by
 * bench/credentials-calls.ts and bench/emulator.ts.
 *
 * Run: node --import tsx bench/http.ts
 * Env: BENCH_ROUNDS (default 5), BENCH_DURATION_S (per slice, default 2), BENCH_CONNECTIONS (default 16).
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import Fastify from 'fastify';
import { emulatorSettings } from '../examples/express-service/config.js';
import { tipMiddleware } from '../src/express.js';
import { tipPlugin } from '../src/fastify.js';
import { createTrustedIdentity } from '../src/index.js';
import type { UserSession } from '../src/index.js';
import { AUDIENCE, benchConfig, benchUser } from './lib/emulator-fixture.js';
import { type SliceCase, compareSlices, formatComparison } from './lib/harness.js';
import { type LoadResult, runLoad } from './lib/load.js';

const USERS = 100;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 2);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);

const { emu, settings } = await emulatorSettings(benchConfig(USERS));
const tip = createTrustedIdentity(settings.tipOptions);
const tokens = await Promise.all(
  Array.from({ length: USERS }, (_, i) => {
    const name = benchUser(i);
    return emu.idp!.signToken(
      { sub: name, aud: AUDIENCE, email: `${name}@example.com` },
      { header: { typ: 'at+jwt' } },
    );
  }),
);
for (const t of tokens) await tip.forToken(t);
const authorizations = tokens.map((t) => `Bearer ${t}`);

/** The identity a route answers with. */
const answer = (s: UserSession['identity']) => ({
  issuer: s.issuer,
  subject: s.subject,
  idcUserId: s.idcUserId,
  identityStoreId: s.identityStoreId,
});
/** Without auth, the routes answer with the first user's identity: answers of the same size, so only auth differs. */
const fixed = (await tip.forToken(tokens[0]!)).identity;
/** The route's answer, from a session or, without auth, the fixed identity. */
const me = (s: UserSession | undefined) => answer(s === undefined ? fixed : s.identity);

async function expressApp(mode: 'none' | 'hook' | 'auth'): Promise<string> {
  const app = express();
  // The floor of any authentication middleware: one that calls next() at once.
  if (mode === 'hook') app.use((_req, _res, next) => next());
  if (mode === 'auth') app.use(tipMiddleware(tip));
  app.get('/me', (req, res) => {
    res.json(me((req as { tip?: UserSession }).tip));
  });
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  servers.push(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/me`;
}

async function fastifyApp(mode: 'none' | 'hook' | 'plugin' | 'direct'): Promise<string> {
  const app = Fastify({ logger: false });
  if (mode === 'hook') {
    // The floor of any authentication hook: an onRequest hook that calls done() at once.
    app.addHook('onRequest', (_request, _reply, done) => done());
    app.get('/me', async () => me(undefined));
  } else if (mode === 'plugin') {
    await app.register(tipPlugin, { tip });
    app.get('/me', async (request) => me(request.tip ?? undefined));
  } else if (mode === 'direct') {
    app.get('/me', async (request) => me(await tip.forToken((request.headers.authorization ?? '').slice(7))));
  } else {
    app.get('/me', async () => me(undefined));
  }
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  servers.push(() => app.close());
  return `${url}/me`;
}

const servers: (() => Promise<unknown>)[] = [];
const problems: string[] = [];
const loaded = (name: string, url: string): SliceCase => ({
  name,
  slice: async () => {
    const r: LoadResult = await runLoad({
      url,
      connections: CONNECTIONS,
      durationS: DURATION_S,
      authorizations,
    });
    if (r.non2xx > 0 || r.errors > 0) problems.push(`${name}: ${r.non2xx} non-2xx, ${r.errors} errors`);
    return r;
  },
});

try {
  const callsBefore = emu.counters.get('CreateTokenWithIAM') + emu.counters.get('AssumeRole');
  const title = (framework: string) =>
    `\n${framework}: GET /me, ${USERS} users, ${CONNECTIONS} connections, ${DURATION_S} s slices (autocannon in its own process)`;
  const ex = await compareSlices(
    loaded('Express, no auth', await expressApp('none')),
    [
      loaded('Express + an empty middleware', await expressApp('hook')),
      loaded('Express + tipMiddleware', await expressApp('auth')),
    ],
    ROUNDS,
  );
  console.log(formatComparison(title('Express'), ex, 'req/s'));
  const fa = await compareSlices(
    loaded('Fastify, no auth', await fastifyApp('none')),
    [
      loaded('Fastify + an empty onRequest hook', await fastifyApp('hook')),
      loaded('Fastify + tipPlugin', await fastifyApp('plugin')),
      loaded('Fastify route calling forToken', await fastifyApp('direct')),
    ],
    ROUNDS,
  );
  console.log(formatComparison(title('Fastify'), fa, 'req/s'));
  const calls = emu.counters.get('CreateTokenWithIAM') + emu.counters.get('AssumeRole') - callsBefore;
  console.log(
    `\nAWS calls during the runs: ${calls} (expected 0); failed answers: ${problems.length === 0 ? 'none' : problems.join('; ')}`,
  );
  if (problems.length > 0 || calls > 0) process.exitCode = 1;
} finally {
  for (const close of servers) await close();
  await emu.stop();
}
