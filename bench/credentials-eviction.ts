/**
 * The eviction cliff: `BENCH_REQUESTS` requests from users drawn at random among more users than the
 * caches hold, each user resending its one token, as clients do. Counted per row: outcomes by error code,
 * exchanges (CreateTokenWithIAM) against the distinct users seen, AWS calls per request, AWS calls beyond
 * the floor (an exchange and an AssumeRole per never-seen user, nothing for a user seen before whose
 * credentials are still valid), and per-request latency. A user evicted from the credential cache costs
 * an AssumeRole (the exchange ledger keeps their IdC tokens), so the default `cache.maxUsers` (100,000)
 * holds 100,000 users; the former default of 10,000 is the first row.
 * AWS is an in-process fake (bench/lib/fake-aws.ts).
 *
 * Run: node --import tsx bench/credentials-eviction.ts
 * Env: BENCH_REQUESTS (default 20000), BENCH_CONCURRENCY (default 16).
 */
import type { TrustedIdentityOptions } from '../src/index.js';
import { fakeAws, tipWithFake } from './lib/fake-aws.js';
import { formatRows } from './lib/harness.js';
import { benchKeys } from './lib/jwt-keys.js';
import { AUDIENCE, ISSUER, populate, randomOrder, tokensFor } from './lib/populate.js';
import { fmt, percentile } from './lib/stats.js';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 20_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const keys = benchKeys('ES256');
const issuers = [{ issuer: ISSUER, audience: AUDIENCE, algorithms: ['ES256'], jwks: { keys: [keys.jwk] } }];

async function row(
  label: string,
  users: number,
  extra: Partial<TrustedIdentityOptions>,
  seenFirst: boolean,
): Promise<string[]> {
  const aws = fakeAws();
  const tip = tipWithFake(aws, {
    issuers: issuers as unknown as TrustedIdentityOptions['issuers'],
    ...extra,
  });
  const tokens = tokensFor(keys, users);
  if (seenFirst) await populate(tip, tokens);
  const exchangesBefore = aws.counts.exchange;
  const callsBefore = aws.counts.exchange + aws.counts.assumeRole;
  const order = randomOrder(users, REQUESTS, users);
  const outcomes = new Map<string, number>();
  const latencies: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < REQUESTS) {
        const token = tokens[order[next++]!]!;
        const t0 = performance.now();
        const code = await tip.forToken(token).then(
          () => 'ok',
          (e: { code?: string }) => e.code ?? 'other',
        );
        latencies.push((performance.now() - t0) * 1000);
        outcomes.set(code, (outcomes.get(code) ?? 0) + 1);
      }
    }),
  );
  const distinct = new Set(order).size;
  const calls = aws.counts.exchange + aws.counts.assumeRole - callsBefore;
  // The floor: an exchange and an AssumeRole for each user never seen before, none for the others.
  const floor = seenFirst ? 0 : 2 * distinct;
  const errors = [...outcomes].filter(([c]) => c !== 'ok');
  return [
    label,
    fmt(users),
    seenFirst ? 'yes' : 'no',
    fmt(distinct),
    fmt(aws.counts.exchange - exchangesBefore),
    fmt(calls / REQUESTS, 2),
    fmt(calls - floor),
    errors.length === 0
      ? '0'
      : errors.map(([c, n]) => `${c} ${fmt(n)} (${fmt((100 * n) / REQUESTS, 1)} %)`).join(', '),
    fmt(percentile(latencies, 0.5), 1),
    fmt(percentile(latencies, 0.99), 1),
  ];
}

const fit = { cache: { maxUsers: 100_000 }, verifierOptions: { maxCachedTokens: 100_000 } };
const before = { cache: { maxUsers: 10_000 } };
const rows = [
  await row('maxUsers 10,000 (the former default)', 100_000, before, true),
  await row('default caches', 10_000, {}, true),
  await row('default caches', 100_000, {}, true),
  await row('default, and maxCachedTokens 100,000', 100_000, fit, true),
  await row('default caches', 100_000, {}, false),
];
console.log(`${fmt(REQUESTS)} random requests, ${CONCURRENCY} concurrent, one token per user (resent)`);
console.log(
  formatRows(
    [
      'caches',
      'users',
      'all seen before',
      'distinct users requested',
      'exchanges',
      'AWS calls/request',
      'AWS calls beyond the floor',
      'errors',
      'p50 µs',
      'p99 µs',
    ],
    rows,
  ),
);
