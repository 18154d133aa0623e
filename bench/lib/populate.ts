/**
 * Users for the credential benches: one ES256 token per user (P-256 signs ~10× faster than RSA-2048, so
 * 100,000 users are minted in seconds), a random request order, and `forToken` for every user in chunks.
 */
import type { TrustedIdentity } from '../../src/index.js';
import { type BenchKeys, accessClaims, signJwt } from './jwt-keys.js';

/** The issuer and audience the credential benches verify. */
export const ISSUER = 'https://idp.example.com';
/** The audience. */
export const AUDIENCE = 'analytics-api';

/** One token per user, `user-0`…, signed with `keys`. */
export function tokensFor(keys: BenchKeys, users: number, offset = 0): string[] {
  return Array.from(
    { length: users },
    (_, i) => signJwt(keys, accessClaims(ISSUER, AUDIENCE, `user-${offset + i}`)).token,
  );
}

/** `n` user indexes below `users`, uniformly at random (a deterministic generator, seeded). */
export function randomOrder(users: number, n: number, seed = 42): Uint32Array {
  const out = new Uint32Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = (x >>> 0) % users;
  }
  return out;
}

/** Calls `forToken` for every token, `chunk` at a time; rejects on the first failure. */
export async function populate(tip: TrustedIdentity, tokens: readonly string[], chunk = 500): Promise<void> {
  for (let start = 0; start < tokens.length; start += chunk) {
    await Promise.all(tokens.slice(start, start + chunk).map((t) => tip.forToken(t)));
  }
}
