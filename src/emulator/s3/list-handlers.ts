/**
 * `ListObjectsV2` and `ListObjects` (v1) over the in-memory store: prefix, delimiter, `max-keys`
 * (capped at 1000), `start-after` and continuation tokens (v2), `marker` and `NextMarker` (v1),
 * `encoding-type=url`. Listing needs `s3:ListBucket` on the bucket, or a prefix inside a grant scope.
 */
import { AwsServiceError, type RawReply } from '../core/types.js';
import { xmlList } from '../core/xml.js';
import { type ListPage, decodeContinuationToken, encodeContinuationToken, listKeys } from './list-objects.js';
import { authorizeObjectAccess } from './object-auth.js';
import type { ObjectStore, StoredObject } from './object-store.js';
import { S3_NAMESPACE, type S3Ctx, bucketTarget } from './objects.js';
import { xmlReply } from './replies.js';

/** Largest page of a listing, keys (larger `max-keys` values are capped, as S3 does). */
export const LIST_MAX_KEYS = 1000;

interface ListParams {
  readonly bucket: string;
  readonly prefix: string;
  readonly delimiter: string;
  readonly maxKeys: number;
  readonly encode: (text: string) => string;
  readonly encodingType: string;
}

function listParams(ctx: S3Ctx, store: ObjectStore): ListParams {
  const bucket = bucketTarget(ctx, store);
  const query = ctx.raw.query;
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
  const prefix = query.prefix ?? '';
  authorizeObjectAccess(ctx, { kind: 'list', bucket, prefix });
  return {
    bucket,
    prefix,
    delimiter: query.delimiter ?? '',
    maxKeys,
    encodingType,
    encode: encodingType === 'url' ? encodeURIComponent : (text: string) => text,
  };
}

function entries(store: ObjectStore, params: ListParams, page: ListPage) {
  const { bucket, encode } = params;
  return {
    Contents: xmlList(
      'Contents',
      page.contents.map((key) => {
        const object = store.get(bucket, key) as StoredObject;
        return {
          Key: encode(key),
          LastModified: new Date(object.lastModified),
          ETag: object.etag,
          Size: object.body.length,
          StorageClass: 'STANDARD',
        };
      }),
      true,
    ),
    CommonPrefixes: xmlList(
      'CommonPrefixes',
      page.commonPrefixes.map((p) => ({ Prefix: encode(p) })),
      true,
    ),
  };
}

/** `ListObjectsV2`. */
export function listObjectsV2(ctx: S3Ctx, store: ObjectStore): RawReply {
  const params = listParams(ctx, store);
  const query = ctx.raw.query;
  const startAfter = query['start-after'] ?? '';
  const token = query['continuation-token'];
  const after = token !== undefined ? decodeContinuationToken(token) : undefined;
  const page = listKeys(store.keys(params.bucket), { ...params, startAfter, after });
  const { encode } = params;
  return xmlReply(
    'ListBucketResult',
    {
      Name: params.bucket,
      Prefix: encode(params.prefix),
      Delimiter: params.delimiter ? encode(params.delimiter) : undefined,
      MaxKeys: params.maxKeys,
      KeyCount: page.contents.length + page.commonPrefixes.length,
      IsTruncated: page.truncated,
      ContinuationToken: token,
      NextContinuationToken: page.next ? encodeContinuationToken(page.next) : undefined,
      StartAfter: startAfter ? encode(startAfter) : undefined,
      EncodingType: params.encodingType || undefined,
      ...entries(store, params, page),
    },
    S3_NAMESPACE,
  );
}

/** `ListObjects` (v1): `marker` resumes after a key; `NextMarker` is sent with a delimiter, as S3 does. */
export function listObjectsV1(ctx: S3Ctx, store: ObjectStore): RawReply {
  const params = listParams(ctx, store);
  const marker = ctx.raw.query.marker ?? '';
  // A marker that is a common prefix (a NextMarker) resumes after every key under it.
  const rolledUp = params.delimiter !== '' && marker.endsWith(params.delimiter);
  const page = listKeys(store.keys(params.bucket), {
    ...params,
    startAfter: rolledUp ? '' : marker,
    ...(rolledUp ? { after: { key: marker, commonPrefix: true } } : {}),
  });
  const { encode } = params;
  return xmlReply(
    'ListBucketResult',
    {
      Name: params.bucket,
      Prefix: encode(params.prefix),
      Marker: encode(marker),
      NextMarker: page.truncated && params.delimiter && page.next ? encode(page.next.key) : undefined,
      MaxKeys: params.maxKeys,
      Delimiter: params.delimiter ? encode(params.delimiter) : undefined,
      IsTruncated: page.truncated,
      EncodingType: params.encodingType || undefined,
      ...entries(store, params, page),
    },
    S3_NAMESPACE,
  );
}
