/**
 * The S3 Access Grants handle of one user: cached GetDataAccess, an S3 client signed per request with
 * the covering grant's credentials, and read/write/list conveniences.
 *
 * @module
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { ServiceContext, ServiceContextInit } from '../context.js';
import { toServiceContext } from '../context.js';
import { createDataAccessCache } from './data-access.js';
import { listObjects, readObject, writeObject } from './objects.js';
import { createAccessGrantsS3Client } from './s3-client.js';
import type { S3AccessGrants, S3AccessGrantsOptions } from './types.js';

/**
 * Creates the S3 Access Grants handle of one user.
 *
 * @param context - A service context, or the options to build one (`credentials` = the user's
 *   identity-enhanced credentials, `region`, `clientConfig` with endpoint/requestHandler).
 * @param options - Cache and account settings; see {@link S3AccessGrantsOptions}.
 * @throws TypeError for a bad option.
 */
export function s3AccessGrants(
  context: ServiceContext | ServiceContextInit,
  options: S3AccessGrantsOptions = {},
): S3AccessGrants {
  const ctx = toServiceContext(context);
  const cache = createDataAccessCache(ctx, options);
  let shared: S3Client | undefined;
  const defaultClient = (): S3Client => {
    shared ??= createAccessGrantsS3Client(ctx, cache);
    return shared;
  };
  return Object.freeze({
    getDataAccess: cache.getDataAccess,
    client: (clientOptions) =>
      clientOptions === undefined ? defaultClient() : createAccessGrantsS3Client(ctx, cache, clientOptions),
    getObject: async (input, opts) => readObject(ctx, defaultClient(), input, opts?.signal),
    putObject: async (input, opts) => writeObject(ctx, defaultClient(), input, opts?.signal),
    list: async (input, opts) => listObjects(ctx, defaultClient(), input, opts ?? {}),
    clearCache: () => cache.clear(),
  } satisfies S3AccessGrants);
}
