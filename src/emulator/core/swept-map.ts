/**
 * A map of what the emulator issued, bounded and swept: expired entries go in batches, the oldest first
 * past a size limit, each insert O(1) amortized. The IdC token store and the STS session registry keep
 * their state in it.
 *
 * @module
 */

/** Size below which a map is never swept. */
const MIN_SWEEP = 1024;

/**
 * A map whose expired entries are swept in batches: a sweep runs once the map has doubled since the last
 * one, so each insert costs O(1) amortized. Past `max` entries the oldest insert is dropped. The order of
 * inserts is a queue beside the map: finding the oldest by the Map's own first key would walk the holes
 * that earlier drops left at its front, in time proportional to the map's size.
 */
export class SweptMap<V> {
  readonly #map = new Map<string, V>();
  #order: string[] = [];
  #head = 0;
  #nextSweep = MIN_SWEEP;

  /**
   * @param max - Most entries; past it the oldest insert is dropped.
   * @param isStale - Whether an entry may be swept at `now` (epoch ms).
   */
  constructor(
    private readonly max: number,
    private readonly isStale: (value: V, now: number) => boolean,
  ) {}

  /** Sets `key`; a key already present keeps its place in the order (keys are digests of new values). */
  set(key: string, value: V, now: number): void {
    if (!this.#map.has(key)) this.#order.push(key);
    this.#map.set(key, value);
    if (this.#map.size > this.max) this.#dropOldest();
    if (this.#map.size >= this.#nextSweep) this.sweep(now);
    // Deleted and swept keys leave their places behind: drop those once they outnumber the map.
    if (this.#order.length - this.#head > 2 * this.#map.size + MIN_SWEEP) this.#compact();
  }

  /** Drops every stale entry now (an insert does it by itself once the map doubled since the last sweep). */
  sweep(now: number): void {
    for (const [k, v] of this.#map) if (this.isStale(v, now)) this.#map.delete(k);
    this.#nextSweep = Math.max(MIN_SWEEP, this.#map.size * 2);
    if (this.#order.length - this.#head > 2 * this.#map.size + MIN_SWEEP) this.#compact();
  }

  #dropOldest(): void {
    while (this.#head < this.#order.length) {
      const key = this.#order[this.#head++]!;
      if (this.#map.delete(key)) break;
    }
    if (this.#head >= MIN_SWEEP && this.#head * 2 >= this.#order.length) this.#compact();
  }

  #compact(): void {
    const live: string[] = [];
    for (let i = this.#head; i < this.#order.length; i++) {
      const key = this.#order[i]!;
      if (this.#map.has(key)) live.push(key);
    }
    this.#order = live;
    this.#head = 0;
  }

  /** The entry of `key`, stale or not. */
  get(key: string): V | undefined {
    return this.#map.get(key);
  }

  /** Whether `key` has an entry. */
  has(key: string): boolean {
    return this.#map.has(key);
  }

  /** Drops the entry of `key`. */
  delete(key: string): void {
    this.#map.delete(key);
  }

  /** Entries held. */
  get size(): number {
    return this.#map.size;
  }
}
