/** Validation of STS request parameters, with the `ValidationError` messages STS sends. */
import { AwsServiceError } from '../core/types.js';

/** Session names and source identities: 2..64 of `[\w+=,.@-]`. */
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;

/** A `ValidationError` (400) in STS's wording. */
export function validationError(message: string): AwsServiceError {
  return new AwsServiceError('ValidationError', message, 400);
}

/** Members holding tokens or assertions: their values never appear in an error, as STS omits sensitive ones. */
const SENSITIVE = new Set(['webIdentityToken', 'contextAssertion']);

function constraint(value: string, member: string, rule: string): AwsServiceError {
  const shown = SENSITIVE.has(member) ? '' : ` '${value.slice(0, 64)}'`;
  return validationError(
    `1 validation error detected: Value${shown} at '${member}' failed to satisfy constraint: ${rule}`,
  );
}

/** A required string member of 1..max characters. */
export function requiredString(
  input: Record<string, unknown>,
  name: string,
  min: number,
  max: number,
): string {
  const value = input[name];
  if (value === undefined || value === '') {
    throw validationError(
      `1 validation error detected: Value null at '${lowerFirst(name)}' failed to satisfy constraint: Member must not be null`,
    );
  }
  if (typeof value !== 'string') throw constraint('[object]', lowerFirst(name), 'Member must be a string');
  if (value.length < min || value.length > max) {
    throw constraint(value, lowerFirst(name), `Member must have length between ${min} and ${max}`);
  }
  return value;
}

function lowerFirst(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

/** `RoleSessionName` or `SourceIdentity`. */
export function sessionName(value: string, member: string): string {
  if (!SESSION_NAME.test(value)) {
    throw constraint(
      value,
      member,
      'Member must satisfy regular expression pattern: [\\w+=,.@-]* and have length between 2 and 64',
    );
  }
  return value;
}

/** `DurationSeconds`: default 3600, 900..`max` (role maximum, 3600 when chaining). */
export function durationSeconds(input: Record<string, unknown>, max: number, chaining: boolean): number {
  const raw = input.DurationSeconds;
  if (raw === undefined) return Math.min(3600, max);
  const value = typeof raw === 'string' && /^\d{1,6}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isInteger(value)) throw constraint(String(raw), 'durationSeconds', 'Member must be an integer');
  if (value < 900)
    throw constraint(String(value), 'durationSeconds', 'Member must have value greater than or equal to 900');
  if (value > 43_200)
    throw constraint(String(value), 'durationSeconds', 'Member must have value less than or equal to 43200');
  if (chaining && value > 3600) {
    throw validationError(
      'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
    );
  }
  if (value > max)
    throw validationError('The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
  return value;
}

/** `Tags.member.N.{Key,Value}`: at most 50, keys 1..128, values 0..256. */
export function sessionTags(input: Record<string, unknown>): { Key: string; Value: string }[] {
  const raw = input.Tags;
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw validationError('Tags must be a list.');
  if (raw.length > 50)
    throw constraint(String(raw.length), 'tags', 'Member must have length less than or equal to 50');
  return raw.map((tag) => {
    const t = (typeof tag === 'object' && tag !== null ? tag : {}) as Record<string, unknown>;
    const key = typeof t.Key === 'string' ? t.Key : '';
    const value = typeof t.Value === 'string' ? t.Value : '';
    if (key.length < 1 || key.length > 128)
      throw constraint(key, 'tags.member.key', 'Member must have length between 1 and 128');
    if (value.length > 256)
      throw constraint(value, 'tags.member.value', 'Member must have length less than or equal to 256');
    return { Key: key, Value: value };
  });
}
