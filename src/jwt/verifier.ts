import { raceAbort } from '../aws/abort.js';
import { TipError, isTipError, optionError } from '../errors.js';
import { checkClaims, checkTimes, timesHold } from './claims.js';
import { type DecodedJws, decodeJws } from './decode.js';
import {
  algorithmNotAllowedError,
  checkFailedError,
  keyMissError,
  signatureError,
  unknownIssuerError,
} from './errors.js';
import type { IssuerState } from './issuer-state.js';
import type { KeyEntry } from './jwk.js';
import { parseJwks } from './jwks.js';
import { IndexedKeySet } from './key-set.js';
import { LocalKeySource, RemoteKeySource, type RemoteSettings, abortedError } from './key-source.js';
import { type ResolvedOptions, resolveOptions } from './options.js';
import { verifySignature } from './signature.js';
import { exportSnapshot, importSnapshot } from './snapshot.js';
import { type CachedToken, TokenCache } from './token-cache.js';
import type {
  JSONObject,
  JwtHeader,
  JwtVerifier,
  JwtVerifierOptions,
  VerifiedJwt,
  VerifyOptions,
} from './types.js';

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const k in value) deepFreeze(value[k]);
  }
  return value;
}

function buildSources(o: ResolvedOptions, settings: RemoteSettings): Map<string, IssuerState> {
  const issuers = new Map<string, IssuerState>();
  for (const [i, policy] of o.issuers.entries()) {
    if (policy.jwks === undefined) {
      const source = new RemoteKeySource(policy.issuer, policy.jwksUri, policy.allowHttp, settings);
      issuers.set(policy.issuer, { policy, source });
      continue;
    }
    let set: ReturnType<typeof parseJwks>;
    try {
      set = parseJwks(policy.jwks, policy.issuer);
    } catch {
      throw optionError(
        `issuers[${i}].jwks`,
        'must be a JWKS: an object with a "keys" array (at most 100 keys)',
      );
    }
    if (set.keys.length === 0) {
      const why = set.rejected.map((r) => r.reason).join(', ') || 'empty';
      throw optionError(`issuers[${i}].jwks`, `holds no usable public signing key (${why})`);
    }
    issuers.set(policy.issuer, { policy, source: new LocalKeySource(new IndexedKeySet(set, 0)) });
  }
  return issuers;
}

/**
 * Creates a verifier for JWTs from one or more trusted issuers. Each issuer has its own audiences,
 * algorithms, clock tolerance, required claims, `typ`, scopes, custom check and keys (local, a JWKS URL, or
 * OpenID discovery). Options are validated now (a `TypeError` names the bad option) and frozen.
 *
 * Verified tokens are cached under the whole token, so a reused bearer token is verified once; `exp`/`nbf` are re-checked on every hit and an entry is dropped when its key leaves the JWKS.
 *
 * @example
 * ```ts
 * const verifier = createJwtVerifier({
 *   issuers: [{ issuer: 'https://idp.example.com', audience: 'analytics-api', algorithms: ['RS256'], typ: 'at+jwt' }],
 * });
 * const { subject, claims } = await verifier.verify(bearerToken);
 * ```
 */
export function createJwtVerifier<C extends JSONObject = JSONObject>(
  options: JwtVerifierOptions<C>,
): JwtVerifier<C> {
  const o = resolveOptions(options as JwtVerifierOptions);
  const cache = new TokenCache(o.maxCachedTokens);
  const caching = o.maxCachedTokens > 0;
  const settings: RemoteSettings = {
    fetch: o.fetch,
    now: o.now,
    maxAgeMs: o.maxAgeMs,
    cooldownMs: o.cooldownMs,
    timeoutMs: o.timeoutMs,
    maxResponseBytes: o.maxResponseBytes,
    logger: options.logger,
    onKeysRemoved: () => cache.sweep(o.now()),
  };
  const issuers = buildSources(o, settings);
  const logRefreshFailure = (issuer: string) => (error: unknown) => {
    options.logger?.debug(
      { issuer, code: isTipError(error) ? error.code : 'unknown' },
      'tip-sdk: background JWKS refresh failed; serving known keys',
    );
  };

  function refreshIfStale(state: IssuerState, now: number): void {
    const src = state.source;
    if (src.isStale(now) && src.canFetch(now)) src.refresh().catch(logRefreshFailure(state.policy.issuer));
  }

  function issuerOf(payload: Record<string, unknown>): IssuerState {
    const iss = payload.iss;
    if (typeof iss !== 'string') throw unknownIssuerError('missing');
    const state = issuers.get(iss);
    if (state === undefined) throw unknownIssuerError('unknown');
    return state;
  }

  function remember(
    cacheKey: string | undefined,
    result: VerifiedJwt,
    nbfMs: number | undefined,
    key: KeyEntry,
    state: IssuerState,
    now: number,
  ): void {
    // Tokens without `exp` are never cached: nothing would bound the entry's life.
    if (cacheKey !== undefined && result.expiresAt !== undefined) {
      const entry = {
        token: cacheKey,
        result,
        expMs: result.expiresAt,
        nbfMs,
        key,
        issuer: state,
        used: false,
        attached: undefined,
      };
      cache.set(entry, now);
    }
  }

  function finish(
    d: DecodedJws,
    state: IssuerState,
    key: KeyEntry,
    now: number,
    digest: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<VerifiedJwt> {
    const policy = state.policy;
    if (!verifySignature(d.alg, key, d.signingInput, d.signature)) throw signatureError(policy.issuer);
    const c = checkClaims(d.header, d.payload, policy, now);
    const result: VerifiedJwt = Object.freeze({
      issuer: policy.issuer,
      subject: c.subject,
      audience: Object.freeze(c.audience),
      expiresAt: c.expMs,
      issuedAt: c.iatMs,
      claims: deepFreeze(d.payload) as JSONObject,
      header: d.header as JwtHeader,
    });
    const check = policy.check;
    if (check === undefined) {
      remember(digest, result, c.nbfMs, key, state, now);
      return Promise.resolve(result);
    }
    let outcome: ReturnType<typeof check>;
    try {
      outcome = check(result);
    } catch (error) {
      throw checkFailedError(policy.issuer, error);
    }
    const checked = Promise.resolve(outcome).then(
      (value) => {
        if (value === false) throw checkFailedError(policy.issuer);
        remember(digest, result, c.nbfMs, key, state, now);
        return result;
      },
      (error: unknown) => {
        throw checkFailedError(policy.issuer, error);
      },
    );
    // An asynchronous check is user code that may never settle: the caller's signal still ends the wait.
    return raceAbort(checked, signal, abortedError);
  }

  async function slowPath(
    d: DecodedJws,
    state: IssuerState,
    digest: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<VerifiedJwt> {
    const src = state.source;
    try {
      await raceAbort(src.refresh(), signal, abortedError);
    } catch (error) {
      // Known keys keep working while the endpoint is down; without any, the failure is the answer.
      if (src.current() === undefined || isTipError(error, 'ERR_ABORTED')) throw error;
    }
    const set = src.current();
    if (set === undefined) {
      throw new TipError(
        'ERR_JWKS_UNAVAILABLE',
        `No keys of issuer ${state.policy.issuer} are loaded yet. Retry shortly, or call hydrate() at start-up.`,
        { details: { issuer: state.policy.issuer, reason: 'no_keys' } },
      );
    }
    const selected = set.select(d.kid, d.alg);
    if (!('key' in selected)) throw keyMissError(selected, state.policy.issuer, d.kid);
    return finish(d, state, selected, o.now(), digest, signal);
  }

  function verify(token: string, opts?: VerifyOptions): Promise<VerifiedJwt> {
    try {
      const signal = opts?.signal;
      if (signal?.aborted === true) return Promise.reject(abortedError());
      const now = o.now();
      let cacheKey: string | undefined;
      if (caching && typeof token === 'string' && token.length <= o.maxTokenBytes) {
        // Only the very same string hits.
        cacheKey = token;
        const hit = cache.get(token);
        if (hit !== undefined) {
          if (hit.key.alive) {
            try {
              checkTimes(hit.expMs, hit.nbfMs, now, hit.issuer.policy);
            } catch (error) {
              cache.delete(token);
              throw error;
            }
            refreshIfStale(hit.issuer, now);
            return Promise.resolve(hit.result);
          }
          cache.delete(token);
        }
      }
      const d = decodeJws(token, o.maxTokenBytes);
      const state = issuerOf(d.payload);
      if (!state.policy.algorithms.has(d.alg)) throw algorithmNotAllowedError(state.policy.issuer);
      const set = state.source.current();
      if (set !== undefined) {
        refreshIfStale(state, now);
        const selected = set.select(d.kid, d.alg);
        if ('key' in selected) return finish(d, state, selected, now, cacheKey, signal);
        if (selected.code !== 'ERR_JWKS_NO_MATCHING_KEY' || !state.source.canFetch(now)) {
          throw keyMissError(selected, state.policy.issuer, d.kid);
        }
      }
      return slowPath(d, state, cacheKey, signal);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  const verifier: JwtVerifier<C> = Object.freeze({
    verify: verify as JwtVerifier<C>['verify'],
    async hydrate(opts?: VerifyOptions): Promise<void> {
      const remote = [...issuers.values()].filter((s) => s.source instanceof RemoteKeySource);
      await raceAbort(Promise.all(remote.map((s) => s.source.refresh())), opts?.signal, abortedError);
    },
    exportCache: () => exportSnapshot(issuers),
    importCache: (snapshot: unknown) => importSnapshot(issuers, snapshot, o.now()),
  });
  if (caching) {
    slotsOf.set(verifier, {
      hit(token) {
        if (token.length > o.maxTokenBytes) return undefined;
        const entry = cache.get(token);
        if (entry === undefined || !entry.key.alive) return undefined;
        const now = o.now();
        // Anything but a plain valid hit is left to verify(), which says why.
        if (!timesHold(entry.expMs, entry.nbfMs, now, entry.issuer.policy)) return undefined;
        refreshIfStale(entry.issuer, now);
        return entry;
      },
      peek: (token) => cache.peek(token),
    });
  }
  return verifier;
}

/**
 * Synchronous access to the verified-token cache of a verifier made by {@link createJwtVerifier}, for the
 * trusted identity that made it: a resent token's entry carries that identity's session.
 */
export interface VerifiedTokenSlots {
  /**
   * The entry of `token` when it is cached, its key still in the JWKS and its `exp`/`nbf` hold now (a hit,
   * as `verify` would resolve it); otherwise `undefined`, and `verify` decides.
   */
  hit(token: string): CachedToken | undefined;
  /** The entry of `token`, if cached, without touching its recency. */
  peek(token: string): CachedToken | undefined;
}

const slotsOf = new WeakMap<object, VerifiedTokenSlots>();

/** The {@link VerifiedTokenSlots} of `verifier`, when it is one of {@link createJwtVerifier} that caches. */
export function verifiedTokenSlots(verifier: object): VerifiedTokenSlots | undefined {
  return slotsOf.get(verifier);
}
