import { TipError } from '../errors.js';
import { discoveryUrl, parseDiscovery } from './discovery.js';
import { fetchJson } from './fetch-json.js';
import { parseJwks } from './jwks.js';
import { IndexedKeySet, carryOver } from './key-set.js';
import type { FetchLike, JwtVerifierLogger } from './types.js';

/** Settings shared by every remote key source of one verifier. */
export interface RemoteSettings {
  readonly fetch: FetchLike;
  readonly now: () => number;
  readonly maxAgeMs: number;
  readonly cooldownMs: number;
  readonly timeoutMs: number;
  readonly maxResponseBytes: number;
  readonly logger: JwtVerifierLogger | undefined;
  /** Called when a refresh dropped keys, so verified tokens cached with them can be forgotten. */
  readonly onKeysRemoved: () => void;
}

/** Where one issuer's keys come from. Keys are never shared between issuers. */
export interface KeySource {
  /** The keys held now, or `undefined` before the first successful load. */
  current(): IndexedKeySet | undefined;
  /** True when waiting for keys may help: a fetch is in flight, or the cooldown since the last one is over. */
  canFetch(now: number): boolean;
  /** True when the held keys are older than the max age and no fetch is in flight. */
  isStale(now: number): boolean;
  /** Loads keys once (single flight); rejects with a `TipError`. */
  refresh(): Promise<void>;
}

/** Keys given in the options: never fetched, never stale. */
export class LocalKeySource implements KeySource {
  constructor(private readonly set: IndexedKeySet) {}
  current(): IndexedKeySet {
    return this.set;
  }
  canFetch(): boolean {
    return false;
  }
  isStale(): boolean {
    return false;
  }
  refresh(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * Keys fetched from a JWKS URL, found through OpenID discovery unless configured. One fetch in flight at a
 * time; at most one fetch per cooldown whatever its outcome (a failed fetch is not retried before the
 * cooldown either: the penalty box); known keys keep working while the endpoint is down; a result older
 * than the one held never replaces it. One deadline covers discovery and JWKS together.
 */
export class RemoteKeySource implements KeySource {
  private set: IndexedKeySet | undefined;
  private inflight: Promise<void> | undefined;
  private lastAttempt = Number.NEGATIVE_INFINITY;
  /** The failure of the last fetch, until one succeeds: the answer while the cooldown runs. */
  private lastFailure: TipError | undefined;
  private jwksUri: string | undefined;

  constructor(
    readonly issuer: string,
    configuredJwksUri: string | undefined,
    private readonly allowHttp: boolean,
    private readonly settings: RemoteSettings,
  ) {
    this.jwksUri = configuredJwksUri;
  }

  current(): IndexedKeySet | undefined {
    return this.set;
  }

  canFetch(now: number): boolean {
    return this.inflight !== undefined || now - this.lastAttempt >= this.settings.cooldownMs;
  }

  isStale(now: number): boolean {
    return (
      this.inflight === undefined &&
      this.set !== undefined &&
      now - this.set.fetchedAt >= this.settings.maxAgeMs
    );
  }

  refresh(): Promise<void> {
    if (this.inflight !== undefined) return this.inflight;
    const startedAt = this.settings.now();
    const sinceLast = startedAt - this.lastAttempt;
    if (sinceLast < this.settings.cooldownMs) {
      // Inside the cooldown nothing is fetched, whether the last fetch failed or not.
      const last = this.lastFailure;
      return last === undefined
        ? Promise.resolve()
        : Promise.reject(cooldownError(last, this.settings.cooldownMs - sinceLast));
    }
    this.lastAttempt = startedAt;
    const run = this.load()
      .then((doc) => {
        this.apply(doc, startedAt);
        this.lastFailure = undefined;
      })
      .catch((error: unknown) => {
        // A malformed JWKS (thrown by apply) is a failed fetch too.
        this.lastFailure = error instanceof TipError ? error : undefined;
        throw error;
      });
    const tracked = run.finally(() => {
      if (this.inflight === tracked) this.inflight = undefined;
    });
    this.inflight = tracked;
    return tracked;
  }

  /**
   * Installs validated keys fetched (or exported) at `fetchedAt`, unless the keys held are newer: the
   * sequence guard that keeps a slow, older answer from overwriting a newer one.
   */
  apply(doc: unknown, fetchedAt: number): boolean {
    const parsed = parseJwks(doc, this.issuer);
    if (this.set !== undefined && fetchedAt < this.set.fetchedAt) return false;
    const { set, removed } = carryOver(this.set, parsed);
    this.set = new IndexedKeySet(set, fetchedAt);
    this.settings.logger?.debug(
      { issuer: this.issuer, keys: set.keys.length, rejected: set.rejected.length },
      'tip-sdk: JWKS loaded',
    );
    if (removed) this.settings.onKeysRemoved();
    return true;
  }

  /** Discovery (unless the JWKS URL is known) and the JWKS, under one deadline of `timeoutMs`. */
  private async load(): Promise<unknown> {
    const s = this.settings;
    const deadline = new AbortController();
    // Not unref'd: a verification waiting for these keys keeps the process alive until it settles.
    const timer = setTimeout(
      () => deadline.abort(new DOMException('The key load deadline passed.', 'TimeoutError')),
      s.timeoutMs,
    );
    const base = {
      fetch: s.fetch,
      signal: deadline.signal,
      maxBytes: s.maxResponseBytes,
      issuer: this.issuer,
    };
    try {
      let uri = this.jwksUri;
      if (uri === undefined) {
        const url = discoveryUrl(this.issuer);
        s.logger?.debug({ issuer: this.issuer, url }, 'tip-sdk: fetching OpenID discovery');
        const doc = await fetchJson(url, { ...base, kind: 'discovery' });
        uri = parseDiscovery(doc, this.issuer, this.allowHttp);
        this.jwksUri = uri;
      }
      s.logger?.debug({ issuer: this.issuer, url: uri }, 'tip-sdk: fetching JWKS');
      return await fetchJson(uri, { ...base, kind: 'jwks' });
    } finally {
      clearTimeout(timer);
    }
  }
}

/** The answer to a verification that needs keys while the cooldown after a failed fetch runs. */
function cooldownError(last: TipError, remainingMs: number): TipError {
  return new TipError(
    last.code,
    `${last.message} Not fetched again for ${Math.ceil(remainingMs / 1000)} s (jwksCache.cooldownMs).`,
    { cause: last, details: { ...last.details, retryAfterMs: Math.ceil(remainingMs) } },
  );
}

/** The error for an aborted verification. */
export function abortedError(): TipError {
  return new TipError('ERR_ABORTED', 'Token verification was aborted through its AbortSignal.', {
    details: { reason: 'aborted' },
  });
}
