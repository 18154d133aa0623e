/**
 * The exchange ledger: which JWTs were exchanged with `CreateTokenWithIAM`, and where each exchange's
 * result is kept. IdC refuses a second exchange of a JWT (a reused `jti`), so the same JWT is never sent
 * twice; instead, a JWT that was exchanged before is served from the result its exchange gave (the IdC
 * token set, with its refresh token), which the ledger keeps for as long as an entry of a JWT names it —
 * even after the in-process LRU evicted the user.
 *
 * The interface is asynchronous so that a shared store can back it (several replicas then read the result
 * another replica's exchange gave instead of exchanging again). {@link createExchangeLedger} is the
 * in-process implementation.
 *
 * @module
 */
import { cacheKey } from '../cache/key.js';
import type { CacheCodec, Clock } from '../cache/types.js';
import type { IdcTokenSet } from './types.js';

/** The answer of {@link ExchangeLedger.claim}. */
export type LedgerClaim =
  | {
      /** This caller may send the JWT to IdC. */
      readonly claimed: true;
    }
  | {
      /** The JWT was exchanged (or is being exchanged) already: it must not be sent again. */
      readonly claimed: false;
      /** Where that exchange keeps its result (see {@link ExchangeLedger.result}). */
      readonly resultKey: string;
      /**
       * When the JWT was claimed (epoch ms), while its exchange may still be running (one still running is
       * younger than its deadline); absent when unknown, or when the ledger knows that exchange finished.
       */
      readonly since?: number;
      /**
       * With `since`: the claimant held the shared store's lock of `resultKey` while it exchanged (see
       * {@link ClaimOptions.locked}), so a caller that holds that lock now knows the claimant's lease ran
       * out — its exchange ended without settling (the replica died) or stalled past the lease.
       */
      readonly locked?: true;
    };

/** Options of {@link ExchangeLedger.claim}. */
export interface ClaimOptions {
  /**
   * The claimant holds the shared store's lock of the result key (the user's IdC tokens) and keeps it,
   * renewed, until its exchange has ended. Default `false`.
   */
  readonly locked?: boolean;
}

/**
 * Which JWTs were exchanged and where each exchange's result is kept. Every process has one in memory; a
 * shared store provides one all replicas share (`SharedCacheStore.exchangeLedger`).
 */
export interface ExchangeLedger {
  /**
   * Claims JWT `id` for an exchange whose result will be kept under `resultKey`, until `expiresAt` (the
   * JWT's `exp`, epoch ms; 1 h when it has none).
   */
  claim(
    id: string,
    resultKey: string,
    expiresAt: number | undefined,
    options?: ClaimOptions,
  ): Promise<LedgerClaim>;
  /** Undoes a claim after an exchange IdC did not complete, so the same JWT may be tried again. */
  release(id: string): Promise<void>;
  /**
   * Marks the claim of JWT `id`, made for `resultKey`, as finished: IdC answered it (its result, if any,
   * is kept already), so a caller that finds the claim does not wait for a result — it serves the kept
   * result or refuses the JWT at once. The claim itself stays until the JWT's `exp`.
   *
   * Optional: without it, a caller of another replica that finds the claim and no usable result waits
   * until the claim is one exchange deadline (`timeouts.timeoutMs`) old before refusing the JWT.
   */
  settle?(id: string, resultKey: string): Promise<void>;
  /**
   * Keeps `tokens` as the latest result under `resultKey` while a live JWT entry names that key. `until`
   * is the `exp` (epoch ms) of the JWT at hand: a shared ledger, which counts no references, keeps the
   * result until the latest `until` it was given (1 h from now without one).
   */
  keep(resultKey: string, tokens: IdcTokenSet, until?: number): Promise<void>;
  /** The latest result kept under `resultKey`, if any. */
  result(resultKey: string): Promise<IdcTokenSet | undefined>;
  /** Drops every kept result held in this process; the JWT entries stay (IdC would still refuse those JWTs). */
  clearResults(): void;
  /**
   * Drops the result kept under `resultKey` (one user forgotten); the JWT entries naming it stay, so
   * those JWTs are refused rather than exchanged again.
   */
  forgetResult(resultKey: string): Promise<void>;
}

/** What a store needs to back a shared {@link ExchangeLedger}; see `SharedCacheStore.exchangeLedger`. */
export interface ExchangeLedgerInit {
  /** Serializes the kept results (IdC token sets; they hold secrets: the store must encrypt them). */
  readonly codec: CacheCodec<IdcTokenSet>;
  /** Epoch milliseconds. */
  readonly clock: Clock;
}

/** Default lifetime of an entry whose JWT has no `exp`, in milliseconds (1 h, the IdC maximum). */
export const NO_EXP_TTL_MS = 3_600_000;
/** Expired entries dropped from the oldest end per claim, so the sweep stays O(1) amortized. */
const SWEEP_PER_CLAIM = 8;

/**
 * The ledger id of a JWT: a digest of (issuer, jti) when it has a `jti`, else of the token itself.
 *
 * @param issuer - Verified `iss`.
 * @param jti - The `jti` claim, if a string.
 * @param token - The compact JWT (only hashed).
 */
export function jwtLedgerId(issuer: string, jti: unknown, token: string): string {
  return typeof jti === 'string' && jti.length > 0
    ? cacheKey('jti', [issuer, jti])
    : cacheKey('jwt', [token]);
}

interface JwtEntry {
  readonly resultKey: string;
  readonly since: number;
  readonly until: number;
  /** Its exchange finished (see {@link ExchangeLedger.settle}). */
  settled: boolean;
  /** Claimed under the user's store lock (see {@link ClaimOptions.locked}). */
  readonly locked: boolean;
}

interface Kept {
  /** Live JWT entries naming this key. */
  refs: number;
  tokens: IdcTokenSet | undefined;
}

/**
 * Creates an in-process ledger. Memory: one entry (two digests and a number, ≈ 0.2 KB) per exchanged JWT
 * until its `exp`, plus — per user — a reference to their latest IdC token set, which costs nothing extra
 * while the user is cached and the token set itself (≈ 2–3 KB) once the LRU evicted them.
 *
 * @param maxEntries - Most JWT entries; the oldest is dropped first. Default `100_000`.
 * @param clock - Epoch milliseconds; default `Date.now`.
 */
export function createExchangeLedger(maxEntries = 100_000, clock: Clock = Date.now): ExchangeLedger {
  const jwts = new Map<string, JwtEntry>();
  const kept = new Map<string, Kept>();

  function drop(id: string, entry: JwtEntry): void {
    jwts.delete(id);
    const holder = kept.get(entry.resultKey);
    if (holder !== undefined && --holder.refs <= 0) kept.delete(entry.resultKey);
  }

  function live(id: string, now: number): JwtEntry | undefined {
    const entry = jwts.get(id);
    if (entry === undefined) return undefined;
    if (entry.until > now) return entry;
    drop(id, entry);
    return undefined;
  }

  function sweep(now: number): void {
    let n = 0;
    for (const [id, entry] of jwts) {
      if (n++ >= SWEEP_PER_CLAIM || (entry.until > now && jwts.size < maxEntries)) break;
      drop(id, entry);
    }
  }

  return {
    async claim(id, resultKey, expiresAt, options) {
      const now = clock();
      const held = live(id, now);
      if (held !== undefined) {
        // A settled claim's exchange is not running any more: a caller has nothing to wait for (its result
        // may since have been dropped).
        if (held.settled) return { claimed: false, resultKey: held.resultKey };
        return {
          claimed: false,
          resultKey: held.resultKey,
          since: held.since,
          ...(held.locked ? { locked: true as const } : {}),
        };
      }
      sweep(now);
      jwts.set(id, {
        resultKey,
        since: now,
        until: expiresAt ?? now + NO_EXP_TTL_MS,
        settled: false,
        locked: options?.locked === true,
      });
      const holder = kept.get(resultKey);
      if (holder === undefined) kept.set(resultKey, { refs: 1, tokens: undefined });
      else holder.refs += 1;
      return { claimed: true };
    },
    async release(id) {
      const entry = jwts.get(id);
      if (entry !== undefined) drop(id, entry);
    },
    async settle(id, resultKey) {
      const entry = live(id, clock());
      if (entry !== undefined && entry.resultKey === resultKey) entry.settled = true;
    },
    async keep(resultKey, tokens) {
      const holder = kept.get(resultKey);
      if (holder !== undefined) holder.tokens = tokens;
    },
    async result(resultKey) {
      return kept.get(resultKey)?.tokens;
    },
    clearResults() {
      for (const holder of kept.values()) holder.tokens = undefined;
    },
    async forgetResult(resultKey) {
      const holder = kept.get(resultKey);
      if (holder !== undefined) holder.tokens = undefined;
    },
  };
}
