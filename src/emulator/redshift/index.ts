/**
 * The emulator's Amazon Redshift side: the Data API, and `GetIdentityCenterAuthToken` of Redshift and
 * Redshift Serverless. Explicit exports only.
 */
export {
  createRedshiftServerlessService,
  createRedshiftService,
  MAX_AUTH_TOKEN_TARGETS,
} from './auth-token-service.js';
export { verifyRedshiftAuthToken } from './auth-token.js';
export type {
  RedshiftAuthTokenClaims,
  RedshiftAuthTokenFailure,
  RedshiftAuthTokenVerification,
} from './auth-token.js';
export { createRedshiftDataService, redshiftDataServiceFactory } from './data-service.js';
export type { RedshiftDataServiceOptions } from './data-service.js';
export type { DatabaseSchemas, RedshiftBackend } from './data-state.js';
export { RunnerFailure } from './sql-runner.js';
export type { RunnerColumn, RunnerResult, RunnerStatement, SqlRunner } from './sql-runner.js';
export type { StatementStatus, StatementTiming } from './statements.js';
export { DEFAULT_IDC_NAMESPACE } from './targets.js';
