/**
 * What the S3 object handlers share: the namespace and limits, bucket and key of a request, the headers
 * of a stored object, and an upload's decoded, verified body.
 */
import { AwsServiceError, type EmulatorRuntime, type OperationContext } from '../core/types.js';
import { decodeAwsChunked, isAwsChunked } from './aws-chunked.js';
import { verifyChecksums } from './checksums.js';
import type { ObjectStore, StoredObject } from './object-store.js';
import { splitPath } from './operations.js';

/** Namespace of S3 responses. */
export const S3_NAMESPACE = 'http://s3.amazonaws.com/doc/2006-03-01/';

/** Longest object key, UTF-8 bytes. */
export const MAX_KEY_BYTES = 1024;

/** A handler context of the S3 service. */
export type S3Ctx = OperationContext<EmulatorRuntime>;

/** Percent-decodes one path part; `InvalidURI` (400) when it is not valid percent-encoding. */
export function decodePart(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new AwsServiceError('InvalidURI', "Couldn't parse the specified URI.", 400);
  }
}

/** `NoSuchBucket` (404) unless the bucket exists. */
export function requireBucket(store: ObjectStore, bucket: string): void {
  if (!store.hasBucket(bucket)) {
    throw new AwsServiceError('NoSuchBucket', 'The specified bucket does not exist.', 404, {
      BucketName: bucket,
    });
  }
}

/** `KeyTooLongError` (400) for a key over {@link MAX_KEY_BYTES}. */
export function checkKey(key: string): string {
  if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) {
    throw new AwsServiceError('KeyTooLongError', 'Your key is too long.', 400);
  }
  return key;
}

/** The bucket (which must exist) and the key of a path-style object request, decoded. */
export function objectTarget(ctx: S3Ctx, store: ObjectStore): { bucket: string; key: string } {
  const parts = splitPath(ctx.raw.path);
  const bucket = decodePart(parts.bucket);
  const key = checkKey(decodePart(parts.key));
  requireBucket(store, bucket);
  return { bucket, key };
}

/** The bucket (which must exist) of a path-style bucket request, decoded. */
export function bucketTarget(ctx: S3Ctx, store: ObjectStore): string {
  const bucket = decodePart(splitPath(ctx.raw.path).bucket);
  requireBucket(store, bucket);
  return bucket;
}

/** `NoSuchKey` (404). */
export function noSuchKey(key: string): AwsServiceError {
  return new AwsServiceError('NoSuchKey', 'The specified key does not exist.', 404, { Key: key });
}

/** Headers every answer about a stored object carries. */
export function objectHeaders(object: StoredObject): Record<string, string> {
  return {
    'content-type': object.contentType,
    etag: object.etag,
    'last-modified': new Date(object.lastModified).toUTCString(),
    'accept-ranges': 'bytes',
  };
}

/**
 * The body of an upload (PutObject, UploadPart): aws-chunked bodies decoded, `Content-MD5` and flexible
 * checksums (headers or trailers) verified. Returns the body and the verified checksum headers.
 */
export function uploadedBody(ctx: S3Ctx): { body: Buffer; checksums: Record<string, string> } {
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
  return { body: Buffer.from(body), checksums: verifyChecksums(body, fields) };
}
