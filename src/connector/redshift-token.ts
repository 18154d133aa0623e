/**
 * Redshift driver tokens in the token cache: which target a request names, the cached token for it, and
 * the record with a new one. Light on purpose (no AWS SDK): a run the cache answers loads nothing more.
 *
 * @module
 */
import { optionError } from '../errors.js';
import type { RedshiftTarget } from '../services/redshift/types.js';
import {
  type CachedRedshiftToken,
  type CacheRecord,
  MAX_REDSHIFT_TOKENS,
  REDSHIFT_TARGET,
} from './token-cache/record.js';

/** A Redshift Serverless workgroup or a provisioned cluster (the same as the Redshift handle's target). */
export type ConnectorRedshiftTarget = RedshiftTarget;

/**
 * The cache's name of `target` (`workgroup:<name>` or `cluster:<identifier>`).
 *
 * @throws TypeError `ERR_INVALID_OPTION` unless exactly one of `workgroupName` and `clusterIdentifier` is
 *   given, as 1–64 lower-case letters, digits and hyphens.
 */
export function redshiftTargetKey(target: ConnectorRedshiftTarget): string {
  const { workgroupName, clusterIdentifier } = (target ?? {}) as Partial<Record<string, unknown>>;
  const [kind, name] =
    clusterIdentifier === undefined
      ? ['workgroup', workgroupName]
      : workgroupName === undefined
        ? ['cluster', clusterIdentifier]
        : [];
  const key = typeof name === 'string' ? `${kind}:${name}` : undefined;
  if (key === undefined || !REDSHIFT_TARGET.test(key)) {
    throw optionError(
      'workgroupName',
      'or `clusterIdentifier` (one of them, not both) is required: 1–64 lower-case letters, digits and hyphens',
    );
  }
  return key;
}

/**
 * The cached token of `key` in `record`, when it was issued with the record's current role credentials and
 * has more than `marginMs` left; else `undefined`.
 */
export function cachedRedshiftToken(
  record: CacheRecord | undefined,
  key: string,
  marginMs: number,
  now: number = Date.now(),
): CachedRedshiftToken | undefined {
  const role = record?.role;
  if (role === undefined) return undefined;
  const entry = record?.redshift?.find((t) => t.target === key);
  return entry !== undefined && entry.accessKeyId === role.accessKeyId && entry.expiresAt - now > marginMs
    ? entry
    : undefined;
}

/**
 * `record` with `entry` as the token of its target. Tokens of other credentials and expired ones are
 * dropped; past {@link MAX_REDSHIFT_TOKENS} the one expiring first goes.
 */
export function withRedshiftToken(
  record: CacheRecord,
  entry: CachedRedshiftToken,
  now: number = Date.now(),
): CacheRecord {
  const kept = (record.redshift ?? []).filter(
    (t) => t.target !== entry.target && t.accessKeyId === entry.accessKeyId && t.expiresAt > now,
  );
  kept.sort((a, b) => b.expiresAt - a.expiresAt);
  return { ...record, redshift: [entry, ...kept.slice(0, MAX_REDSHIFT_TOKENS - 1)] };
}
