/**
 * `tip-sdk/redshift`: Redshift Data API statements as the end user with typed rows, tokens for the
 * Redshift JDBC/ODBC/Python drivers, and `pg` SQL connections as the user over the Postgres wire.
 *
 * @packageDocumentation
 */
export { redshift } from './services/redshift/handle.js';
export { connectRedshift, redshiftPool } from './services/redshift/connect.js';
export type { WireTokenSource } from './services/redshift/connect.js';
export type { WireToken } from './services/redshift/idc-stream.js';
export type { PgModule } from './services/redshift/load-pg.js';
export type {
  RedshiftColumn,
  RedshiftConnectOptions,
  RedshiftPgClientSettings,
  RedshiftPoolOptions,
  RedshiftSqlConnectionOptions,
  RedshiftSqlPoolOptions,
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
