/**
 * `tip-sdk/s3`: S3 Access Grants for one user — cached GetDataAccess and an S3 client signed per request
 * with the credentials of the grant covering its bucket and key.
 *
 * @packageDocumentation
 */
export { s3AccessGrants } from './services/s3/access-grants.js';
export { requestScope } from './services/s3/s3-client.js';
export type { RequestScope } from './services/s3/s3-client.js';
export type {
  DataAccess,
  GetDataAccessOptions,
  GrantPermission,
  S3AccessGrants,
  S3AccessGrantsClientOptions,
  S3AccessGrantsOptions,
  S3ListedObject,
  S3ObjectContent,
} from './services/s3/types.js';
export { createServiceContext } from './services/context.js';
export type {
  MemoFactory,
  ServiceContext,
  ServiceContextInit,
  ServiceEvent,
  ServiceIdentity,
  ServiceLogger,
} from './services/context.js';
