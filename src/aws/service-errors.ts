/**
 * Error codes of the data services (Athena, Redshift Data API, Redshift token APIs, S3, S3 Control) that
 * map to a more specific code than `ERR_AWS_UNKNOWN`. Used by `mapAwsError` for every service other than
 * sso-oidc and STS.
 *
 * @module
 */
import type { Mapping } from './identity-errors.js';

const DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'Forbidden']);

const NOT_FOUND = new Set([
  'ResourceNotFoundException',
  'ResourceNotFound',
  'NoSuchKey',
  'NoSuchBucket',
  'NoSuchAccessGrantsInstance',
  'NoSuchAccessGrant',
  'ClusterNotFound',
  'ClusterNotFoundFault',
  'NotFound',
  'WorkGroupNotFound',
]);

/**
 * The mapping of a data-service error code, or `undefined` to fall through to the generic rules.
 *
 * @param name - The AWS error code, e.g. `AccessDenied`.
 * @param site - The call, for the message.
 */
export function serviceMapping(
  name: string,
  site: { readonly service: string; readonly operation: string },
): Mapping | undefined {
  if (DENIED.has(name)) {
    return {
      code: 'ERR_ACCESS_DENIED',
      message: `AWS ${site.service} denied ${site.operation} for this user: check the user's and groups' grants (Lake Formation, Redshift GRANTs or S3 Access Grants) and the access role's permissions.`,
    };
  }
  if (NOT_FOUND.has(name)) {
    return {
      code: 'ERR_NOT_FOUND',
      message: `AWS ${site.service} found no such resource for ${site.operation}: check the name, the account and the region.`,
    };
  }
  return undefined;
}
