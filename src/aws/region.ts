/**
 * The AWS region of an options object, defaulted as AWS SDK v3 users expect: the option when given, else
 * `AWS_REGION`, else `AWS_DEFAULT_REGION` (which botocore and the AWS CLI read). Read once, at construction.
 *
 * @module
 */
import { optionError } from '../errors.js';

/** An AWS region name such as `us-east-1`, `eu-central-2` or `us-gov-west-1`. */
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/** True when `value` looks like an AWS region name. */
export function isRegion(value: unknown): value is string {
  return typeof value === 'string' && REGION.test(value);
}

/**
 * The region to use: `value`, else the environment's `AWS_REGION`, else `AWS_DEFAULT_REGION`.
 *
 * @param value - The `region` option as the caller passed it (may be `undefined`).
 * @param path - The option's path, for the message. Default `region`.
 * @param env - The environment. Default `process.env`.
 * @throws TypeError (`ERR_INVALID_OPTION`) when none is set, or the one found is no region name.
 */
export function resolveRegion(
  value: unknown,
  path = 'region',
  env: Readonly<Record<string, string | undefined>> = process.env,
): string {
  if (value !== undefined) {
    if (!isRegion(value)) throw optionError(path, 'must be an AWS region such as `us-east-1`');
    return value;
  }
  for (const name of ['AWS_REGION', 'AWS_DEFAULT_REGION'] as const) {
    const fromEnv = env[name];
    if (fromEnv === undefined || fromEnv.length === 0) continue;
    if (!isRegion(fromEnv)) {
      throw optionError(
        path,
        `is not set, and ${name} is not an AWS region such as \`us-east-1\`: fix ${name} or pass \`${path}\``,
      );
    }
    return fromEnv;
  }
  throw optionError(
    path,
    'is required: pass it (e.g. `us-east-1`), or set AWS_REGION (or AWS_DEFAULT_REGION) in the environment',
  );
}
