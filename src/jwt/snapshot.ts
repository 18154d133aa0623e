import { TipError } from '../errors.js';
import type { IssuerState } from './issuer-state.js';
import { parseJwks } from './jwks.js';
import { RemoteKeySource } from './key-source.js';
import type { JwksCacheSnapshot, PublicJwk } from './types.js';

function invalid(reason: string, issuer?: string): TipError {
  return new TipError(
    'ERR_JWKS_INVALID',
    `The JWKS cache snapshot is malformed (${reason}). Pass the value returned by exportCache(), as is.`,
    { details: issuer === undefined ? { reason } : { issuer, reason } },
  );
}

/** The public keys every remote issuer holds now, with the time they were fetched. */
export function exportSnapshot(issuers: ReadonlyMap<string, IssuerState>): JwksCacheSnapshot {
  const out: Record<string, { fetchedAt: number; keys: PublicJwk[] }> = {};
  for (const [issuer, state] of issuers) {
    if (!(state.source instanceof RemoteKeySource)) continue;
    const set = state.source.current();
    if (set === undefined) continue;
    out[issuer] = { fetchedAt: set.fetchedAt, keys: set.keys.map((k) => ({ ...k.jwk })) };
  }
  return { version: 1, issuers: out };
}

/**
 * Validates a snapshot completely (every JWKS like a fetched one) before applying any of it, then installs
 * each issuer's keys unless the keys held are newer. Times in the future are clamped to `nowMs`.
 */
export function importSnapshot(
  issuers: ReadonlyMap<string, IssuerState>,
  snapshot: unknown,
  nowMs: number,
): void {
  if (typeof snapshot !== 'object' || snapshot === null || Array.isArray(snapshot))
    throw invalid('not_object');
  const s = snapshot as { version?: unknown; issuers?: unknown };
  if (s.version !== 1) throw invalid('version');
  if (typeof s.issuers !== 'object' || s.issuers === null || Array.isArray(s.issuers))
    throw invalid('issuers');
  const apply: Array<[RemoteKeySource, unknown, number]> = [];
  for (const [issuer, entry] of Object.entries(s.issuers as Record<string, unknown>)) {
    const state = issuers.get(issuer);
    if (state === undefined || !(state.source instanceof RemoteKeySource)) continue;
    if (typeof entry !== 'object' || entry === null) throw invalid('entry', issuer);
    const { fetchedAt, keys } = entry as { fetchedAt?: unknown; keys?: unknown };
    if (typeof fetchedAt !== 'number' || !Number.isFinite(fetchedAt) || fetchedAt < 0) {
      throw invalid('fetchedAt', issuer);
    }
    const doc = { keys };
    parseJwks(doc, issuer);
    apply.push([state.source, doc, Math.min(fetchedAt, nowMs)]);
  }
  for (const [source, doc, fetchedAt] of apply) source.apply(doc, fetchedAt);
}
