/**
 * The IdC token set the token cache keeps beside a profile's role credentials (what `tip-sdk token`
 * prints for an `oidc` profile).
 *
 * @module
 */
import type { IdcTokenSet } from '../identity-center/types.js';
import { idcTokenCodec } from '../session/codecs.js';
import type { CachedStoreEntry } from './token-cache/record.js';

/** The newest unexpired IdC token set among `store` entries, if any. */
export function idcTokenSetOf(
  store: Readonly<Record<string, CachedStoreEntry>> | undefined,
  now: number,
): IdcTokenSet | undefined {
  let best: IdcTokenSet | undefined;
  for (const entry of Object.values(store ?? {})) {
    if (entry.expiresAt <= now) continue;
    try {
      const decoded = idcTokenCodec.decode(entry.value);
      if (decoded.value.expiresAt > now && (best === undefined || decoded.value.expiresAt > best.expiresAt))
        best = decoded.value;
    } catch {
      // Not an IdC token set.
    }
  }
  return best;
}
