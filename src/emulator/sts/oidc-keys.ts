/**
 * Keys of web identity issuers for `AssumeRoleWithWebIdentity`: OpenID discovery then JWKS, through the
 * runtime's fetch, cached per issuer for a minute and refetched once when no key matches.
 */
import { type JWTVerifyGetKey, createLocalJWKSet } from 'jose';
import { AwsServiceError } from '../core/types.js';

const TTL_MS = 60_000;
const TIMEOUT_MS = 5_000;
const MAX_DOC_BYTES = 512 * 1024;

interface Entry {
  readonly keys: JWTVerifyGetKey;
  readonly fetchedAt: number;
}

function communicationError(issuer: string, what: string): AwsServiceError {
  return new AwsServiceError(
    'IDPCommunicationError',
    `Couldn't retrieve verification key from your identity provider (${what}) for ${issuer}.`,
    400,
  );
}

async function getJson(fetcher: typeof fetch, url: string, issuer: string): Promise<Record<string, unknown>> {
  let res: Response;
  try {
    res = await fetcher(url, { signal: AbortSignal.timeout(TIMEOUT_MS), redirect: 'error' });
  } catch {
    throw communicationError(issuer, 'unreachable');
  }
  if (!res.ok) throw communicationError(issuer, `HTTP ${res.status}`);
  const text = await res.text();
  if (text.length > MAX_DOC_BYTES) throw communicationError(issuer, 'document too large');
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an object');
    return value as Record<string, unknown>;
  } catch {
    throw communicationError(issuer, 'invalid JSON');
  }
}

/** A per-issuer key cache. */
export interface IssuerKeys {
  /** The key resolver of `issuer`; `fresh` forces a refetch. */
  get(issuer: string, fresh?: boolean): Promise<JWTVerifyGetKey>;
}

/** Creates a key cache over `fetcher`. `now` is real time for cache ages. */
export function createIssuerKeys(fetcher: typeof fetch, now: () => number = Date.now): IssuerKeys {
  const cache = new Map<string, Entry>();
  return {
    async get(issuer, fresh = false) {
      const hit = cache.get(issuer);
      if (hit && !fresh && now() - hit.fetchedAt < TTL_MS) return hit.keys;
      const discovery = await getJson(
        fetcher,
        `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`,
        issuer,
      );
      if (discovery.issuer !== issuer) throw communicationError(issuer, 'discovery names another issuer');
      if (typeof discovery.jwks_uri !== 'string') throw communicationError(issuer, 'no jwks_uri');
      const jwks = await getJson(fetcher, discovery.jwks_uri, issuer);
      let keys: JWTVerifyGetKey;
      try {
        keys = createLocalJWKSet(jwks as unknown as Parameters<typeof createLocalJWKSet>[0]);
      } catch {
        throw communicationError(issuer, 'invalid JWKS');
      }
      cache.set(issuer, { keys, fetchedAt: now() });
      return keys;
    },
  };
}
