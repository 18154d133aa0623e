/**
 * Conveniences over the Access Grants S3 client: read an object to bytes, write one, list a prefix.
 *
 * @module
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { optionError } from '../../errors.js';
import { awsCall } from '../call.js';
import type { ServiceContext } from '../context.js';
import { s3Sdk } from './sdk.js';
import type { S3ListedObject, S3ObjectContent } from './types.js';

const decoder = new TextDecoder('utf-8');

/** Reads `Bucket`/`Key` fully into memory. */
export async function readObject(
  ctx: ServiceContext,
  client: S3Client,
  input: { Bucket: string; Key: string },
  signal: AbortSignal | undefined,
): Promise<S3ObjectContent> {
  const out = await awsCall(
    ctx,
    's3',
    'GetObject',
    async (s) => {
      const { GetObjectCommand } = s3Sdk();
      const res = await client.send(new GetObjectCommand({ Bucket: input.Bucket, Key: input.Key }), {
        abortSignal: s,
      });
      const body = res.Body === undefined ? new Uint8Array() : await res.Body.transformToByteArray();
      return { res, body };
    },
    signal,
  );
  const body = out.body;
  return Object.freeze({
    body,
    contentType: out.res.ContentType,
    eTag: out.res.ETag,
    text: () => decoder.decode(body),
  });
}

/** Writes an object. */
export async function writeObject(
  ctx: ServiceContext,
  client: S3Client,
  input: { Bucket: string; Key: string; Body: string | Uint8Array; ContentType?: string },
  signal: AbortSignal | undefined,
): Promise<{ eTag: string | undefined }> {
  const out = await awsCall(
    ctx,
    's3',
    'PutObject',
    (s) =>
      client.send(
        new (s3Sdk().PutObjectCommand)({
          Bucket: input.Bucket,
          Key: input.Key,
          Body: input.Body,
          ...(input.ContentType === undefined ? {} : { ContentType: input.ContentType }),
        }),
        { abortSignal: s },
      ),
    signal,
  );
  return { eTag: out.ETag };
}

/** Lists every object under `Prefix`, following continuation tokens, up to `maxKeys`. */
export async function listObjects(
  ctx: ServiceContext,
  client: S3Client,
  input: { Bucket: string; Prefix?: string },
  options: { signal?: AbortSignal; maxKeys?: number },
): Promise<S3ListedObject[]> {
  const maxKeys = options.maxKeys ?? 10_000;
  if (!Number.isInteger(maxKeys) || maxKeys < 1) throw optionError('maxKeys', 'must be a positive integer');
  const out: S3ListedObject[] = [];
  let token: string | undefined;
  do {
    const page = await awsCall(
      ctx,
      's3',
      'ListObjectsV2',
      (s) =>
        client.send(
          new (s3Sdk().ListObjectsV2Command)({
            Bucket: input.Bucket,
            ...(input.Prefix === undefined ? {} : { Prefix: input.Prefix }),
            ...(token === undefined ? {} : { ContinuationToken: token }),
            MaxKeys: Math.min(1000, maxKeys - out.length),
          }),
          { abortSignal: s },
        ),
      options.signal,
    );
    for (const item of page.Contents ?? []) {
      if (typeof item.Key !== 'string') continue;
      out.push({ key: item.Key, size: item.Size ?? 0, lastModified: item.LastModified, eTag: item.ETag });
      if (out.length >= maxKeys) return out;
    }
    // A truncated page without a token would loop forever: stop instead.
    token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
  } while (token !== undefined && token.length > 0);
  return out;
}
