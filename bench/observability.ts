/**
 * What observability adds to a warm request: `forToken` of one cached user (its token and credentials
 * cached, no AWS call) plain, against the same call made as the docs wire it — wrapped by
 * `observability.instrument()`, with the core's events delivered to `observability.events` (the cache hit
 * counted), and the HTTP adapter's record passed to `observability.http` — in paired rounds. Metrics go to
 * the in-process registry only (no OpenTelemetry packages loaded: what the registry itself costs). The
 * HTTP adapters' same-tick answer to a resent token (`warmSessionOf`, no promise) is measured plain and
 * through `instrument()` with the HTTP record, as an instrumented adapter takes it. Both
 * run in one process, where `instrument()`'s AsyncLocalStorage has turned promise hooks on for every call,
 * the baseline's too, as in a service that instruments.
 * AWS is an in-process fake (bench/lib/fake-aws.ts).
 *
 * Run: node --import tsx bench/observability.ts
 * Env: BENCH_ROUNDS (default 7), BENCH_SLICE_MS (default 200).
 */
import type { PublicJwk } from '../src/index.js';
import { createObservability } from '../src/observability/observe.js';
import { warmSessionOf } from '../src/session/warm-session.js';
import { fakeAws, tipWithFake } from './lib/fake-aws.js';
import { compare, formatComparison } from './lib/harness.js';
import { benchKeys } from './lib/jwt-keys.js';
import { AUDIENCE, ISSUER, populate, tokensFor } from './lib/populate.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const SLICE_MS = Number(process.env.BENCH_SLICE_MS ?? 200);

const ec = benchKeys('ES256', 'ec');
const issuers = [
  {
    issuer: ISSUER,
    audience: AUDIENCE,
    algorithms: ['ES256'],
    jwks: { keys: [ec.jwk] as unknown as PublicJwk[] },
  },
];
const [token] = tokensFor(ec, 1) as [string];

const aws = fakeAws();
const plain = tipWithFake(aws, { issuers: issuers as never });
await populate(plain, [token]);

const observability = createObservability();
const observed = observability.instrument(
  tipWithFake(aws, { issuers: issuers as never, events: observability.events }),
);
await populate(observed, [token]);

const before = aws.counts.exchange + aws.counts.assumeRole;
const result = await compare(
  { name: 'warm forToken', fn: () => plain.forToken(token) },
  [
    { name: 'instrument() + events', fn: () => observed.forToken(token) },
    {
      name: 'same-tick path (the adapters), plain',
      fn: () => {
        if (warmSessionOf(plain, token) === undefined) throw new Error('not warm');
      },
    },
    {
      name: 'same-tick path, instrument() + events + http record',
      fn: () => {
        const startedAt = performance.now();
        if (warmSessionOf(observed, token) === undefined) throw new Error('not warm');
        observability.http({
          outcome: 'authenticated',
          status: 200,
          durationMs: performance.now() - startedAt,
        });
      },
    },
    {
      name: 'instrument() + events + http record',
      fn: async () => {
        const startedAt = performance.now();
        await observed.forToken(token);
        observability.http({
          outcome: 'authenticated',
          status: 200,
          durationMs: performance.now() - startedAt,
        });
      },
    },
  ],
  { rounds: ROUNDS, sliceMs: SLICE_MS, sampleUs: 0 },
);
console.log(
  formatComparison('Warm forToken, 1 cached user, with and without observability', result, 'calls/s'),
);
const counted = observability.metrics.snapshot().counters['tip.for_token.requests'] ?? [];
console.log(
  `\nAWS calls while measuring: ${aws.counts.exchange + aws.counts.assumeRole - before} (expected 0); ` +
    `tip.for_token.requests series: ${counted.map((p) => JSON.stringify(p.attributes)).join(', ')}`,
);
