/**
 * Settings of the S3 Access Grants handle: defaults and validation.
 *
 * @module
 */
import { optionError } from '../../errors.js';
import { rejectUnknownOptions } from '../../option-keys.js';
import { S3_ACCESS_GRANTS_SHAPE } from '../option-keys.js';
import type { S3AccessGrantsOptions } from './types.js';
import type { GrantPermission } from './uri.js';

export const PERMISSIONS: readonly GrantPermission[] = ['READ', 'WRITE', 'READWRITE'];
export const ACCOUNT = /^\d{12}$/;
/** How long an instance lookup is trusted, in ms. */
export const INSTANCE_TTL_MS = 3_600_000;

/** The resolved settings of a data-access cache. */
export interface Settings {
  readonly durationSeconds: number;
  readonly privilege: 'Default' | 'Minimal';
  readonly deniedTtlMs: number;
  readonly minRemainingMs: number;
  readonly maxEntries: number;
}

function nonNegative(path: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
    throw optionError(path, 'must be a non-negative finite number');
  return value;
}

export function duration(path: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 900 || value > 43_200)
    throw optionError(path, 'must be a whole number of seconds from 900 to 43200');
  return value;
}

export function privilegeOf(
  path: string,
  value: unknown,
  fallback: 'Default' | 'Minimal',
): 'Default' | 'Minimal' {
  if (value === undefined) return fallback;
  if (value !== 'Default' && value !== 'Minimal') throw optionError(path, "must be 'Default' or 'Minimal'");
  return value;
}

/** Validates handle options. @throws TypeError */
export function resolveS3Settings(options: S3AccessGrantsOptions): Settings {
  if (typeof options !== 'object' || options === null) throw optionError('s3', 'must be an object');
  rejectUnknownOptions(options, S3_ACCESS_GRANTS_SHAPE);
  if (options.accountId !== undefined && !ACCOUNT.test(options.accountId))
    throw optionError('s3.accountId', 'must be a 12-digit AWS account id');
  if (options.instanceAccountId !== undefined && !ACCOUNT.test(options.instanceAccountId))
    throw optionError('s3.instanceAccountId', 'must be a 12-digit AWS account id');
  const maxEntries = nonNegative('s3.maxEntries', options.maxEntries, 1_000);
  if (maxEntries < 1) throw optionError('s3.maxEntries', 'must be at least 1');
  return {
    durationSeconds: duration('s3.durationSeconds', options.durationSeconds, 3_600),
    privilege: privilegeOf('s3.privilege', options.privilege, 'Default'),
    deniedTtlMs: nonNegative('s3.deniedTtlMs', options.deniedTtlMs, 30_000),
    minRemainingMs: nonNegative('s3.minRemainingMs', options.minRemainingMs, 60_000),
    maxEntries,
  };
}
