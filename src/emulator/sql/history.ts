import type { PGlite } from '@electric-sql/pglite';
import { runExtended } from './protocol.js';
import type { QueryHistoryEntry } from './types.js';

/** DDL of the history table; only the superuser can read it (no grants to PUBLIC). */
export const HISTORY_DDL = `
CREATE SCHEMA IF NOT EXISTS tip_sys;
REVOKE ALL ON SCHEMA tip_sys FROM PUBLIC;
CREATE TABLE IF NOT EXISTS tip_sys.query_history (
  seq bigserial PRIMARY KEY,
  query_id text NOT NULL,
  role text NOT NULL,
  query_text text NOT NULL,
  started_at timestamptz NOT NULL,
  ended_at timestamptz NOT NULL,
  status text NOT NULL,
  row_count bigint NOT NULL,
  error_code text,
  error_message text
);`;

/** Appends an entry (runs as the superuser, outside the user's transaction). */
export async function recordHistory(pg: PGlite, entry: QueryHistoryEntry): Promise<void> {
  await runExtended(
    pg,
    `INSERT INTO tip_sys.query_history (query_id, role, query_text, started_at, ended_at, status, row_count,
       error_code, error_message) VALUES ($1, $2, $3, to_timestamp($4::float8 / 1000), to_timestamp($5::float8 / 1000),
       $6, $7, $8, $9)`,
    [
      entry.queryId,
      entry.role,
      entry.sql,
      String(entry.startedAt),
      String(entry.endedAt),
      entry.status,
      String(entry.rowCount),
      entry.error?.code ?? null,
      entry.error?.message ?? null,
    ],
  );
}

/** Reads entries, oldest first, optionally for one role or query id. */
export async function readHistory(
  pg: PGlite,
  filter: { readonly role?: string; readonly queryId?: string } = {},
): Promise<QueryHistoryEntry[]> {
  const result = await runExtended(
    pg,
    `SELECT query_id, role, query_text, (extract(epoch FROM started_at) * 1000)::bigint,
       (extract(epoch FROM ended_at) * 1000)::bigint, status, row_count, error_code, error_message
     FROM tip_sys.query_history WHERE ($1::text IS NULL OR role = $1) AND ($2::text IS NULL OR query_id = $2)
     ORDER BY seq`,
    [filter.role ?? null, filter.queryId ?? null],
  );
  return result.rows.map((r) => {
    const entry: QueryHistoryEntry = {
      queryId: r[0] ?? '',
      role: r[1] ?? '',
      sql: r[2] ?? '',
      startedAt: Number(r[3]),
      endedAt: Number(r[4]),
      status: r[5] as QueryHistoryEntry['status'],
      rowCount: Number(r[6]),
      ...(r[7] ? { error: { code: r[7], message: r[8] ?? '' } } : {}),
    };
    return entry;
  });
}
