/**
 * `tip-sdk/redshift`: Redshift Data API statements as the end user with typed rows, and tokens for the
 * Redshift JDBC/ODBC/Python drivers.
 *
 * @packageDocumentation
 */
export { redshift } from './services/redshift/handle.js';
export type {
  RedshiftColumn,
  RedshiftDriverToken,
  RedshiftHandle,
  RedshiftHandleOptions,
  RedshiftParameter,
  RedshiftQueryOptions,
  RedshiftQueryResult,
  RedshiftRow,
  RedshiftRowMapper,
  RedshiftTarget,
  RedshiftValue,
} from './services/redshift/types.js';
export { createServiceContext } from './services/context.js';
export type { ServiceContext, ServiceContextInit, ServiceEvent } from './services/context.js';
