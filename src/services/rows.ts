/**
 * Row mapping shared by the Athena and Redshift handles.
 *
 * @module
 */
import { optionError } from '../errors.js';

/**
 * A function applying `mapRow` with a running row index, or one returning rows unchanged without it.
 *
 * @throws TypeError when `mapRow` is given and is not a function.
 */
export function rowMapper<R, T>(mapRow: ((row: R, index: number) => T) | undefined): (row: R) => T {
  if (mapRow === undefined) return (row) => row as unknown as T;
  if (typeof mapRow !== 'function') throw optionError('mapRow', 'must be a function (row, index) => value');
  let index = 0;
  return (row) => mapRow(row, index++);
}
