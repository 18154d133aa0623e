/**
 * Heap per cached user with the real verifier: `forToken` for every user of `BENCH_USERS` (one ES256
 * token each; caches sized to hold them all), heapUsed after full GCs minus before, divided by the users.
 * The verified-token cache's own share is measured alone with `createJwtVerifier` on the same tokens.
 * AWS is an in-process fake returning secrets sized like AWS's (bench/lib/fake-aws.ts).
 *
 * Run: node --expose-gc --import tsx bench/credentials-memory.ts
 * Env: BENCH_USERS (default "10000,100000"), BENCH_SECRET_SCALE (default 1).
 */
import { createJwtVerifier } from '../src/index.js';
import type { PublicJwk, TrustedIdentityOptions } from '../src/index.js';
import { SECRET_SIZES, fakeAws, tipWithFake } from './lib/fake-aws.js';
import { formatRows } from './lib/harness.js';
import { benchKeys } from './lib/jwt-keys.js';
import { AUDIENCE, ISSUER, populate, tokensFor } from './lib/populate.js';
import { fmt } from './lib/stats.js';

const USER_COUNTS = (process.env.BENCH_USERS ?? '10000,100000').split(',').map(Number);
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) {
  console.error('run with node --expose-gc');
  process.exit(2);
}
const keys = benchKeys('ES256');
const issuers = [
  {
    issuer: ISSUER,
    audience: AUDIENCE,
    algorithms: ['ES256' as const],
    jwks: { keys: [keys.jwk as PublicJwk] },
  },
];

function heap(): number {
  gc!();
  gc!();
  return process.memoryUsage().heapUsed;
}

const SECRETS =
  SECRET_SIZES.accessToken +
  SECRET_SIZES.refreshToken +
  SECRET_SIZES.identityContext +
  SECRET_SIZES.sessionToken;
const rows: string[][] = [];
for (const users of USER_COUNTS) {
  const tokens = tokensFor(keys, users);
  let before = heap();
  const verifier = createJwtVerifier({ issuers, maxCachedTokens: users });
  for (let start = 0; start < users; start += 500)
    await Promise.all(tokens.slice(start, start + 500).map((t) => verifier.verify(t)));
  const tokenCache = (heap() - before) / users;

  const aws = fakeAws();
  before = heap();
  const tip = tipWithFake(aws, {
    issuers: issuers as unknown as TrustedIdentityOptions['issuers'],
    verifierOptions: { maxCachedTokens: users },
    cache: { maxUsers: users },
  });
  await populate(tip, tokens);
  const total = (heap() - before) / users;
  if (tip.cachedUsers !== users) throw new Error(`expected ${users} cached users, got ${tip.cachedUsers}`);
  rows.push([
    fmt(users),
    fmt(total),
    fmt(tokenCache),
    fmt(total - tokenCache),
    fmt(total - tokenCache - SECRETS),
  ]);
  tip.clearCache();
}
console.log(
  `Heap per cached user (one-byte strings; secrets from the fake AWS: ${JSON.stringify(SECRET_SIZES)} characters, ${fmt(SECRETS)} in all)`,
);
console.log(
  formatRows(
    [
      'users',
      'B/user, forToken',
      'of which verified-token cache',
      'credentials and the rest',
      'beyond the secrets',
    ],
    rows,
  ),
);
