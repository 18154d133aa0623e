/**
 * The emulator's S3 object API for path-style requests (`/bucket/key`; the front maps virtual-hosted
 * requests to this form): `GetObject`, `HeadObject`, `PutObject`, `CopyObject`, `DeleteObject`,
 * `DeleteObjects`, `ListObjects` (v1 and v2) and multipart uploads, over an in-memory store seeded from
 * `config.s3.buckets`. Who may do what is decided per key by {@link authorizeObjectAccess}: Access Grants
 * credentials stay inside their scope and permission, other callers are judged by IAM.
 */
import type { EmulatorRuntime, RawReply, ServiceFactory } from '../core/types.js';
import { AwsServiceError } from '../core/types.js';
import { listObjectsV1, listObjectsV2 } from './list-handlers.js';
import {
  MultipartUploads,
  abortMultipartUpload,
  completeMultipartUpload,
  createMultipartUpload,
  listParts,
  uploadPart,
  uploadPartCopy,
} from './multipart.js';
import { authorizeObjectAccess } from './object-auth.js';
import { DEFAULT_CONTENT_TYPE, type ObjectStore, createObjectStore } from './object-store.js';
import { S3_NAMESPACE, type S3Ctx, noSuchKey, objectHeaders, objectTarget, uploadedBody } from './objects.js';
import { resolveS3Operation } from './operations.js';
import { copyObject, deleteObject, deleteObjects } from './write-handlers.js';

export { LIST_MAX_KEYS } from './list-handlers.js';
export { MAX_KEY_BYTES, S3_NAMESPACE } from './objects.js';
export { resolveS3Operation } from './operations.js';

/** Creates the `s3` service with its own object store (seeded from the configuration). */
export const createS3Service: ServiceFactory = (runtime: EmulatorRuntime) => {
  const store = createObjectStore(runtime.config, runtime.now());
  const uploads = new MultipartUploads();
  return {
    service: 's3',
    protocol: 'restXml',
    xmlNamespace: S3_NAMESPACE,
    resolveOperation: resolveS3Operation,
    // Each handler authorizes every key it touches (object ARNs, s3:ListBucket on the bucket).
    iamRequests: () => [],
    handlers: {
      GetObject: (ctx) => readObject(ctx, store, false),
      HeadObject: (ctx) => readObject(ctx, store, true),
      PutObject: (ctx) => putObject(ctx, store),
      CopyObject: (ctx) => copyObject(ctx, store),
      DeleteObject: (ctx) => deleteObject(ctx, store),
      DeleteObjects: (ctx) => deleteObjects(ctx, store),
      ListObjectsV2: (ctx) => listObjectsV2(ctx, store),
      ListObjects: (ctx) => listObjectsV1(ctx, store),
      CreateMultipartUpload: (ctx) => createMultipartUpload(ctx, store, uploads),
      UploadPart: (ctx) => uploadPart(ctx, store, uploads),
      UploadPartCopy: (ctx) => uploadPartCopy(ctx, store, uploads),
      CompleteMultipartUpload: (ctx) => completeMultipartUpload(ctx, store, uploads),
      AbortMultipartUpload: (ctx) => abortMultipartUpload(ctx, store, uploads),
      ListParts: (ctx) => listParts(ctx, store, uploads),
    },
  };
};

/** Parses a single `bytes=` range against `size`; undefined to serve the whole object. */
function parseRange(header: string | undefined, size: number): { start: number; end: number } | undefined {
  const match = header === undefined ? null : /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  let start: number;
  let end: number;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0) throw invalidRange(size);
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
    if (match[2] !== '' && Number(match[2]) < start) return undefined;
  }
  if (start >= size) throw invalidRange(size);
  return { start, end };
}

function invalidRange(size: number): AwsServiceError {
  return new AwsServiceError('InvalidRange', 'The requested range is not satisfiable', 416, {
    ActualObjectSize: String(size),
  });
}

function readObject(ctx: S3Ctx, store: ObjectStore, head: boolean): RawReply {
  const { bucket, key } = objectTarget(ctx, store);
  authorizeObjectAccess(ctx, { kind: 'read', bucket, key });
  const object = store.get(bucket, key);
  if (!object) throw noSuchKey(key);
  const headers = objectHeaders(object);
  const size = object.body.length;
  const range = parseRange(ctx.raw.headers.range, size);
  const body = range ? object.body.subarray(range.start, range.end + 1) : object.body;
  headers['content-length'] = String(body.length);
  if (range) headers['content-range'] = `bytes ${range.start}-${range.end}/${size}`;
  // As S3: stored checksums only when asked for, and only for the whole object (the SDK validates them).
  else if (ctx.raw.headers['x-amz-checksum-mode']?.toUpperCase() === 'ENABLED')
    Object.assign(headers, object.checksums);
  return { raw: true, status: range ? 206 : 200, headers, body: head ? '' : body };
}

function putObject(ctx: S3Ctx, store: ObjectStore): RawReply {
  const { bucket, key } = objectTarget(ctx, store);
  authorizeObjectAccess(ctx, { kind: 'write', bucket, key });
  const { body, checksums } = uploadedBody(ctx);
  const stored = store.put(bucket, key, {
    body,
    lastModified: ctx.now,
    contentType: ctx.raw.headers['content-type'] || DEFAULT_CONTENT_TYPE,
    checksums,
  });
  return { raw: true, status: 200, headers: { etag: stored.etag, ...checksums }, body: '' };
}
