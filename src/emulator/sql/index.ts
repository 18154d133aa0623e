/**
 * The emulator's SQL engine: Postgres in WebAssembly (PGlite) with real roles, grants and row-level
 * security, shared by the Athena and Redshift emulations.
 */
export { createSqlEngine } from './engine.js';
export { SqlError, isSqlError } from './errors.js';
export { parseColumnType, formatColumnType, pgStorageType } from './column-type.js';
export type { ColumnType, ScalarName } from './column-type.js';
export { decodeValue, parseArrayLiteral } from './decode.js';
export { quoteIdent, quoteLiteral } from './ident.js';
export type { BootSource } from './boot.js';
export type {
  QueryHistoryEntry,
  RunOptions,
  SqlColumn,
  SqlColumnSpec,
  SqlEngine,
  SqlEngineBoot,
  SqlEngineOptions,
  SqlGrant,
  SqlPrivilege,
  SqlResult,
  SqlRevoke,
  SqlTableSpec,
  StatementDescription,
} from './types.js';
