/**
 * Validation of Redshift Data API options: the target, named parameters and SQL text.
 *
 * @module
 */
import { optionError } from '../../errors.js';
import type { RedshiftQueryOptions } from './types.js';

const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,255}$/;

/** Validates the target and common options. @throws TypeError */
export function resolveTarget(options: RedshiftQueryOptions): {
  WorkgroupName?: string;
  ClusterIdentifier?: string;
  Database: string;
} {
  if (typeof options !== 'object' || options === null) throw optionError('redshift', 'needs options');
  const { workgroupName, clusterIdentifier, database } = options;
  if ((workgroupName === undefined) === (clusterIdentifier === undefined))
    throw optionError('workgroupName', 'or `clusterIdentifier` is required, and not both');
  for (const [path, value] of [
    ['workgroupName', workgroupName],
    ['clusterIdentifier', clusterIdentifier],
  ] as const) {
    if (value !== undefined && (typeof value !== 'string' || !/^[a-z0-9-]{1,64}$/.test(value)))
      throw optionError(path, 'must be 1–64 lower-case letters, digits and hyphens');
  }
  if (typeof database !== 'string' || database.length === 0 || database.length > 127)
    throw optionError('database', 'must be a database name (1–127 characters)');
  if (options.timeoutMs !== undefined && (!Number.isInteger(options.timeoutMs) || options.timeoutMs < 1))
    throw optionError('timeoutMs', 'must be a positive integer');
  if (options.maxRows !== undefined && (!Number.isInteger(options.maxRows) || options.maxRows < 1))
    throw optionError('maxRows', 'must be a positive integer');
  if (
    options.pollInterval !== undefined &&
    (!Number.isInteger(options.pollInterval) || options.pollInterval < 1 || options.pollInterval > 60_000)
  )
    throw optionError('pollInterval', 'must be an integer from 1 to 60000');
  return {
    ...(workgroupName === undefined ? {} : { WorkgroupName: workgroupName }),
    ...(clusterIdentifier === undefined ? {} : { ClusterIdentifier: clusterIdentifier }),
    Database: database,
  };
}

/** Named parameters as the Data API wants them. @throws TypeError */
export function toSqlParameters(
  parameters: RedshiftQueryOptions['parameters'],
): { name: string; value: string }[] | undefined {
  if (parameters === undefined) return undefined;
  if (typeof parameters !== 'object' || parameters === null)
    throw optionError('parameters', 'must be an object');
  const out = Object.entries(parameters).map(([name, value]) => {
    if (!NAME.test(name))
      throw optionError(`parameters.${name.slice(0, 40)}`, 'is not a valid parameter name');
    if (value === null)
      throw optionError(
        `parameters.${name}`,
        'is null: the Data API has no null parameter; write NULL in the SQL',
      );
    if (typeof value === 'number' && !Number.isFinite(value))
      throw optionError(`parameters.${name}`, 'must be finite');
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean')
      throw optionError(`parameters.${name}`, 'must be a string, number or boolean');
    const text = String(value);
    if (text.length === 0)
      throw optionError(`parameters.${name}`, 'is empty: the Data API rejects empty values');
    return { name, value: text };
  });
  return out.length === 0 ? undefined : out;
}

export function validSql(sql: unknown, path: string): string {
  if (typeof sql !== 'string' || sql.trim().length === 0 || sql.length > 100_000)
    throw optionError(path, 'must be a non-empty SQL string of at most 100000 characters');
  return sql;
}
