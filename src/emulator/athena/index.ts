/**
 * The emulator's Amazon Athena side: query executions on the SQL engine with Lake Formation-style grants,
 * workgroups with or without IAM Identity Center, catalog metadata. Explicit exports only.
 */
export { athenaServiceFactory, createAthenaService } from './service.js';
export type { AthenaAdmin, AthenaServiceModule } from './service.js';
export { groupRole, IAM_ROLE, userRole } from './catalog.js';
export type { QueryState } from './executions.js';
