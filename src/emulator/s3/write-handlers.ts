/**
 * `DeleteObject`, `DeleteObjects` and `CopyObject`. Deleting needs `s3:DeleteObject` on each key (WRITE
 * in a grant scope); each key of a batch is judged on its own and a refused key is an `<Error>` entry, as
 * S3 answers. Copying reads the source and writes the target: both keys must be allowed.
 */
import { AwsServiceError, type RawReply } from '../core/types.js';
import type { XmlValue } from '../core/xml-read.js';
import { xmlList } from '../core/xml.js';
import { verifyChecksums } from './checksums.js';
import { authorizeObjectAccess, objectAccessDenial } from './object-auth.js';
import type { ObjectStore, StoredObject } from './object-store.js';
import {
  S3_NAMESPACE,
  type S3Ctx,
  bucketTarget,
  checkKey,
  decodePart,
  noSuchKey,
  objectTarget,
  requireBucket,
} from './objects.js';
import { invalidRequest, xmlReply } from './replies.js';

/** Most keys in one `DeleteObjects` request. */
export const DELETE_MAX_KEYS = 1000;

/** `DeleteObject`: 204 whether or not the key existed, as S3 answers. */
export function deleteObject(ctx: S3Ctx, store: ObjectStore): RawReply {
  const { bucket, key } = objectTarget(ctx, store);
  authorizeObjectAccess(ctx, { kind: 'delete', bucket, key });
  store.delete(bucket, key);
  return { raw: true, status: 204, headers: {}, body: '' };
}

const malformed = () =>
  new AwsServiceError(
    'MalformedXML',
    'The XML you provided was not well-formed or did not validate against our published schema.',
    400,
  );

const asList = (value: XmlValue | XmlValue[] | undefined): XmlValue[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** The keys and the quiet flag of a `<Delete>` document. */
function deleteRequest(input: Record<string, unknown>): { keys: string[]; quiet: boolean } {
  const root = input.Delete;
  if (typeof root !== 'object' || root === null || Array.isArray(root)) throw malformed();
  const doc = root as Record<string, XmlValue | XmlValue[]>;
  const objects = asList(doc.Object);
  if (objects.length === 0 || objects.length > DELETE_MAX_KEYS) throw malformed();
  const keys = objects.map((o) => {
    const key = typeof o === 'object' && !Array.isArray(o) ? o.Key : undefined;
    if (typeof key !== 'string' || key.length === 0) throw malformed();
    return checkKey(key);
  });
  return { keys, quiet: doc.Quiet === 'true' };
}

/** `DeleteObjects`: needs an integrity header (`Content-MD5` or a flexible checksum), as S3 does. */
export function deleteObjects(ctx: S3Ctx, store: ObjectStore): RawReply {
  const bucket = bucketTarget(ctx, store);
  const headers = ctx.raw.headers;
  const hasChecksum = Object.keys(headers).some(
    (h) => h === 'content-md5' || (h.startsWith('x-amz-checksum-') && h !== 'x-amz-checksum-algorithm'),
  );
  if (!hasChecksum) {
    throw invalidRequest(
      'Missing required header for this request: Content-MD5 (or an x-amz-checksum-* header).',
    );
  }
  verifyChecksums(ctx.raw.body, headers);
  const { keys, quiet } = deleteRequest(ctx.input);
  const deleted: { Key: string }[] = [];
  const errors: { Key: string; Code: string; Message: string }[] = [];
  for (const key of keys) {
    if (objectAccessDenial(ctx, { kind: 'delete', bucket, key }) !== undefined) {
      errors.push({ Key: key, Code: 'AccessDenied', Message: 'Access Denied' });
      continue;
    }
    store.delete(bucket, key);
    deleted.push({ Key: key });
  }
  return xmlReply(
    'DeleteResult',
    {
      Deleted: xmlList('Deleted', quiet ? [] : deleted, true),
      Error: xmlList('Error', errors, true),
    },
    S3_NAMESPACE,
  );
}

/** The bucket and key of an `x-amz-copy-source` header (`bucket/key` or `/bucket/key`, URL-encoded). */
export function copySource(
  ctx: S3Ctx,
  store: ObjectStore,
): { bucket: string; key: string; object: StoredObject } {
  const header = ctx.raw.headers['x-amz-copy-source'] ?? '';
  const [path = '', version] = header.split('?');
  if (version !== undefined) {
    throw new AwsServiceError('NotImplemented', 'Copying a given version is not implemented.', 501);
  }
  const text = decodePart(path.startsWith('/') ? path.slice(1) : path);
  const slash = text.indexOf('/');
  if (slash <= 0 || slash === text.length - 1) {
    throw new AwsServiceError(
      'InvalidArgument',
      'Copy Source must mention the source bucket and key: sourcebucket/sourcekey',
      400,
      {
        ArgumentName: 'x-amz-copy-source',
      },
    );
  }
  const bucket = text.slice(0, slash);
  const key = checkKey(text.slice(slash + 1));
  requireBucket(store, bucket);
  authorizeObjectAccess(ctx, { kind: 'read', bucket, key });
  const object = store.get(bucket, key);
  if (!object) throw noSuchKey(key);
  return { bucket, key, object };
}

/** `CopyObject`: metadata directive `COPY` (default) keeps the content type, `REPLACE` takes the request's. */
export function copyObject(ctx: S3Ctx, store: ObjectStore): RawReply {
  const target = objectTarget(ctx, store);
  authorizeObjectAccess(ctx, { kind: 'write', ...target });
  const source = copySource(ctx, store);
  const directive = ctx.raw.headers['x-amz-metadata-directive'] ?? 'COPY';
  if (directive !== 'COPY' && directive !== 'REPLACE') {
    throw new AwsServiceError('InvalidArgument', 'Unknown metadata directive.', 400, {
      ArgumentName: 'x-amz-metadata-directive',
    });
  }
  if (source.bucket === target.bucket && source.key === target.key && directive === 'COPY') {
    throw invalidRequest(
      "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
    );
  }
  const stored = store.put(target.bucket, target.key, {
    body: source.object.body,
    lastModified: ctx.now,
    contentType:
      directive === 'REPLACE'
        ? ctx.raw.headers['content-type'] || source.object.contentType
        : source.object.contentType,
    // A copy is a single-part object: its ETag is the MD5 of the body, whatever the source's was.
    checksums: source.object.checksums,
  });
  return xmlReply(
    'CopyObjectResult',
    { ETag: stored.etag, LastModified: new Date(stored.lastModified) },
    S3_NAMESPACE,
  );
}
