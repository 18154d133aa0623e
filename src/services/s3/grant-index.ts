/**
 * The in-process index of S3 Access Grants credentials by the scope they cover and their permission. A
 * lookup walks from the exact object up through every enclosing prefix, so one cached `s3://b/p/*` grant
 * serves every key under `p/`, and READWRITE credentials serve READ and WRITE.
 *
 * @module
 */
import type { Clock } from '../../cache/types.js';
import { coveringScopes, formatTarget, servingPermissions } from './uri.js';
import type { GrantPermission, S3Target } from './uri.js';
import type { DataAccess } from './types.js';

/** A bounded LRU map from `permission scope` to credentials. */
export class GrantIndex {
  readonly #entries = new Map<string, DataAccess>();
  readonly #max: number;
  readonly #clock: Clock;

  /**
   * @param max - Most entries kept; the least recently used is dropped first.
   * @param clock - Epoch-millisecond clock.
   */
  constructor(max: number, clock: Clock) {
    this.#max = max;
    this.#clock = clock;
  }

  /** Number of entries held. */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * The cached credentials covering `target` with a permission serving `permission`, valid at least
   * `minRemainingMs` more, most specific scope first. With `exact`, only credentials scoped to `target`
   * itself (a `Minimal` request must not get a wider grant's credentials).
   */
  find(
    target: S3Target,
    permission: GrantPermission,
    minRemainingMs: number,
    exact = false,
  ): DataAccess | undefined {
    const now = this.#clock();
    const perms = servingPermissions(permission);
    for (const scope of exact ? [formatTarget(target)] : coveringScopes(target)) {
      for (const perm of perms) {
        const key = `${perm} ${scope}`;
        const hit = this.#entries.get(key);
        if (hit === undefined) continue;
        if (hit.expiresAt - now <= 0) {
          this.#entries.delete(key);
          continue;
        }
        if (hit.expiresAt - now <= minRemainingMs) continue;
        this.#entries.delete(key);
        this.#entries.set(key, hit);
        return hit;
      }
    }
    return undefined;
  }

  /** Records credentials under the scope they cover. A newer expiry replaces an older one. */
  add(access: DataAccess): void {
    const key = `${access.permission} ${access.scope}`;
    const old = this.#entries.get(key);
    if (old !== undefined && old.expiresAt >= access.expiresAt) return;
    this.#entries.delete(key);
    this.#entries.set(key, access);
    while (this.#entries.size > this.#max) {
      const oldest = this.#entries.keys().next().value as string;
      this.#entries.delete(oldest);
    }
  }

  /** Forgets every entry. */
  clear(): void {
    this.#entries.clear();
  }
}

/** Short-lived memory of denials, so a scan over denied keys does not call GetDataAccess per key. */
export class DenialCache {
  readonly #until = new Map<string, number>();
  readonly #ttlMs: number;
  readonly #clock: Clock;
  readonly #max: number;

  /**
   * @param ttlMs - How long a denial is remembered, in milliseconds; `0` disables the cache.
   * @param max - Most entries kept.
   * @param clock - Epoch-millisecond clock.
   */
  constructor(ttlMs: number, max: number, clock: Clock) {
    this.#ttlMs = ttlMs;
    this.#max = max;
    this.#clock = clock;
  }

  /** True when `key` was denied less than the TTL ago. */
  has(key: string): boolean {
    const until = this.#until.get(key);
    if (until === undefined) return false;
    if (until > this.#clock()) return true;
    this.#until.delete(key);
    return false;
  }

  /** Remembers a denial of `key`. */
  add(key: string): void {
    if (this.#ttlMs <= 0) return;
    this.#until.delete(key);
    this.#until.set(key, this.#clock() + this.#ttlMs);
    while (this.#until.size > this.#max) this.#until.delete(this.#until.keys().next().value as string);
  }

  /** Forgets every denial. */
  clear(): void {
    this.#until.clear();
  }
}
