import { type ColumnType, pgStorageType } from './column-type.js';
import { SqlError } from './errors.js';
import { quoteLiteral } from './ident.js';

/**
 * Renders a configured cell value as a SQL expression of the column's storage type. Values come from the
 * emulator configuration; they are still quoted, never spliced, so a value cannot change the statement.
 */
export function encodeLiteral(value: unknown, type: ColumnType): string {
  if (value === null || value === undefined) return 'NULL';
  const pgType = pgStorageType(type);
  // A string for a JSON-stored column (map, row, json, nested array) is JSON text: config files hold scalars.
  if (pgType === 'jsonb') {
    return `${quoteLiteral(typeof value === 'string' ? value : (JSON.stringify(value) ?? 'null'))}::jsonb`;
  }
  if (type.kind === 'array') {
    // A string for an array column is a JSON array (`["a","b"]`) or a Postgres array literal (`{a,b}`).
    if (typeof value === 'string') {
      if (!value.trimStart().startsWith('[')) return `${quoteLiteral(value)}::${pgType}`;
      let parsed: unknown;
      try {
        parsed = JSON.parse(value);
      } catch {
        throw badValue(value, type);
      }
      return encodeLiteral(parsed, type);
    }
    if (!Array.isArray(value)) throw badValue(value, type);
    if (value.length === 0) return `'{}'::${pgType}`;
    return `ARRAY[${value.map((v) => encodeLiteral(v, type.element)).join(', ')}]::${pgType}`;
  }
  return `${quoteLiteral(scalarText(value, type))}::${pgType}`;
}

function scalarText(value: unknown, type: ColumnType): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean')
    return String(value);
  if (value instanceof Date) return value.toISOString();
  throw badValue(value, type);
}

function badValue(value: unknown, type: ColumnType): SqlError {
  const kind = Array.isArray(value) ? 'array' : typeof value;
  return new SqlError('22P02', `A ${kind} value cannot be stored in a column of type ${type.kind}.`);
}
