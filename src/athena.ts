/**
 * `tip-sdk/athena`: Athena queries as the end user, with typed rows.
 *
 * @packageDocumentation
 */
export { athena } from './services/athena/handle.js';
export { parseAthenaValue } from './services/athena/values.js';
export { ATHENA_DRIVER_TAG, discoverFromWorkGroup } from './services/athena/discover.js';
export type { DiscoverFromWorkGroupOptions, DiscoveredTrust, TagSet } from './services/athena/discover.js';
export type {
  AthenaColumn,
  AthenaHandle,
  AthenaQueryOptions,
  AthenaQueryResult,
  AthenaResultPage,
  AthenaRow,
  AthenaRowMapper,
  AthenaValue,
} from './services/athena/types.js';
export { createServiceContext } from './services/context.js';
export type { ServiceContext, ServiceContextInit, ServiceEvent } from './services/context.js';
