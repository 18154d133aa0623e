/**
 * The emulator's S3 object API for path-style requests (`/bucket/key`): `GetObject`, `HeadObject`,
 * `PutObject` and `ListObjectsV2`, over an in-memory store seeded from `config.s3.buckets`. Who may do
 * what is decided by {@link authorizeObjectAccess}: Access Grants credentials stay inside their scope.
 */
import {
  AwsServiceError,
  type EmulatorRuntime,
  type OperationContext,
  type RawReply,
  type RawRequest,
  type ServiceFactory,
} from '../core/types.js';
import { xmlList } from '../core/xml.js';
import { decodeAwsChunked, isAwsChunked } from './aws-chunked.js';
import { verifyChecksums } from './checksums.js';
import { decodeContinuationToken, encodeContinuationToken, listKeys } from './list-objects.js';
import { authorizeObjectAccess } from './object-auth.js';
import {
  createObjectStore,
  DEFAULT_CONTENT_TYPE,
  type ObjectStore,
  type StoredObject,
} from './object-store.js';
import { xmlReply } from './replies.js';

/** Namespace of S3 responses. */
export const S3_NAMESPACE = 'http://s3.amazonaws.com/doc/2006-03-01/';

/** Largest page of `ListObjectsV2`, keys (larger `max-keys` values are capped, as S3 does). */
export const LIST_MAX_KEYS = 1000;

/** Longest object key, UTF-8 bytes. */
export const MAX_KEY_BYTES = 1024;

/** Query parameters naming sub-resources this service does not implement. */
const SUBRESOURCES = new Set([
  'acl',
  'tagging',
  'uploads',
  'uploadId',
  'partNumber',
  'versionId',
  'retention',
  'legal-hold',
  'torrent',
  'restore',
  'select',
  'attributes',
]);

function splitPath(path: string): { bucket: string; key: string } {
  const rest = path.startsWith('/') ? path.slice(1) : path;
  const slash = rest.indexOf('/');
  return slash < 0 ? { bucket: rest, key: '' } : { bucket: rest.slice(0, slash), key: rest.slice(slash + 1) };
}

/** The operation of a path-style S3 request; undefined for anything this service does not implement. */
export function resolveS3Operation(raw: RawRequest): string | undefined {
  const { bucket, key } = splitPath(raw.path);
  if (bucket === '') return undefined;
  if (Object.keys(raw.query).some((name) => SUBRESOURCES.has(name))) return undefined;
  if (key === '') return raw.method === 'GET' && raw.query['list-type'] === '2' ? 'ListObjectsV2' : undefined;
  if (raw.method === 'GET') return 'GetObject';
  if (raw.method === 'HEAD') return 'HeadObject';
  if (raw.method === 'PUT' && raw.headers['x-amz-copy-source'] === undefined) return 'PutObject';
  return undefined;
}

/** Creates the `s3` service with its own object store (seeded from the configuration). */
export const createS3Service: ServiceFactory = (runtime: EmulatorRuntime) => {
  const store = createObjectStore(runtime.config, runtime.now());
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
      ListObjectsV2: (ctx) => listObjectsV2(ctx, store),
    },
  };
};

function decodePart(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new AwsServiceError('InvalidURI', "Couldn't parse the specified URI.", 400);
  }
}

function objectTarget(
  ctx: OperationContext<EmulatorRuntime>,
  store: ObjectStore,
): { bucket: string; key: string } {
  const parts = splitPath(ctx.raw.path);
  const bucket = decodePart(parts.bucket);
  const key = decodePart(parts.key);
  if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) {
    throw new AwsServiceError('KeyTooLongError', 'Your key is too long.', 400);
  }
  requireBucket(store, bucket);
  return { bucket, key };
}

function requireBucket(store: ObjectStore, bucket: string): void {
  if (!store.hasBucket(bucket)) {
    throw new AwsServiceError('NoSuchBucket', 'The specified bucket does not exist.', 404, {
      BucketName: bucket,
    });
  }
}

function objectHeaders(object: StoredObject): Record<string, string> {
  return {
    'content-type': object.contentType,
    etag: object.etag,
    'last-modified': new Date(object.lastModified).toUTCString(),
    'accept-ranges': 'bytes',
  };
}

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

function readObject(ctx: OperationContext<EmulatorRuntime>, store: ObjectStore, head: boolean): RawReply {
  const { bucket, key } = objectTarget(ctx, store);
  authorizeObjectAccess(ctx, { kind: 'read', bucket, key });
  const object = store.get(bucket, key);
  if (!object) throw new AwsServiceError('NoSuchKey', 'The specified key does not exist.', 404, { Key: key });
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

function putObject(ctx: OperationContext<EmulatorRuntime>, store: ObjectStore): RawReply {
  const { bucket, key } = objectTarget(ctx, store);
  authorizeObjectAccess(ctx, { kind: 'write', bucket, key });
  const headers = ctx.raw.headers;
  let body = ctx.raw.body;
  const fields: Record<string, string> = { ...headers };
  // The HTTP front may already have decoded an aws-chunked body (keeping the headers); an encoded
  // body is always longer than its decoded length, so equal lengths mean it was decoded.
  const decodedLength = headers['x-amz-decoded-content-length'];
  if (isAwsChunked(headers) && !(decodedLength !== undefined && decodedLength === String(body.length))) {
    const decoded = decodeAwsChunked(body, decodedLength);
    body = decoded.data;
    Object.assign(fields, decoded.trailers);
  }
  const checksums = verifyChecksums(body, fields);
  const stored = store.put(bucket, key, {
    body: Buffer.from(body),
    lastModified: ctx.now,
    contentType: headers['content-type'] || DEFAULT_CONTENT_TYPE,
    checksums,
  });
  return { raw: true, status: 200, headers: { etag: stored.etag, ...checksums }, body: '' };
}

function listObjectsV2(ctx: OperationContext<EmulatorRuntime>, store: ObjectStore): RawReply {
  const bucket = decodePart(splitPath(ctx.raw.path).bucket);
  requireBucket(store, bucket);
  const query = ctx.raw.query;
  const prefix = query.prefix ?? '';
  const delimiter = query.delimiter ?? '';
  const startAfter = query['start-after'] ?? '';
  const encodingType = query['encoding-type'] ?? '';
  if (encodingType !== '' && encodingType !== 'url') {
    throw new AwsServiceError('InvalidArgument', 'Invalid Encoding Method specified in Request', 400, {
      ArgumentName: 'encoding-type',
    });
  }
  const maxKeysText = query['max-keys'];
  let maxKeys = LIST_MAX_KEYS;
  if (maxKeysText !== undefined && maxKeysText !== '') {
    if (!/^\d{1,10}$/.test(maxKeysText)) {
      throw new AwsServiceError(
        'InvalidArgument',
        'Provided max-keys not an integer or within integer range',
        400,
        {
          ArgumentName: 'max-keys',
        },
      );
    }
    maxKeys = Math.min(Number(maxKeysText), LIST_MAX_KEYS);
  }
  const token = query['continuation-token'];
  const after = token !== undefined ? decodeContinuationToken(token) : undefined;
  authorizeObjectAccess(ctx, { kind: 'list', bucket, prefix });
  const page = listKeys(store.keys(bucket), { prefix, delimiter, maxKeys, startAfter, after });
  const encode = encodingType === 'url' ? encodeURIComponent : (text: string) => text;
  const contents = page.contents.map((key) => {
    const object = store.get(bucket, key) as StoredObject;
    return {
      Key: encode(key),
      LastModified: new Date(object.lastModified),
      ETag: object.etag,
      Size: object.body.length,
      StorageClass: 'STANDARD',
    };
  });
  return xmlReply(
    'ListBucketResult',
    {
      Name: bucket,
      Prefix: encode(prefix),
      Delimiter: delimiter ? encode(delimiter) : undefined,
      MaxKeys: maxKeys,
      KeyCount: page.contents.length + page.commonPrefixes.length,
      IsTruncated: page.truncated,
      ContinuationToken: token,
      NextContinuationToken: page.next ? encodeContinuationToken(page.next) : undefined,
      StartAfter: startAfter ? encode(startAfter) : undefined,
      EncodingType: encodingType || undefined,
      Contents: xmlList('Contents', contents, true),
      CommonPrefixes: xmlList(
        'CommonPrefixes',
        page.commonPrefixes.map((p) => ({ Prefix: encode(p) })),
        true,
      ),
    },
    S3_NAMESPACE,
  );
}
