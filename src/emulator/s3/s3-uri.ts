/**
 * S3 URIs as S3 Access Grants uses them: grant targets, `GetDataAccess` targets and vended scopes.
 *
 * `s3://bucket/prefix*` names every key starting with `prefix` (the `*` may only end the URI);
 * `s3://bucket/key` names exactly one object. Keys are literal: no percent-decoding and no path
 * normalization, exactly as S3 compares keys. `.` and `..` segments are refused outright so that no
 * component that does normalize paths (an HTTP client, a proxy) can turn a granted key into another one.
 */

/** A parsed S3 Access Grants target. */
export interface S3Target {
  readonly bucket: string;
  /** The key prefix when {@link S3Target.prefix} is true, else the exact object key. */
  readonly key: string;
  /** True for `s3://bucket/prefix*` (every key starting with `key`). */
  readonly prefix: boolean;
}

/** Outcome of {@link parseS3Target}: the target, or a problem that says what to send instead. */
export type S3TargetParse = { ok: true; target: S3Target } | { ok: false; problem: string };

/** Longest accepted target, characters (the s3-control model's bound for `Target`). */
export const MAX_TARGET_LENGTH = 2000;

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point.
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Whether `name` is a valid S3 bucket name (3–63 of `[a-z0-9.-]`, no `..`, not an IP address). */
export function isBucketName(name: string): boolean {
  return BUCKET.test(name) && !name.includes('..') && !/^\d+\.\d+\.\d+\.\d+$/.test(name);
}

/** Whether a key or prefix has a `.` or `..` segment. */
export function hasDotSegment(key: string): boolean {
  return key.split('/').some((segment) => segment === '.' || segment === '..');
}

/** Parses a grant or request target. Never throws. */
export function parseS3Target(text: unknown): S3TargetParse {
  if (typeof text !== 'string' || text.length === 0) return fail('the target is empty');
  if (text.length > MAX_TARGET_LENGTH)
    return fail(`the target is longer than ${MAX_TARGET_LENGTH} characters`);
  if (CONTROL.test(text)) return fail('the target contains control characters');
  if (!text.startsWith('s3://')) return fail('the target must be an S3 URI starting with s3://');
  const rest = text.slice(5);
  const slash = rest.indexOf('/');
  if (slash < 0) return fail('name a prefix as s3://bucket/prefix/* or an object as s3://bucket/key');
  const bucket = rest.slice(0, slash);
  if (!isBucketName(bucket)) return fail('the target does not name a valid bucket');
  let key = rest.slice(slash + 1);
  const prefix = key.endsWith('*');
  if (prefix) key = key.slice(0, -1);
  if (key.includes('*')) return fail('`*` may only appear at the end of the target');
  if (!prefix && key.length === 0)
    return fail('an object target needs a key; use s3://bucket/* for a bucket');
  if (hasDotSegment(key)) return fail('the target must not contain `.` or `..` path segments');
  return { ok: true, target: { bucket, key, prefix } };
}

function fail(problem: string): S3TargetParse {
  return { ok: false, problem };
}

/** Writes a target back as an S3 URI. */
export function formatS3Target(target: S3Target): string {
  return `s3://${target.bucket}/${target.key}${target.prefix ? '*' : ''}`;
}

/** Whether `scope` covers the object `bucket`/`key`. */
export function coversKey(scope: S3Target, bucket: string, key: string): boolean {
  if (scope.bucket !== bucket) return false;
  return scope.prefix ? key.startsWith(scope.key) : key === scope.key;
}

/**
 * Whether `outer` covers every key that `inner` names: an object inside it, or a prefix that starts with
 * its prefix. An object target never covers a prefix target.
 */
export function coversTarget(outer: S3Target, inner: S3Target): boolean {
  if (inner.prefix) return outer.prefix && outer.bucket === inner.bucket && inner.key.startsWith(outer.key);
  return coversKey(outer, inner.bucket, inner.key);
}

/**
 * How specific a target is, for picking among matching grants: an exact object beats any prefix, and a
 * longer prefix beats a shorter one.
 */
export function specificity(target: S3Target): number {
  return target.prefix ? target.key.length : Number.MAX_SAFE_INTEGER;
}

/** An S3 Access Grants location scope: `s3://` (everything), `s3://bucket` or `s3://bucket/prefix`. */
export interface LocationScope {
  /** Undefined for `s3://` (every bucket). */
  readonly bucket: string | undefined;
  readonly prefix: string;
}

/** Parses a location scope; undefined when it is not one. A trailing `*` is tolerated. */
export function parseLocationScope(text: string): LocationScope | undefined {
  if (!text.startsWith('s3://') || CONTROL.test(text)) return undefined;
  let rest = text.slice(5);
  if (rest.endsWith('*')) rest = rest.slice(0, -1);
  if (rest.length === 0) return { bucket: undefined, prefix: '' };
  const slash = rest.indexOf('/');
  const bucket = slash < 0 ? rest : rest.slice(0, slash);
  const prefix = slash < 0 ? '' : rest.slice(slash + 1);
  if (!isBucketName(bucket) || prefix.includes('*') || hasDotSegment(prefix)) return undefined;
  return { bucket, prefix };
}

/** Whether a location scope covers a target (every key the target names). */
export function locationCovers(scope: LocationScope, target: S3Target): boolean {
  if (scope.bucket === undefined) return true;
  return scope.bucket === target.bucket && target.key.startsWith(scope.prefix);
}
