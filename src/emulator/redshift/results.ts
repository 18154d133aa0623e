/**
 * Result shapes of `GetStatementResult` (records of `Field` unions), `GetStatementResultV2` (CSV) and their
 * `ColumnMetadata`, from a {@link RunnerResult}.
 */
import type { RunnerColumn, RunnerResult } from './sql-runner.js';

/** A Data API `Field`: exactly one member set. */
export type Field =
  | { isNull: true }
  | { booleanValue: boolean }
  | { longValue: number | bigint }
  | { doubleValue: number | string }
  | { stringValue: string }
  | { blobValue: string };

/** A Data API `ColumnMetadata`. */
export interface ColumnMetadata {
  name: string;
  label: string;
  typeName: string;
  isCaseSensitive: boolean;
  isCurrency: boolean;
  isSigned: boolean;
  length: number;
  precision: number;
  scale: number;
  /** 0 = no nulls, 1 = nullable, 2 = unknown (JDBC convention, as Redshift reports). */
  nullable: number;
  schemaName: string;
  tableName: string;
  columnDefault?: string;
}

const LONG_TYPES = new Set(['int2', 'int4', 'int8', 'oid']);
const DOUBLE_TYPES = new Set(['float4', 'float8']);
const NUMERIC_TYPES = new Set([...LONG_TYPES, ...DOUBLE_TYPES, 'numeric']);
const CHAR_TYPES = new Set(['varchar', 'bpchar', 'text', 'name', 'char']);
/** Display precision Redshift reports for fixed-width types. */
const FIXED_PRECISION: Readonly<Record<string, number>> = {
  int2: 5,
  int4: 10,
  int8: 19,
  float4: 8,
  float8: 17,
  bool: 1,
  date: 13,
  timestamp: 29,
  timestamptz: 35,
  name: 64,
};

function toText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean')
    return String(value);
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return `\\x${Buffer.from(value).toString('hex')}`;
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) ?? '';
}

/** Converts one value of a column to a `Field`. */
export function toField(value: unknown, column: RunnerColumn): Field {
  if (value === null || value === undefined) return { isNull: true };
  const type = column.typeName;
  if (type === 'bool' && typeof value === 'boolean') return { booleanValue: value };
  if (LONG_TYPES.has(type) && (typeof value === 'number' || typeof value === 'bigint')) {
    // int8 stays a bigint so the wire carries its exact digits, as the service's JSON does.
    return { longValue: value };
  }
  if (DOUBLE_TYPES.has(type) && typeof value === 'number') {
    // JSON has no NaN or infinities; Smithy JSON protocols send them as these strings.
    if (Number.isNaN(value)) return { doubleValue: 'NaN' };
    if (!Number.isFinite(value)) return { doubleValue: value > 0 ? 'Infinity' : '-Infinity' };
    return { doubleValue: value };
  }
  if (value instanceof Uint8Array) return { blobValue: Buffer.from(value).toString('base64') };
  return { stringValue: toText(value) };
}

/** Length, precision and scale from a Postgres type modifier. */
function sizes(column: RunnerColumn): { length: number; precision: number; scale: number } {
  const { typeName, typmod } = column;
  if (typeName === 'numeric') {
    if (typmod < 4) return { length: 0, precision: 38, scale: 0 };
    const packed = typmod - 4;
    return { length: 0, precision: (packed >> 16) & 0xffff, scale: packed & 0xffff };
  }
  if (typeName === 'varchar' || typeName === 'bpchar') {
    return { length: 0, precision: typmod >= 4 ? typmod - 4 : 65535, scale: 0 };
  }
  if (typeName === 'text') return { length: 0, precision: 65535, scale: 0 };
  return { length: 0, precision: FIXED_PRECISION[typeName] ?? 0, scale: typeName === 'float8' ? 15 : 0 };
}

/** The `ColumnMetadata` of a result column. */
export function toColumnMetadata(column: RunnerColumn): ColumnMetadata {
  return {
    name: column.name,
    label: column.name,
    typeName: column.typeName,
    isCaseSensitive: CHAR_TYPES.has(column.typeName),
    isCurrency: false,
    isSigned: NUMERIC_TYPES.has(column.typeName),
    nullable: column.tableName ? 1 : 2,
    schemaName: column.schemaName ?? '',
    tableName: column.tableName ?? '',
    ...sizes(column),
  };
}

/** The records of rows `[from, to)` of `result` as `Field` lists. */
export function toRecords(result: RunnerResult, from: number, to: number): Field[][] {
  return result.rows
    .slice(from, to)
    .map((row) => row.map((value, k) => toField(value, result.columns[k] as RunnerColumn)));
}

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = toText(value);
  return /[",\r\n]/.test(text) || text === '' ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * Rows `[from, to)` as CSV (RFC 4180, `\n` line ends); the first page starts with the header line.
 * NULL is an empty cell; an empty string is `""`.
 */
export function toCsv(result: RunnerResult, from: number, to: number): string {
  const lines: string[] = [];
  if (from === 0) lines.push(result.columns.map((c) => csvCell(c.name)).join(','));
  for (const row of result.rows.slice(from, to)) lines.push(row.map(csvCell).join(','));
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

/** Bytes of a result as text (what `ResultSize` reports). */
export function resultSize(result: RunnerResult): number {
  let bytes = 0;
  for (const row of result.rows) {
    for (const value of row)
      bytes += value === null || value === undefined ? 0 : Buffer.byteLength(toText(value));
  }
  return bytes;
}
