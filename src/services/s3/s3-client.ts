/**
 * An `S3Client` whose every request is signed with the S3 Access Grants credentials that cover its
 * bucket and key. An initialize-step middleware reads `Bucket`, `Key` and `Prefix` from the command
 * input and the permission from the command name, and runs the rest of the request inside an
 * AsyncLocalStorage scope; the client's credential provider reads that scope and asks the grant cache.
 *
 * @module
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { S3Client } from '@aws-sdk/client-s3';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@aws-sdk/types';
import { TipError } from '../../errors.js';
import type { ServiceContext } from '../context.js';
import { sdkClientConfig } from '../context.js';
import type { DataAccessCache } from './data-access.js';
import { s3Sdk } from './sdk.js';
import type { S3AccessGrantsClientOptions } from './types.js';
import { isBucketName } from './uri.js';
import type { GrantPermission } from './uri.js';

/** What one S3 request needs from Access Grants. */
export interface RequestScope {
  /** The S3 URI the request touches (`s3://b/key` or `s3://b/prefix*`), or `undefined` without a bucket. */
  readonly target: string | undefined;
  /** `READ` for Get/Head/List operations, `WRITE` for everything else. */
  readonly permission: GrantPermission;
  /** The S3 operation, e.g. `GetObject`. */
  readonly operation: string;
}

/** Operations that only read. Everything else asks for WRITE. */
const READ_OPERATIONS = /^(Get|Head|List)|^SelectObjectContent|^RestoreObject$/;

/**
 * The Access Grants target and permission of an S3 command, from its name and input.
 * Returns `target: undefined` when the command names no bucket.
 */
export function requestScope(operation: string, input: Record<string, unknown>): RequestScope {
  const permission: GrantPermission = READ_OPERATIONS.test(operation) ? 'READ' : 'WRITE';
  const bucket = input.Bucket;
  if (!isBucketName(bucket)) return { target: undefined, permission, operation };
  const key = input.Key;
  if (typeof key === 'string' && key.length > 0) {
    return { target: `s3://${bucket}/${key}`, permission, operation };
  }
  const prefix = typeof input.Prefix === 'string' ? input.Prefix : '';
  return { target: `s3://${bucket}/${prefix}*`, permission, operation };
}

const scopeStore = new AsyncLocalStorage<RequestScope>();

/**
 * Creates the S3 client.
 *
 * @param ctx - The user's service context (endpoint, requestHandler, region).
 * @param cache - The user's data-access cache.
 * @param options - Fallback credentials and extra settings.
 */
export function createAccessGrantsS3Client(
  ctx: ServiceContext,
  cache: DataAccessCache,
  options: S3AccessGrantsClientOptions = {},
): S3Client {
  const fallback = options.fallbackCredentials;
  const provider = async (): Promise<AwsCredentialIdentity> => {
    const scope = scopeStore.getStore();
    if (scope?.target === undefined) {
      if (fallback !== undefined) return fallback();
      throw new TipError(
        'ERR_ACCESS_DENIED',
        `S3 Access Grants cannot cover ${scope?.operation ?? 'this request'}: it names no bucket. Pass \`fallbackCredentials\` to allow it.`,
        { details: { service: 's3', operation: scope?.operation ?? 'unknown', reason: 'no_target' } },
      );
    }
    const access = await cache.getDataAccess({ target: scope.target, permission: scope.permission });
    // A copy per request: the SDK annotates what it gets, and the cached entry is shared.
    return { ...access.credentials };
  };
  // The SDK memoizes a credential provider unless it is marked memoized; ours differs per request.
  (provider as AwsCredentialIdentityProvider & { memoized?: boolean }).memoized = true;
  const { S3Client } = s3Sdk();
  const client = new S3Client({
    ...sdkClientConfig(ctx),
    ...(options.clientConfig ?? {}),
    credentials: provider,
  });
  client.middlewareStack.add(
    (next, context) => (args) => {
      const input = (args.input ?? {}) as Record<string, unknown>;
      const operation = (context.commandName ?? 'Unknown').replace(/Command$/, '');
      return scopeStore.run(requestScope(operation, input), () => next(args));
    },
    { step: 'initialize', priority: 'high', name: 'tipAccessGrantsScope', override: true },
  );
  return client;
}
