/**
 * Warm `forToken` (credentials already cached) as the number of cached users grows, users drawn at random.
 * Two paths, each in paired rounds against its own baseline:
 * - the same token per user, as a client resends it: a verified-token cache hit (one lookup, no
 *   signature check) plus the credential lookup, users drawn at random, one hot user, and the one user's
 *   token sliced from its Authorization header per request (a new string, as a server reads it);
 *   baseline: the same with 1 cached user;
 * - a fresh RS256 token per request (a pool of pre-signed tokens larger than the token cache, so every
 *   request really verifies the signature) plus the credential lookup; baseline: raw `crypto.verify` of
 *   the same tokens with a prepared key.
 * Beside the first, a bare `Map` of the same token strings looked up in the same order shows the floor the
 * machine's memory sets on that ratio.
 * AWS is an in-process fake (bench/lib/fake-aws.ts): the figures are the library's own cost. p50/p99 are
 * per call. Users are minted with ES256 (fast to sign); the fresh-token path is RS256.
 *
 * Run: node --expose-gc --import tsx bench/credentials-warm.ts
 * Env: BENCH_USERS (default "1000,10000,100000"), BENCH_ROUNDS (default 7), BENCH_SLICE_MS (default 200).
 */
import { verify } from 'node:crypto';
import type { PublicJwk } from '../src/index.js';
import { fakeAws, tipWithFake } from './lib/fake-aws.js';
import { compare, formatComparison } from './lib/harness.js';
import { accessClaims, benchKeys, signJwt } from './lib/jwt-keys.js';
import { AUDIENCE, ISSUER, populate, randomOrder, tokensFor } from './lib/populate.js';

const USER_COUNTS = (process.env.BENCH_USERS ?? '1000,10000,100000').split(',').map(Number);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const SLICE_MS = Number(process.env.BENCH_SLICE_MS ?? 200);
const FRESH_POOL = 4000;
const TOKEN_CACHE_FOR_FRESH = 1000;
const options = { rounds: ROUNDS, sliceMs: SLICE_MS, sampleUs: 0 };

const ec = benchKeys('ES256', 'ec');
const rsa = benchKeys('RS256', 'rs');
const issuers = [
  {
    issuer: ISSUER,
    audience: AUDIENCE,
    algorithms: ['ES256', 'RS256'] as const,
    jwks: { keys: [ec.jwk, rsa.jwk] as unknown as PublicJwk[] },
  },
];
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});

/** A tip-sdk instance with `users` users cached (and their tokens in a token cache of `maxCachedTokens`). */
async function cachedTip(users: number, maxCachedTokens: number) {
  const aws = fakeAws();
  const tip = tipWithFake(aws, {
    issuers: issuers as never,
    verifierOptions: { maxCachedTokens },
    cache: { maxUsers: Math.max(users, 1) },
  });
  const tokens = tokensFor(ec, users);
  await populate(tip, tokens);
  return { aws, tip, tokens };
}

const one = await cachedTip(1, 10);
// The one user's token as a server reads it: sliced from its Authorization header on every request, a new
// string each time, so nothing computed on an earlier string (its hash) is reused.
const authorization = `Bearer ${one.tokens[0]!}`;
const order = randomOrder(1 << 30, 1 << 20);
for (const users of USER_COUNTS) {
  // Same token per user: verified-token cache hit.
  {
    const many = await cachedTip(users, users);
    let i = 0;
    const before = many.aws.counts.exchange + many.aws.counts.assumeRole;
    const result = await compare(
      { name: 'warm forToken, 1 cached user', fn: () => one.tip.forToken(one.tokens[0]!) },
      [
        {
          name: `warm forToken, ${users.toLocaleString('en-US')} cached users, random`,
          fn: () => many.tip.forToken(many.tokens[order[i++ & 0xfffff]! % users]!),
        },
        {
          name: 'warm forToken, 1 cached user, token sliced from its header',
          fn: () => one.tip.forToken(authorization.slice(7)),
        },
        {
          // One hot user among many: a hit that reorders a large Map degrades with the Map's size.
          name: `warm forToken, one hot user of ${users.toLocaleString('en-US')} cached`,
          fn: () => many.tip.forToken(many.tokens[0]!),
        },
      ],
      options,
    );
    console.log(
      formatComparison(
        `\nSame token per user (token-cache hit + credential lookup), ${users} users`,
        result,
        'calls/s',
      ),
    );
    console.log(
      `AWS calls while measuring: ${many.aws.counts.exchange + many.aws.counts.assumeRole - before} (expected 0)`,
    );
    // The floor under that ratio: a bare Map of the same token strings, each value three objects deep (as
    // a warm hit reads a token entry, its session and the credential entry), looked up in the same random
    // order. No code does less per lookup; what it loses from 1 key to N is the memory it touches.
    const chained = (k: number) => ({ k, next: { k, next: { k } } });
    const bare = new Map(many.tokens.map((t, k) => [t, chained(k)]));
    const single = new Map([[one.tokens[0]!, chained(0)]]);
    let f = 0;
    const floor = await compare(
      { name: 'Map.get + 3 reads, 1 key', fn: () => single.get(one.tokens[0]!)!.next.next.k },
      [
        {
          name: `Map.get + 3 reads, ${users.toLocaleString('en-US')} keys, random`,
          fn: () => bare.get(many.tokens[order[f++ & 0xfffff]! % users]!)!.next.next.k,
        },
      ],
      options,
    );
    console.log(
      formatComparison(`Memory floor: the same lookups in a bare Map, ${users} keys`, floor, 'gets/s'),
    );
  }
  gc();
  // Fresh RS256 token per request: every call verifies.
  {
    const many = await cachedTip(users, TOKEN_CACHE_FOR_FRESH);
    const pool = Array.from({ length: FRESH_POOL }, (_, k) =>
      signJwt(rsa, accessClaims(ISSUER, AUDIENCE, `user-${order[k]! % users}`)),
    );
    let i = 0;
    let j = 0;
    const before = many.aws.counts.exchange + many.aws.counts.assumeRole;
    const result = await compare(
      {
        name: 'raw crypto.verify RS256 (prepared key)',
        fn: () => {
          const t = pool[i++ % FRESH_POOL]!;
          if (!verify('sha256', t.input, rsa.publicKey, t.signature)) throw new Error('bad signature');
        },
      },
      [
        {
          name: `forToken, fresh RS256 token, ${users.toLocaleString('en-US')} cached users`,
          fn: () => many.tip.forToken(pool[j++ % FRESH_POOL]!.token),
        },
      ],
      options,
    );
    console.log(
      formatComparison(
        `\nFresh RS256 token per request (signature verified; token cache ${TOKEN_CACHE_FOR_FRESH} < pool ${FRESH_POOL}), ${users} users`,
        result,
        'calls/s',
      ),
    );
    console.log(
      `AWS calls while measuring: ${many.aws.counts.exchange + many.aws.counts.assumeRole - before} (expected 0)`,
    );
  }
  gc();
}
