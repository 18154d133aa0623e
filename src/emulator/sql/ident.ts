import { SqlError } from './errors.js';

/** Postgres truncates identifiers longer than this many bytes (NAMEDATALEN - 1). */
export const MAX_IDENTIFIER_BYTES = 63;

/**
 * Quotes a Postgres identifier (`"a""b"`). Rejects empty names, NUL characters and names longer than
 * 63 bytes, which Postgres would silently truncate (two long role names could then collide).
 */
export function quoteIdent(name: string): string {
  if (name.length === 0) throw new SqlError('42602', 'An identifier must not be empty.');
  if (name.includes('\0')) throw new SqlError('42602', 'An identifier must not contain a NUL character.');
  if (Buffer.byteLength(name, 'utf8') > MAX_IDENTIFIER_BYTES) {
    throw new SqlError(
      '42622',
      `The name "${name.slice(0, 20)}…" is longer than ${MAX_IDENTIFIER_BYTES} bytes; use a shorter name.`,
    );
  }
  return `"${name.replaceAll('"', '""')}"`;
}

/** Quotes a string literal for Postgres (`'it''s'`); standard_conforming_strings is on. */
export function quoteLiteral(value: string): string {
  if (value.includes('\0')) throw new SqlError('22021', 'A string value must not contain a NUL character.');
  return `'${value.replaceAll("'", "''")}'`;
}

/** `"schema"."table"`. */
export function qualified(schema: string, table: string): string {
  return `${quoteIdent(schema)}.${quoteIdent(table)}`;
}
