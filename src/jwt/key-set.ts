import type { KeyEntry, RejectedKey } from './jwk.js';
import type { KeySet } from './jwks.js';
import type { JwtAlgorithm } from './types.js';

/** Why no single key was selected. */
export type KeyMiss =
  | { readonly code: 'ERR_JWKS_NO_MATCHING_KEY'; readonly reason: 'unknown_kid' | 'no_key_for_alg' }
  | { readonly code: 'ERR_JWKS_MULTIPLE_MATCHING_KEYS'; readonly reason: 'ambiguous' }
  | { readonly code: 'ERR_JWT_ALGORITHM'; readonly reason: 'key_mismatch' }
  | { readonly code: 'ERR_JWK_INVALID'; readonly reason: string };

const UNKNOWN_KID: KeyMiss = { code: 'ERR_JWKS_NO_MATCHING_KEY', reason: 'unknown_kid' };
const NO_KEY_FOR_ALG: KeyMiss = { code: 'ERR_JWKS_NO_MATCHING_KEY', reason: 'no_key_for_alg' };
const AMBIGUOUS: KeyMiss = { code: 'ERR_JWKS_MULTIPLE_MATCHING_KEYS', reason: 'ambiguous' };
const MISMATCH: KeyMiss = { code: 'ERR_JWT_ALGORITHM', reason: 'key_mismatch' };

/** A key set indexed by `kid` for constant-time selection on the hot path. */
export class IndexedKeySet {
  readonly keys: readonly KeyEntry[];
  readonly fetchedAt: number;
  private readonly byKid = new Map<string, KeyEntry[]>();
  private readonly rejectedByKid = new Map<string, string>();

  constructor(set: KeySet, fetchedAt: number) {
    this.keys = set.keys;
    this.fetchedAt = fetchedAt;
    for (const k of set.keys) {
      if (k.kid === undefined) continue;
      const list = this.byKid.get(k.kid);
      if (list === undefined) this.byKid.set(k.kid, [k]);
      else list.push(k);
    }
    for (const r of set.rejected) {
      if (r.kid !== undefined && !this.byKid.has(r.kid)) this.rejectedByKid.set(r.kid, r.reason);
    }
  }

  /**
   * Picks the one key for (`kid`, `alg`). With a `kid`, only keys with that id qualify and one of them must
   * accept `alg`; without one, exactly one key of the set may accept `alg`.
   */
  select(kid: string | undefined, alg: JwtAlgorithm): KeyEntry | KeyMiss {
    if (kid !== undefined) {
      const list = this.byKid.get(kid);
      if (list === undefined) {
        const reason = this.rejectedByKid.get(kid);
        return reason === undefined ? UNKNOWN_KID : { code: 'ERR_JWK_INVALID', reason };
      }
      return pick(list, alg, MISMATCH);
    }
    return pick(this.keys, alg, NO_KEY_FOR_ALG);
  }
}

function pick(list: readonly KeyEntry[], alg: JwtAlgorithm, none: KeyMiss): KeyEntry | KeyMiss {
  let found: KeyEntry | undefined;
  for (const k of list) {
    if (!k.algorithms.has(alg)) continue;
    if (found !== undefined) return AMBIGUOUS;
    found = k;
  }
  return found ?? none;
}

/**
 * Carries unchanged keys over from the previous set (same `kid` and public members), so their imported
 * `KeyObject` and the verified tokens cached with them survive a refresh. Keys no longer listed are marked
 * dead. Returns whether any key died.
 */
export function carryOver(
  previous: IndexedKeySet | undefined,
  next: KeySet,
): { set: KeySet; removed: boolean } {
  if (previous === undefined) return { set: next, removed: false };
  const old = new Map<string, KeyEntry>();
  for (const k of previous.keys) old.set(`${k.kid ?? ''}\u0000${k.fingerprint}`, k);
  const keys = next.keys.map((k) => {
    const id = `${k.kid ?? ''}\u0000${k.fingerprint}`;
    const prior = old.get(id);
    if (prior === undefined) return k;
    old.delete(id);
    return prior;
  });
  for (const dead of old.values()) dead.alive = false;
  const rejected: readonly RejectedKey[] = next.rejected;
  return { set: { keys, rejected }, removed: old.size > 0 };
}
