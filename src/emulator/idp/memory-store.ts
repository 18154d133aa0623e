/**
 * In-memory storage for oidc-provider models (sessions, interactions, grants, codes, tokens).
 *
 * One store outlives the provider instances that key rotation swaps in, so sessions, grants and
 * half-finished logins survive a rotation. Entries expire lazily (checked on read, swept now and then on
 * write): no timers, so nothing keeps the process alive. At most {@link MAX_STORE_ENTRIES} entries are
 * kept; the oldest writes go first.
 */
import type { Adapter, AdapterFactory, AdapterPayload } from 'oidc-provider';

interface Entry {
  payload: AdapterPayload;
  /** Epoch milliseconds, or undefined for no expiry. */
  expiresAt: number | undefined;
}

/** How many writes between sweeps of expired entries. */
const SWEEP_EVERY = 256;

/** The most entries kept; beyond it the oldest writes are dropped (a long-running demo stays bounded). */
export const MAX_STORE_ENTRIES = 50_000;

/** A process-local store shared by every provider instance of one embedded IdP. */
export class IdpMemoryStore {
  private readonly entries = new Map<string, Entry>();
  private writes = 0;

  /** The oidc-provider `adapter` option: one adapter per model name, all backed by this store. */
  readonly adapterFactory: AdapterFactory = (name: string) => this.adapterFor(name);

  /** The number of entries held (expired ones included until swept). */
  get size(): number {
    return this.entries.size;
  }

  /** Drops every entry. */
  clear(): void {
    this.entries.clear();
  }

  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt !== undefined && entry.expiresAt <= Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  private sweep(): void {
    const now = Date.now();
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt !== undefined && entry.expiresAt <= now) this.entries.delete(key);
    }
  }

  private adapterFor(name: string): Adapter {
    const key = (id: string) => `${name}:${id}`;
    const findBy = (field: 'uid' | 'userCode', value: string): AdapterPayload | undefined => {
      const prefix = `${name}:`;
      for (const [k] of this.entries) {
        if (!k.startsWith(prefix)) continue;
        const entry = this.live(k);
        if (entry !== undefined && entry.payload[field] === value) return structuredClone(entry.payload);
      }
      return undefined;
    };
    return {
      upsert: async (id, payload, expiresIn) => {
        this.writes += 1;
        if (this.writes % SWEEP_EVERY === 0) this.sweep();
        const expiresAt = typeof expiresIn === 'number' ? Date.now() + expiresIn * 1000 : undefined;
        // Re-inserting moves the entry to the end, so eviction drops the least recently written.
        this.entries.delete(key(id));
        this.entries.set(key(id), { payload: structuredClone(payload), expiresAt });
        if (this.entries.size > MAX_STORE_ENTRIES) this.sweep();
        for (const oldest of this.entries.keys()) {
          if (this.entries.size <= MAX_STORE_ENTRIES) break;
          this.entries.delete(oldest);
        }
      },
      find: async (id) => {
        const entry = this.live(key(id));
        return entry === undefined ? undefined : structuredClone(entry.payload);
      },
      findByUid: async (uid) => findBy('uid', uid),
      findByUserCode: async (userCode) => findBy('userCode', userCode),
      consume: async (id) => {
        const entry = this.live(key(id));
        if (entry !== undefined) entry.payload.consumed = Math.floor(Date.now() / 1000);
      },
      destroy: async (id) => {
        this.entries.delete(key(id));
      },
      revokeByGrantId: async (grantId) => {
        for (const [k, entry] of this.entries) {
          if (entry.payload.grantId === grantId) this.entries.delete(k);
        }
      },
    };
  }
}
