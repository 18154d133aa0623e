/**
 * Second-chance (CLOCK) eviction: an approximation of least recently used in which a hit only sets a
 * flag, so reading an entry never writes the map. (Moving a hit entry to the end with `delete` + `set`
 * costs a hash-chain hole per hit; a key hit over and over in a large Map makes its chain, and every
 * lookup of it, grow until the next rehash.)
 *
 * The order of eviction is kept in a queue beside the map, not read from the Map's own insertion order:
 * a Map whose oldest entries keep being deleted holds their holes until it rehashes, and walking from its
 * first key past them costs time in proportion to the map's size (measured: 0.8 µs per eviction at 750
 * entries, 5.6 µs at 10 000, 39 µs at 100 000). The queue makes each eviction O(1) amortized.
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

/** Consumed queue slots kept before the queue is cut (so the cut costs O(1) per eviction). */
const TRIM_AFTER = 1024;

/**
 * A `Map` with {@link SecondChanceMap.evictOldest}: every value set under a key is queued in order, and
 * eviction takes the oldest queued value that is still in the map and was not used since it was last
 * passed over. Reads, `has`, `delete` and iteration are the Map's own. Built empty (no entries argument).
 */
export class SecondChanceMap<K, V extends SecondChance> extends Map<K, V> {
  #keys: (K | undefined)[] = [];
  #values: (V | undefined)[] = [];
  #head = 0;

  /** Sets `key` to `value`; a value new to `key` joins the end of the eviction queue. */
  override set(key: K, value: V): this {
    if (super.get(key) !== value) {
      this.#keys.push(key);
      this.#values.push(value);
      // Entries deleted or replaced leave their queue slots behind: drop them once they outnumber the map.
      if (this.#keys.length - this.#head > 2 * this.size + 64) this.#compact();
    }
    return super.set(key, value);
  }

  override clear(): void {
    super.clear();
    this.#keys = [];
    this.#values = [];
    this.#head = 0;
  }

  /**
   * Removes the oldest entry not used since it was last passed over, and returns its key (`undefined` when
   * the map is empty). Each used entry passed over has its flag cleared and goes to the end of the queue;
   * after {@link MAX_CHANCES} of them the next entry is evicted whatever its flag. `onEvict` is called with
   * the evicted entry.
   */
  evictOldest(onEvict?: (entry: V) => void): K | undefined {
    let chances = MAX_CHANCES;
    while (this.size > 0) {
      if (this.#head >= this.#keys.length) this.#compact(true);
      const i = this.#head++;
      const key = this.#keys[i] as K;
      const entry = this.#values[i] as V;
      this.#keys[i] = undefined;
      this.#values[i] = undefined;
      if (this.#head >= TRIM_AFTER && this.#head * 2 >= this.#keys.length) this.#compact();
      if (super.get(key) !== entry) continue; // deleted or replaced since it was queued
      if (!entry.used || chances === 0) {
        super.delete(key);
        onEvict?.(entry);
        return key;
      }
      chances--;
      entry.used = false;
      this.#keys.push(key);
      this.#values.push(entry);
    }
    return undefined;
  }

  /**
   * Keeps only the queue slots of entries still in the map, once each, in queue order; `fromMap` rebuilds
   * the queue from the map's order instead (a queue that lost track of an entry, which `set` prevents).
   */
  #compact(fromMap = false): void {
    const keys: K[] = [];
    const values: V[] = [];
    if (fromMap) {
      for (const [k, v] of super.entries()) {
        keys.push(k);
        values.push(v);
      }
    } else {
      const seen = new Set<V>();
      for (let i = this.#head; i < this.#keys.length; i++) {
        const k = this.#keys[i] as K;
        const v = this.#values[i];
        if (v === undefined || seen.has(v) || super.get(k) !== v) continue;
        seen.add(v);
        keys.push(k);
        values.push(v);
      }
    }
    this.#keys = keys;
    this.#values = values;
    this.#head = 0;
  }
}
