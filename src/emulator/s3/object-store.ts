/**
 * In-memory buckets and objects of the S3 service, seeded from `config.s3.buckets`. One store per
 * service instance (per running emulator); `PutObject` changes it.
 */
import { createHash } from 'node:crypto';
import type { EmulatorConfig } from '../config/types.js';

/** A stored object. */
export interface StoredObject {
  readonly body: Buffer;
  /** Quoted hex MD5, as S3 reports single-part ETags. */
  readonly etag: string;
  /** Epoch ms. */
  readonly lastModified: number;
  readonly contentType: string;
  /** Verified checksum headers sent with the upload (`x-amz-checksum-*`). */
  readonly checksums: Readonly<Record<string, string>>;
}

/** Content type S3 records when an upload names none. */
export const DEFAULT_CONTENT_TYPE = 'binary/octet-stream';

/** Buckets by name, each a map of key to object. */
export interface ObjectStore {
  hasBucket(bucket: string): boolean;
  get(bucket: string, key: string): StoredObject | undefined;
  /** Stores an object; `etag` defaults to the quoted MD5 of the body (multipart objects pass their own). */
  put(bucket: string, key: string, object: Omit<StoredObject, 'etag'> & { etag?: string }): StoredObject;
  /** Removes an object; true when there was one. */
  delete(bucket: string, key: string): boolean;
  /** The bucket's keys in S3 listing order (UTF-8 byte order). */
  keys(bucket: string): readonly string[];
}

/** Creates a store seeded with the configured buckets (objects as UTF-8 `text/plain`, modified at `now`). */
export function createObjectStore(config: EmulatorConfig, now: number): ObjectStore {
  const buckets = new Map<string, Map<string, StoredObject>>();
  const sorted = new Map<string, readonly string[]>();
  const make = (object: Omit<StoredObject, 'etag'> & { etag?: string }): StoredObject => ({
    ...object,
    etag: object.etag ?? `"${createHash('md5').update(object.body).digest('hex')}"`,
  });
  for (const bucket of config.s3.buckets) {
    const objects = new Map<string, StoredObject>();
    for (const [key, text] of Object.entries(bucket.objects ?? {})) {
      objects.set(
        key,
        make({
          body: Buffer.from(text, 'utf8'),
          lastModified: now,
          contentType: 'text/plain',
          checksums: {},
        }),
      );
    }
    buckets.set(bucket.name, objects);
  }
  return {
    hasBucket: (bucket) => buckets.has(bucket),
    get: (bucket, key) => buckets.get(bucket)?.get(key),
    put(bucket, key, object) {
      const objects = buckets.get(bucket);
      if (!objects) throw new Error(`no bucket ${bucket}`);
      const stored = make(object);
      if (!objects.has(key)) sorted.delete(bucket);
      objects.set(key, stored);
      return stored;
    },
    delete(bucket, key) {
      const removed = buckets.get(bucket)?.delete(key) ?? false;
      if (removed) sorted.delete(bucket);
      return removed;
    },
    keys(bucket) {
      let keys = sorted.get(bucket);
      if (!keys) {
        keys = [...(buckets.get(bucket)?.keys() ?? [])].sort((a, b) =>
          Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')),
        );
        sorted.set(bucket, keys);
      }
      return keys;
    },
  };
}
