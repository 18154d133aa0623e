/**
 * The paging logic of `ListObjectsV2` over a bucket's sorted keys: prefix, delimiter (common prefixes
 * count once, like keys, toward `max-keys`), `start-after` and opaque continuation tokens.
 */
import { AwsServiceError } from '../core/types.js';

/** Where a listing resumes: after `key`, and after every key under it when it was a common prefix. */
export interface ListPosition {
  readonly key: string;
  readonly commonPrefix: boolean;
}

/** A listing request. */
export interface ListRequest {
  readonly prefix: string;
  /** '' for none. */
  readonly delimiter: string;
  readonly maxKeys: number;
  /** '' for none. */
  readonly startAfter: string;
  readonly after?: ListPosition;
}

/** One page. */
export interface ListPage {
  readonly contents: readonly string[];
  readonly commonPrefixes: readonly string[];
  readonly truncated: boolean;
  readonly next?: ListPosition;
}

function compare(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Lists `keys` (sorted in UTF-8 byte order) per `request`. */
export function listKeys(keys: readonly string[], request: ListRequest): ListPage {
  const contents: string[] = [];
  const commonPrefixes: string[] = [];
  let last: ListPosition | undefined;
  let truncated = false;
  for (const key of keys) {
    if (!key.startsWith(request.prefix)) continue;
    if (request.startAfter && compare(key, request.startAfter) <= 0) continue;
    const after = request.after;
    if (after && (compare(key, after.key) <= 0 || (after.commonPrefix && key.startsWith(after.key))))
      continue;
    let entry: ListPosition = { key, commonPrefix: false };
    if (request.delimiter) {
      const at = key.indexOf(request.delimiter, request.prefix.length);
      if (at >= 0) entry = { key: key.slice(0, at + request.delimiter.length), commonPrefix: true };
    }
    if (entry.commonPrefix && last?.commonPrefix && last.key === entry.key) continue;
    if (contents.length + commonPrefixes.length >= request.maxKeys) {
      truncated = request.maxKeys > 0;
      break;
    }
    (entry.commonPrefix ? commonPrefixes : contents).push(entry.key);
    last = entry;
  }
  return truncated && last
    ? { contents, commonPrefixes, truncated, next: last }
    : { contents, commonPrefixes, truncated: false };
}

const TOKEN_PREFIX = 'lov2.';

/** Encodes a position as an opaque continuation token. */
export function encodeContinuationToken(position: ListPosition): string {
  return (
    TOKEN_PREFIX + Buffer.from(JSON.stringify([position.key, position.commonPrefix])).toString('base64url')
  );
}

/** Decodes a continuation token; `InvalidArgument` (400) when it is not one this service issued. */
export function decodeContinuationToken(token: string): ListPosition {
  const invalid = new AwsServiceError(
    'InvalidArgument',
    'The continuation token provided is incorrect.',
    400,
    {
      ArgumentName: 'continuation-token',
    },
  );
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 4096) throw invalid;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(token.slice(TOKEN_PREFIX.length), 'base64url').toString('utf8'));
  } catch {
    throw invalid;
  }
  if (!Array.isArray(value) || typeof value[0] !== 'string' || typeof value[1] !== 'boolean') throw invalid;
  return { key: value[0], commonPrefix: value[1] };
}
