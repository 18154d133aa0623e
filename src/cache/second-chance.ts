/**
 * Second-chance (CLOCK) eviction for a `Map` kept in insertion order: an approximation of least recently
 * used in which a hit only sets a flag, so reading an entry never writes the Map. (Moving a hit entry to
 * the end with `delete` + `set` costs a hash-chain hole per hit; a key hit over and over in a large Map
 * makes its chain, and every lookup of it, grow until the next rehash.)
 *
 * @module
 */

/** An entry of a second-chance map: set `used` on every hit. */
export interface SecondChance {
  /** Set on every hit; eviction clears it and passes the entry over once. */
  used: boolean;
}

/** Most entries one eviction passes over before it evicts regardless (keeps each eviction O(1)). */
const MAX_CHANCES = 8;

/**
 * Removes the oldest entry of `map` not used since it was last passed over, and returns its key
 * (`undefined` when `map` is empty). Each used entry passed over has its flag cleared and moves to the end;
 * after {@link MAX_CHANCES} of them the next entry is evicted whatever its flag. `onEvict` is called with
 * the evicted entry.
 */
export function evictOldest<K, V extends SecondChance>(
  map: Map<K, V>,
  onEvict?: (entry: V) => void,
): K | undefined {
  const keys = map.keys();
  for (let chances = MAX_CHANCES; ; chances--) {
    const next = keys.next();
    if (next.done === true) return undefined;
    const entry = map.get(next.value)!;
    map.delete(next.value);
    if (!entry.used || chances === 0) {
      onEvict?.(entry);
      return next.value;
    }
    entry.used = false;
    map.set(next.value, entry);
  }
}
