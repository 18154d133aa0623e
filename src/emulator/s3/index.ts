/**
 * The emulated S3 side of trusted identity propagation: S3 Access Grants in S3 Control
 * (`GetDataAccess`, `GetAccessGrantsInstanceForPrefix`, `ListCallerAccessGrants`) and the S3 object API
 * the vended credentials call (get, head, put, copy, delete, batch delete, list v1/v2, multipart).
 */
export {
  createS3ControlService,
  LIST_CALLER_GRANTS_MAX_RESULTS,
  resolveS3ControlOperation,
} from './control-service.js';
export {
  DATA_ACCESS_DEFAULT_SECONDS,
  DATA_ACCESS_MAX_SECONDS,
  DATA_ACCESS_MIN_SECONDS,
  S3_CONTROL_NAMESPACE,
} from './get-data-access.js';
export {
  callerGrantees,
  DEFAULT_LOCATION_ROLE_NAME,
  matchGrant,
  resolveAccessGrants,
  servesPermission,
} from './grants.js';
export type {
  AccessGrantsInstance,
  Grantee,
  GrantPermission,
  ResolvedGrant,
  ResolvedLocation,
} from './grants.js';
export {
  createS3Service,
  LIST_MAX_KEYS,
  MAX_KEY_BYTES,
  resolveS3Operation,
  S3_NAMESPACE,
} from './object-service.js';
export { coversKey, coversTarget, formatS3Target, parseS3Target } from './s3-uri.js';
export type { S3Target, S3TargetParse } from './s3-uri.js';
