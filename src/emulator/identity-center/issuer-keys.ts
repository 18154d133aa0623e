/**
 * Keys of trusted token issuers, fetched as IdC does: the OpenID discovery document at
 * `{issuerUrl}/.well-known/openid-configuration`, then its `jwks_uri`. Cached for a short time and
 * refetched when a token names a `kid` the cached set lacks (key rotation), at most once per cooldown.
 */
import { createLocalJWKSet, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';

/** How long a fetched JWKS is used before refetching, ms. */
export const JWKS_TTL_MS = 5 * 60_000;
/** Minimum interval between refetches caused by an unknown `kid`, ms. */
export const JWKS_MISS_COOLDOWN_MS = 1_000;
/** Timeout of each discovery or JWKS request, ms. */
const FETCH_TIMEOUT_MS = 5_000;
/** Largest discovery document or JWKS accepted, bytes. */
const MAX_DOCUMENT_BYTES = 512 * 1024;

/** Why the keys of an issuer could not be obtained (safe to show). */
export class IssuerKeysError extends Error {
  override readonly name = 'IssuerKeysError';
}

interface Entry {
  readonly getKey: JWTVerifyGetKey;
  readonly kids: ReadonlySet<string>;
  readonly fetchedAt: number;
  /** When the last refetch caused by a `kid` miss happened, ms. */
  missRefetchAt: number;
}

async function fetchJson(fetcher: typeof fetch, url: string, what: string): Promise<Record<string, unknown>> {
  let response: Response;
  try {
    response = await fetcher(url, {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
      redirect: 'error',
    });
  } catch {
    throw new IssuerKeysError(`the ${what} of the trusted token issuer could not be fetched`);
  }
  if (!response.ok) {
    throw new IssuerKeysError(`the ${what} of the trusted token issuer answered HTTP ${response.status}`);
  }
  const text = await response.text();
  if (text.length > MAX_DOCUMENT_BYTES)
    throw new IssuerKeysError(`the ${what} of the trusted token issuer is too large`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new IssuerKeysError(`the ${what} of the trusted token issuer is not JSON`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new IssuerKeysError(`the ${what} of the trusted token issuer is not a JSON object`);
  }
  return json as Record<string, unknown>;
}

/** Per-issuer JWKS cache backed by OpenID discovery. */
export class IssuerKeys {
  readonly #entries = new Map<string, Entry>();
  readonly #fetch: typeof fetch;
  readonly #now: () => number;

  /**
   * @param fetcher - The fetch used for discovery and JWKS (the runtime's).
   * @param now - Clock, epoch ms.
   */
  constructor(fetcher: typeof fetch, now: () => number) {
    this.#fetch = fetcher;
    this.#now = now;
  }

  /**
   * A key resolver for tokens of `issuer` whose header names `kid`: the cached set while fresh, a fresh
   * fetch when stale, or when `kid` is unknown and no miss-refetch happened within the cooldown.
   *
   * @throws IssuerKeysError when discovery or JWKS cannot be fetched or are malformed.
   */
  async resolver(issuer: string, kid: string | undefined): Promise<JWTVerifyGetKey> {
    const now = this.#now();
    let entry = this.#entries.get(issuer);
    if (!entry || now - entry.fetchedAt >= JWKS_TTL_MS) {
      entry = await this.#load(issuer, 0);
    } else if (
      kid !== undefined &&
      !entry.kids.has(kid) &&
      now - entry.missRefetchAt >= JWKS_MISS_COOLDOWN_MS
    ) {
      entry = await this.#load(issuer, now);
    }
    return entry.getKey;
  }

  async #load(issuer: string, missRefetchAt: number): Promise<Entry> {
    const base = issuer.replace(/\/+$/, '');
    const discovery = await fetchJson(
      this.#fetch,
      `${base}/.well-known/openid-configuration`,
      'discovery document',
    );
    if (discovery.issuer !== issuer) {
      throw new IssuerKeysError('the discovery document of the trusted token issuer names another issuer');
    }
    const jwksUri = discovery.jwks_uri;
    if (typeof jwksUri !== 'string' || !/^https?:\/\//.test(jwksUri)) {
      throw new IssuerKeysError('the discovery document of the trusted token issuer has no valid jwks_uri');
    }
    const jwks = await fetchJson(this.#fetch, jwksUri, 'JWKS');
    if (!Array.isArray(jwks.keys))
      throw new IssuerKeysError('the JWKS of the trusted token issuer has no keys array');
    const keys = (jwks.keys as unknown[]).filter(
      (k): k is Record<string, unknown> => typeof k === 'object' && k !== null && !Array.isArray(k),
    );
    const kids = new Set(keys.map((k) => k.kid).filter((k): k is string => typeof k === 'string'));
    const entry: Entry = {
      getKey: createLocalJWKSet({ keys } as JSONWebKeySet),
      kids,
      fetchedAt: this.#now(),
      missRefetchAt,
    };
    this.#entries.set(issuer, entry);
    return entry;
  }
}
