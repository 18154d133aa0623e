/**
 * Which S3 operation a path-style request (`/bucket/key`) is: by method, key, sub-resource query
 * parameters and the copy-source header, as S3 routes them. Anything this service does not implement
 * (ACLs, tagging, versions…) resolves to nothing and is answered `NotImplemented`.
 */
import type { RawRequest } from '../core/types.js';

/** Query parameters naming sub-resources this service does not implement. */
const UNSUPPORTED = new Set([
  'acl',
  'tagging',
  'versionId',
  'versions',
  'retention',
  'legal-hold',
  'torrent',
  'restore',
  'select',
  'attributes',
  'policy',
  'cors',
  'lifecycle',
  'location',
  'website',
  'encryption',
  'replication',
  'notification',
  'logging',
  'versioning',
  'object-lock',
]);

/** `/bucket/key` split; the parts stay percent-encoded. */
export function splitPath(path: string): { bucket: string; key: string } {
  const rest = path.startsWith('/') ? path.slice(1) : path;
  const slash = rest.indexOf('/');
  return slash < 0 ? { bucket: rest, key: '' } : { bucket: rest.slice(0, slash), key: rest.slice(slash + 1) };
}

function bucketOperation(raw: RawRequest, has: (name: string) => boolean): string | undefined {
  switch (raw.method) {
    case 'GET':
      if (has('uploads')) return undefined;
      return raw.query['list-type'] === '2' ? 'ListObjectsV2' : 'ListObjects';
    case 'POST':
      return has('delete') ? 'DeleteObjects' : undefined;
    default:
      return undefined;
  }
}

function objectOperation(raw: RawRequest, has: (name: string) => boolean): string | undefined {
  const copy = raw.headers['x-amz-copy-source'] !== undefined;
  const part = has('partNumber') && has('uploadId');
  switch (raw.method) {
    case 'GET':
      if (has('partNumber')) return undefined;
      return has('uploadId') ? 'ListParts' : 'GetObject';
    case 'HEAD':
      return has('partNumber') || has('uploadId') ? undefined : 'HeadObject';
    case 'PUT':
      if (part) return copy ? 'UploadPartCopy' : 'UploadPart';
      if (has('partNumber') || has('uploadId')) return undefined;
      return copy ? 'CopyObject' : 'PutObject';
    case 'POST':
      if (has('uploads')) return 'CreateMultipartUpload';
      return has('uploadId') ? 'CompleteMultipartUpload' : undefined;
    case 'DELETE':
      return has('uploadId') ? 'AbortMultipartUpload' : 'DeleteObject';
    default:
      return undefined;
  }
}

/** The operation of a path-style S3 request; undefined for anything this service does not implement. */
export function resolveS3Operation(raw: RawRequest): string | undefined {
  const { bucket, key } = splitPath(raw.path);
  if (bucket === '') return undefined;
  const names = Object.keys(raw.query);
  if (names.some((name) => UNSUPPORTED.has(name))) return undefined;
  const has = (name: string) => names.includes(name);
  return key === '' ? bucketOperation(raw, has) : objectOperation(raw, has);
}
