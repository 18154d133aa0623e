/**
 * Values in Athena's text result format: every datum is a `VarCharValue` string, NULL is an empty datum.
 * Timestamps have milliseconds (`2024-01-02 03:04:05.000`), arrays print as `[a, b]`, maps and rows as
 * `{k=v, k2=v2}`, booleans as `true`/`false`, json columns as compact JSON.
 */
import type { Datum } from '@aws-sdk/client-athena';
import type { AthenaType } from './column-info.js';

/** One row as Athena `Data`. */
export function formatRow(values: readonly unknown[], types: readonly AthenaType[]): Datum[] {
  return values.map((v, i) =>
    v === null || v === undefined ? {} : { VarCharValue: formatValue(v, types[i]?.type) },
  );
}

/** Text of one non-null value of Athena type `type`. */
export function formatValue(value: unknown, type: string | undefined): string {
  if (type === 'json') return JSON.stringify(value) ?? 'null';
  if (type === 'timestamp' && typeof value === 'string') return formatTimestamp(value);
  return nested(value);
}

function nested(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(nested).join(', ')}]`;
  if (typeof value === 'object') {
    return `{${Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${k}=${nested(v)}`)
      .join(', ')}}`;
  }
  return String(value);
}

/**
 * Postgres `2024-01-02 03:04:05.1` (or with a `+00` offset for timestamptz) → `2024-01-02 03:04:05.100`
 * (`… UTC` for a time zone). Other text is returned unchanged.
 */
export function formatTimestamp(text: string): string {
  const m = /^(\d{4,}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:\.(\d+))?([+-]\d{2}(?::?\d{2})?)?( BC)?$/.exec(text);
  if (!m) return text;
  const millis = (m[3] ?? '').padEnd(3, '0').slice(0, 3);
  const zone = m[4] === undefined ? '' : m[4] === '+00' ? ' UTC' : ` ${m[4]}`;
  return `${m[1]} ${m[2]}.${millis}${zone}`;
}
