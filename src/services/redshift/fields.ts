/**
 * Redshift Data API `Field` unions and `ColumnMetadata` → typed rows.
 *
 * @module
 */
import type { ColumnMetadata, Field } from '@aws-sdk/client-redshift-data';
import { TipError } from '../../errors.js';
import type { LosslessJson } from './lossless-json.js';
import type { RedshiftColumn, RedshiftRow, RedshiftValue } from './types.js';

const NUMERIC = new Set(['numeric', 'decimal']);

/** The columns of a result. */
export function readColumns(metadata: readonly ColumnMetadata[] | undefined): RedshiftColumn[] {
  return (metadata ?? []).map((c, i) => ({
    name: typeof c.label === 'string' && c.label.length > 0 ? c.label : (c.name ?? `column${i + 1}`),
    type: String(c.typeName ?? 'unknown'),
  }));
}

function bad(statementId: string, reason: string): TipError {
  return new TipError(
    'ERR_SERVICE_RESPONSE_INVALID',
    `The Data API returned a malformed record (${reason}).`,
    {
      details: { service: 'redshift-data', queryId: statementId, reason },
    },
  );
}

/**
 * One field as a typed value. `exactLong` is the lossless reading of a `longValue` beyond the safe
 * integer range (the SDK's own reading has been rounded).
 */
function fieldValue(
  field: Field,
  column: RedshiftColumn,
  statementId: string,
  exactLong: LosslessJson | undefined,
): RedshiftValue {
  const numeric = NUMERIC.has(column.type.toLowerCase());
  if (field.isNull === true) return null;
  if (typeof field.booleanValue === 'boolean') return field.booleanValue;
  if (typeof field.longValue === 'number') {
    if (!Number.isInteger(field.longValue)) throw bad(statementId, 'longValue');
    if (Number.isSafeInteger(field.longValue)) return numeric ? String(field.longValue) : field.longValue;
    const exact = typeof exactLong === 'bigint' ? exactLong : BigInt(field.longValue);
    return numeric ? exact.toString() : exact;
  }
  if (typeof field.doubleValue === 'number') return numeric ? String(field.doubleValue) : field.doubleValue;
  if (typeof field.stringValue === 'string') return field.stringValue;
  if (field.blobValue instanceof Uint8Array) return field.blobValue;
  throw bad(statementId, 'unknown field type');
}

/**
 * Typed rows of one page.
 *
 * @param records - The SDK's records.
 * @param columns - The result columns.
 * @param statementId - For errors.
 * @param exact - The lossless parse of the raw `Records`, used only for unsafe `longValue`s.
 */
export function typedRows(
  records: readonly (readonly Field[])[],
  columns: readonly RedshiftColumn[],
  statementId: string,
  exact: LosslessJson | undefined,
): RedshiftRow[] {
  return records.map((record, i) => {
    if (!Array.isArray(record) || record.length !== columns.length) throw bad(statementId, 'record width');
    const row: RedshiftRow = Object.create(null);
    record.forEach((field, j) => {
      const column = columns[j] as RedshiftColumn;
      const rawField = Array.isArray(exact) ? (exact[i] as LosslessJson[] | undefined)?.[j] : undefined;
      const exactLong =
        typeof rawField === 'object' && rawField !== null && !Array.isArray(rawField)
          ? rawField.longValue
          : undefined;
      row[column.name] = fieldValue(field, column, statementId, exactLong);
    });
    return row;
  });
}
