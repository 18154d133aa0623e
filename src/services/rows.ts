/**
 * Row mapping shared by the Athena and Redshift handles.
 *
 * @module
 */
import { optionError } from '../errors.js';

/**
 * Rows as the caller asked for them: each passed through `mapRow` with a running index (counted across
 * calls, so across pages), or the same array when there is no mapper.
 */
export type RowMapping<R, T> = (rows: R[]) => T[];

/**
 * The mapping of one query's rows.
 *
 * @throws TypeError when `mapRow` is given and is not a function.
 */
export function rowMapping<R, T>(mapRow: ((row: R, index: number) => T) | undefined): RowMapping<R, T> {
  if (mapRow === undefined) return (rows) => rows as unknown as T[];
  if (typeof mapRow !== 'function') throw optionError('mapRow', 'must be a function (row, index) => value');
  let index = 0;
  return (rows) => rows.map((row) => mapRow(row, index++));
}
