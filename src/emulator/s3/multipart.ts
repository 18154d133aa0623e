/**
 * Multipart uploads: `CreateMultipartUpload`, `UploadPart`, `UploadPartCopy`, `ListParts`,
 * `CompleteMultipartUpload` and `AbortMultipartUpload`, as S3 checks them: part numbers 1..10000, every
 * part but the last at least 5 MiB, parts listed in ascending order with their ETags, an unknown or
 * finished upload `NoSuchUpload`. The object's ETag is the MD5 of the parts' MD5s with `-<count>`.
 * Each request is authorized on the upload's key (WRITE; `s3:PutObject`, `s3:AbortMultipartUpload`,
 * `s3:ListMultipartUploadParts`), so credentials scoped to READ can start nothing.
 */
import { createHash, randomBytes } from 'node:crypto';
import { AwsServiceError, type RawReply } from '../core/types.js';
import type { XmlValue } from '../core/xml-read.js';
import { xmlList } from '../core/xml.js';
import { authorizeObjectAccess } from './object-auth.js';
import { DEFAULT_CONTENT_TYPE, type ObjectStore } from './object-store.js';
import { S3_NAMESPACE, type S3Ctx, objectTarget, uploadedBody } from './objects.js';
import { xmlReply } from './replies.js';
import { copySource } from './write-handlers.js';

/** Smallest part but the last, bytes (5 MiB, as S3). */
export const MIN_PART_BYTES = 5 * 1024 * 1024;
/** Highest part number. */
export const MAX_PART_NUMBER = 10_000;
/** Most uploads in progress at once; the oldest is dropped beyond (the emulator keeps parts in memory). */
export const MAX_OPEN_UPLOADS = 1000;

interface Part {
  readonly body: Buffer;
  readonly etag: string;
  readonly lastModified: number;
  readonly checksums: Readonly<Record<string, string>>;
}

interface Upload {
  readonly bucket: string;
  readonly key: string;
  readonly contentType: string;
  readonly initiated: number;
  readonly checksumAlgorithm: string | undefined;
  readonly parts: Map<number, Part>;
}

/** The uploads in progress of one S3 service. */
export class MultipartUploads {
  readonly #uploads = new Map<string, Upload>();

  /** Starts an upload; returns its id. */
  create(upload: Omit<Upload, 'parts'>): string {
    const id = randomBytes(32).toString('base64url');
    if (this.#uploads.size >= MAX_OPEN_UPLOADS) {
      const oldest = this.#uploads.keys().next().value;
      if (oldest !== undefined) this.#uploads.delete(oldest);
    }
    this.#uploads.set(id, { ...upload, parts: new Map() });
    return id;
  }

  /** The upload `id` for `bucket`/`key`; `NoSuchUpload` (404) otherwise. */
  get(id: string | undefined, bucket: string, key: string): Upload {
    const upload = id === undefined ? undefined : this.#uploads.get(id);
    if (!upload || upload.bucket !== bucket || upload.key !== key) {
      throw new AwsServiceError(
        'NoSuchUpload',
        'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
        404,
        { UploadId: (id ?? '').slice(0, 128) },
      );
    }
    return upload;
  }

  /** Forgets an upload (completed or aborted). */
  delete(id: string): void {
    this.#uploads.delete(id);
  }
}

const md5 = (data: Buffer) => createHash('md5').update(data).digest();

function partNumber(text: string | undefined): number {
  const n = text !== undefined && /^\d{1,5}$/.test(text) ? Number(text) : Number.NaN;
  if (!(n >= 1 && n <= MAX_PART_NUMBER)) {
    throw new AwsServiceError(
      'InvalidArgument',
      `Part number must be an integer between 1 and ${MAX_PART_NUMBER}, inclusive`,
      400,
      { ArgumentName: 'partNumber', ArgumentValue: String(text ?? '').slice(0, 16) },
    );
  }
  return n;
}

/** `CreateMultipartUpload`. */
export function createMultipartUpload(ctx: S3Ctx, store: ObjectStore, uploads: MultipartUploads): RawReply {
  const { bucket, key } = objectTarget(ctx, store);
  authorizeObjectAccess(ctx, { kind: 'write', bucket, key });
  const algorithm = ctx.raw.headers['x-amz-checksum-algorithm']?.toUpperCase();
  const uploadId = uploads.create({
    bucket,
    key,
    contentType: ctx.raw.headers['content-type'] || DEFAULT_CONTENT_TYPE,
    initiated: ctx.now,
    checksumAlgorithm: algorithm,
  });
  const reply = xmlReply(
    'InitiateMultipartUploadResult',
    { Bucket: bucket, Key: key, UploadId: uploadId },
    S3_NAMESPACE,
  );
  if (algorithm) reply.headers['x-amz-checksum-algorithm'] = algorithm;
  return reply;
}

/** `UploadPart`: the part body is verified like a PutObject body. */
export function uploadPart(ctx: S3Ctx, store: ObjectStore, uploads: MultipartUploads): RawReply {
  const { bucket, key } = objectTarget(ctx, store);
  authorizeObjectAccess(ctx, { kind: 'write', bucket, key });
  const upload = uploads.get(ctx.raw.query.uploadId, bucket, key);
  const n = partNumber(ctx.raw.query.partNumber);
  const { body, checksums } = uploadedBody(ctx);
  const etag = `"${md5(body).toString('hex')}"`;
  upload.parts.set(n, { body, etag, lastModified: ctx.now, checksums });
  return { raw: true, status: 200, headers: { etag, ...checksums }, body: '' };
}

/** `UploadPartCopy`: a part copied from an object (optionally a byte range of it). */
export function uploadPartCopy(ctx: S3Ctx, store: ObjectStore, uploads: MultipartUploads): RawReply {
  const { bucket, key } = objectTarget(ctx, store);
  authorizeObjectAccess(ctx, { kind: 'write', bucket, key });
  const upload = uploads.get(ctx.raw.query.uploadId, bucket, key);
  const n = partNumber(ctx.raw.query.partNumber);
  const source = copySource(ctx, store);
  const size = source.object.body.length;
  const range = ctx.raw.headers['x-amz-copy-source-range'];
  let body = source.object.body;
  if (range !== undefined) {
    const m = /^bytes=(\d+)-(\d+)$/.exec(range.trim());
    if (!m || Number(m[1]) > Number(m[2]) || Number(m[2]) >= size) {
      throw new AwsServiceError(
        'InvalidArgument',
        'The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy',
        400,
        {
          ArgumentName: 'x-amz-copy-source-range',
        },
      );
    }
    body = body.subarray(Number(m[1]), Number(m[2]) + 1);
  }
  const etag = `"${md5(body).toString('hex')}"`;
  upload.parts.set(n, { body: Buffer.from(body), etag, lastModified: ctx.now, checksums: {} });
  return xmlReply('CopyPartResult', { ETag: etag, LastModified: new Date(ctx.now) }, S3_NAMESPACE);
}

const asList = (value: XmlValue | XmlValue[] | undefined): XmlValue[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

function malformed(): AwsServiceError {
  return new AwsServiceError(
    'MalformedXML',
    'The XML you provided was not well-formed or did not validate against our published schema.',
    400,
  );
}

/** The `(PartNumber, ETag)` list of a `<CompleteMultipartUpload>` document. */
function completedParts(input: Record<string, unknown>): { n: number; etag: string }[] {
  const root = input.CompleteMultipartUpload;
  if (typeof root !== 'object' || root === null || Array.isArray(root)) throw malformed();
  const parts = asList((root as Record<string, XmlValue | XmlValue[]>).Part);
  if (parts.length === 0 || parts.length > MAX_PART_NUMBER) throw malformed();
  return parts.map((p) => {
    if (typeof p !== 'object' || Array.isArray(p)) throw malformed();
    const number = p.PartNumber;
    const etag = p.ETag;
    if (typeof number !== 'string' || typeof etag !== 'string' || !/^\d{1,5}$/.test(number))
      throw malformed();
    return { n: Number(number), etag: etag.startsWith('"') ? etag : `"${etag}"` };
  });
}

/** `CompleteMultipartUpload`: assembles the listed parts into the object. */
export function completeMultipartUpload(ctx: S3Ctx, store: ObjectStore, uploads: MultipartUploads): RawReply {
  const { bucket, key } = objectTarget(ctx, store);
  authorizeObjectAccess(ctx, { kind: 'write', bucket, key });
  const id = ctx.raw.query.uploadId;
  const upload = uploads.get(id, bucket, key);
  const listed = completedParts(ctx.input);
  if (listed.some((p, i) => i > 0 && p.n <= (listed[i - 1] as { n: number }).n)) {
    throw new AwsServiceError(
      'InvalidPartOrder',
      'The list of parts was not in ascending order. The parts list must be specified in order by part number.',
      400,
    );
  }
  const chosen: Part[] = [];
  for (const [i, { n, etag }] of listed.entries()) {
    const part = upload.parts.get(n);
    if (!part || part.etag !== etag) {
      throw new AwsServiceError(
        'InvalidPart',
        "One or more of the specified parts could not be found. The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.",
        400,
        {
          PartNumber: String(n),
        },
      );
    }
    if (i < listed.length - 1 && part.body.length < MIN_PART_BYTES) {
      throw new AwsServiceError(
        'EntityTooSmall',
        'Your proposed upload is smaller than the minimum allowed size',
        400,
        {
          ProposedSize: String(part.body.length),
          MinSizeAllowed: String(MIN_PART_BYTES),
          PartNumber: String(n),
        },
      );
    }
    chosen.push(part);
  }
  const etag = `"${md5(Buffer.concat(chosen.map((p) => Buffer.from(p.etag.slice(1, -1), 'hex')))).toString('hex')}-${chosen.length}"`;
  // No whole-object checksum is stored: a composite one (`…-N`) is not what clients validate bodies with.
  store.put(bucket, key, {
    body: Buffer.concat(chosen.map((p) => p.body)),
    lastModified: ctx.now,
    contentType: upload.contentType,
    checksums: {},
    etag,
  });
  uploads.delete(id as string);
  const host = ctx.raw.host || 'localhost';
  return xmlReply(
    'CompleteMultipartUploadResult',
    {
      Location: `http://${host}/${bucket}/${encodeURIComponent(key).replaceAll('%2F', '/')}`,
      Bucket: bucket,
      Key: key,
      ETag: etag,
    },
    S3_NAMESPACE,
  );
}

/** `AbortMultipartUpload`: 204; the parts are dropped. */
export function abortMultipartUpload(ctx: S3Ctx, store: ObjectStore, uploads: MultipartUploads): RawReply {
  const { bucket, key } = objectTarget(ctx, store);
  authorizeObjectAccess(ctx, { kind: 'abort', bucket, key });
  uploads.get(ctx.raw.query.uploadId, bucket, key);
  uploads.delete(ctx.raw.query.uploadId as string);
  return { raw: true, status: 204, headers: {}, body: '' };
}

/** `ListParts` (one page of up to 1000 parts, with `part-number-marker`). */
export function listParts(ctx: S3Ctx, store: ObjectStore, uploads: MultipartUploads): RawReply {
  const { bucket, key } = objectTarget(ctx, store);
  authorizeObjectAccess(ctx, { kind: 'parts', bucket, key });
  const upload = uploads.get(ctx.raw.query.uploadId, bucket, key);
  const markerText = ctx.raw.query['part-number-marker'];
  const marker = markerText === undefined || markerText === '' ? 0 : partNumber(markerText);
  const maxText = ctx.raw.query['max-parts'];
  const max = maxText !== undefined && /^\d{1,5}$/.test(maxText) ? Math.min(Number(maxText), 1000) : 1000;
  const numbers = [...upload.parts.keys()].filter((n) => n > marker).sort((a, b) => a - b);
  const page = numbers.slice(0, max);
  const truncated = numbers.length > page.length;
  return xmlReply(
    'ListPartsResult',
    {
      Bucket: bucket,
      Key: key,
      UploadId: ctx.raw.query.uploadId,
      PartNumberMarker: marker,
      NextPartNumberMarker: page.at(-1) ?? marker,
      MaxParts: max,
      IsTruncated: truncated,
      Part: xmlList(
        'Part',
        page.map((n) => {
          const part = upload.parts.get(n) as Part;
          const checksum = upload.checksumAlgorithm
            ? part.checksums[`x-amz-checksum-${upload.checksumAlgorithm.toLowerCase()}`]
            : undefined;
          return {
            PartNumber: n,
            LastModified: new Date(part.lastModified),
            ETag: part.etag,
            Size: part.body.length,
            ...(checksum && upload.checksumAlgorithm
              ? { [`Checksum${upload.checksumAlgorithm}`]: checksum }
              : {}),
          };
        }),
        true,
      ),
      StorageClass: 'STANDARD',
      ChecksumAlgorithm: upload.checksumAlgorithm,
    },
    S3_NAMESPACE,
  );
}
