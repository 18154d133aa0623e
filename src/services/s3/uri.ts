/**
 * S3 URIs as S3 Access Grants uses them: `s3://bucket/key` for one object, `s3://bucket/prefix*` for
 * everything under a prefix, `s3://*` for every bucket.
 *
 * @module
 */
import { TipError } from '../../errors.js';
import { clause } from '../../message-text.js';

/** A GetDataAccess permission. */
export type GrantPermission = 'READ' | 'WRITE' | 'READWRITE';

/** A parsed object or prefix target. */
export interface S3Target {
  readonly bucket: string;
  /** The key, or the prefix without its trailing `*`. */
  readonly key: string;
  /** True for a prefix target (`…*`). */
  readonly prefix: boolean;
}

/** S3 bucket names: 3–63 lower-case letters, digits, dots and hyphens, starting and ending alphanumeric. */
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** True when `text` holds an ASCII control character. */
function hasControl(text: string): boolean {
  for (let i = 0; i < text.length; i++)
    if (text.charCodeAt(i) < 0x20 || text.charCodeAt(i) === 0x7f) return true;
  return false;
}

/** Longest accepted `MatchedGrantTarget`: `s3://` + 63-character bucket + `/` + 1024-byte key + `*`. */
const MAX_URI = 1100;
/** Longest S3 key, in UTF-8 bytes. */
const MAX_KEY_BYTES = 1024;

function invalid(problem: string): TipError {
  return new TipError('ERR_SERVICE_RESPONSE_INVALID', `Not a usable S3 URI: ${clause(problem)}.`, {
    details: { reason: 'invalid_s3_uri' },
  });
}

/** True when `bucket` is a valid S3 bucket name. */
export function isBucketName(bucket: unknown): bucket is string {
  return typeof bucket === 'string' && BUCKET.test(bucket) && !bucket.includes('..');
}

/** Whether a key or prefix has a `.` or `..` path segment. */
function hasDotSegment(key: string): boolean {
  return key.split('/').some((segment) => segment === '.' || segment === '..');
}

function invalidKey(reason: string, problem: string): TipError {
  return new TipError(
    'ERR_INVALID_ARGUMENT',
    `S3 Access Grants cannot cover this key: ${clause(problem)}. GetDataAccess refuses such targets; use the object's literal key.`,
    { details: { reason } },
  );
}

/**
 * Why S3 Access Grants cannot serve `key` (an object key, or a prefix without its `*`), or `undefined`.
 * GetDataAccess refuses these targets, so they are refused before any cache lookup: a `.` or `..` segment
 * could otherwise be served from a cached grant over a prefix it does not lie in once a component along
 * the way normalizes the path.
 */
function keyProblem(key: string, prefix: boolean): TipError | undefined {
  if (hasControl(key)) return invalidKey('control_characters', 'it holds control characters');
  if (hasDotSegment(key)) return invalidKey('dot_segment', 'it has a `.` or `..` path segment');
  if (key.includes('*')) return invalidKey('wildcard', '`*` may only end a prefix target');
  if (!prefix && key.length === 0)
    return invalidKey('empty_key', 'an object target needs a key (s3://bucket/* names the bucket)');
  if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES)
    return invalidKey('too_long', 'it is longer than 1024 bytes');
  return undefined;
}

/**
 * Parses `s3://bucket/key` or `s3://bucket/prefix*`.
 *
 * @throws TypeError when `uri` is not such a URI or names no valid bucket (a mistake in the calling code).
 * @throws TipError `ERR_INVALID_ARGUMENT` for a key S3 Access Grants refuses: a `.` or `..` segment, `*`
 *   other than at the end of a prefix, control characters, an empty object key, more than 1024 bytes.
 */
export function parseS3Target(uri: string): S3Target {
  if (typeof uri !== 'string' || !uri.startsWith('s3://')) {
    throw new TypeError(
      'tip-sdk: option `target` must be an S3 URI like s3://bucket/key or s3://bucket/prefix/*',
    );
  }
  const rest = uri.slice(5);
  const slash = rest.indexOf('/');
  const bucket = slash < 0 ? rest.replace(/\*$/, '') : rest.slice(0, slash);
  if (!isBucketName(bucket)) throw new TypeError(`tip-sdk: option \`target\` names an invalid bucket`);
  const text = slash < 0 ? '' : rest.slice(slash + 1);
  const prefix = text.endsWith('*') || slash < 0;
  const key = prefix ? text.slice(0, text.endsWith('*') ? -1 : undefined) : text;
  const problem = keyProblem(key, prefix);
  if (problem !== undefined) throw problem;
  return Object.freeze({ bucket, key, prefix });
}

/** The URI text of a target. */
export function formatTarget(target: S3Target): string {
  return `s3://${target.bucket}/${target.key}${target.prefix ? '*' : ''}`;
}

/**
 * Whether a grant scope `scope` (as `MatchedGrantTarget` reports it) covers `target`. `s3://*` covers
 * everything; `…*` covers every URI that starts with the part before `*`; otherwise exact match.
 */
export function scopeCovers(scope: string, target: S3Target): boolean {
  const text = formatTarget(target);
  if (!scope.endsWith('*')) return !target.prefix && scope === text;
  const stem = scope.slice(0, -1);
  if (stem === 's3://') return true;
  // A prefix target is covered when its own stem lies inside the scope.
  return (target.prefix ? text.slice(0, -1) : text).startsWith(stem);
}

/**
 * The scopes that could cover `target`, most specific first: the exact object URI, then `…*` for every
 * shorter stem down to `s3://bucket/*`, then `s3://*`. Lookups over this list make a cached prefix grant
 * serve every key under it.
 */
export function coveringScopes(target: S3Target): string[] {
  const text = formatTarget(target);
  const stem = target.prefix ? text.slice(0, -1) : text;
  const out: string[] = target.prefix ? [] : [text];
  const floor = `s3://${target.bucket}/`.length;
  for (let end = stem.length; end >= floor; end--) out.push(`${stem.slice(0, end)}*`);
  out.push(`s3://${target.bucket}*`, 's3://*');
  return out;
}

/** The permissions whose credentials serve `wanted`: itself, and READWRITE for READ or WRITE. */
export function servingPermissions(wanted: GrantPermission): readonly GrantPermission[] {
  return wanted === 'READWRITE' ? ['READWRITE'] : [wanted, 'READWRITE'];
}

/** A sanity check on `MatchedGrantTarget` from AWS: an S3 URI of bounded length, no control characters. */
export function validScope(scope: unknown): scope is string {
  if (typeof scope !== 'string' || scope.length > MAX_URI || !scope.startsWith('s3://')) return false;
  if (hasControl(scope)) return false;
  if (scope === 's3://*') return true;
  const rest = scope.slice(5);
  const slash = rest.indexOf('/');
  return isBucketName(slash < 0 ? rest.replace(/\*$/, '') : rest.slice(0, slash));
}

/** Raised for an unusable `MatchedGrantTarget`. */
export function invalidScope(): TipError {
  return invalid('GetDataAccess returned a MatchedGrantTarget that is not an S3 URI');
}
