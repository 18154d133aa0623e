/**
 * Athena `ResultSet` pages → typed rows.
 *
 * @module
 */
import type { ColumnInfo, Row } from '@aws-sdk/client-athena';
import { TipError } from '../../errors.js';
import type { AthenaColumn, AthenaRow } from './types.js';
import { parseAthenaValue } from './values.js';

/** The columns of a result, validated. */
export function readColumns(info: readonly ColumnInfo[] | undefined, queryId: string): AthenaColumn[] {
  if (!Array.isArray(info)) {
    throw new TipError('ERR_SERVICE_RESPONSE_INVALID', 'Athena returned a result without column metadata.', {
      details: { service: 'athena', queryId },
    });
  }
  return info.map((c) => ({
    name: typeof c.Label === 'string' && c.Label.length > 0 ? c.Label : String(c.Name ?? ''),
    type: String(c.Type ?? 'varchar'),
  }));
}

/** True when `row` repeats the column names: Athena's header row on the first page of a SELECT. */
export function isHeaderRow(row: Row | undefined, columns: readonly AthenaColumn[]): boolean {
  const data = row?.Data;
  if (!Array.isArray(data) || data.length !== columns.length || columns.length === 0) return false;
  return data.every((d, i) => d.VarCharValue === columns[i]?.name);
}

/**
 * Typed rows of one page. Rows with a different datum count than the columns are rejected.
 *
 * @throws TipError `ERR_SERVICE_RESPONSE_INVALID` for a malformed row or datum.
 */
export function typedRows(
  rows: readonly Row[],
  columns: readonly AthenaColumn[],
  queryId: string,
): AthenaRow[] {
  return rows.map((row) => {
    const data = row.Data ?? [];
    if (data.length !== columns.length) {
      throw new TipError(
        'ERR_SERVICE_RESPONSE_INVALID',
        `Athena returned a row with ${data.length} values for ${columns.length} columns.`,
        { details: { service: 'athena', queryId } },
      );
    }
    const out: AthenaRow = Object.create(null);
    columns.forEach((column, i) => {
      const datum = data[i]?.VarCharValue;
      out[column.name] = parseAthenaValue(
        column.type,
        typeof datum === 'string' ? datum : undefined,
        column.name,
      );
    });
    return out;
  });
}
