/**
 * Validation of Data API requests and the database identity a caller runs as.
 *
 * - Identity-enhanced sessions run as `<idcNamespace>:<userName>` (e.g. `AWSIDC:alice`) and may not pass
 *   `DbUser` or `SecretArn` (ValidationException), as the service documents.
 * - Plain IAM callers run as `DbUser` on a provisioned cluster (a plain name; namespaced names such as
 *   `AWSIDC:x` or `IAMR:x` are refused so nobody can impersonate an identity-provider user; the caller needs
 *   `redshift:GetClusterCredentials` on `arn:aws:redshift:<region>:<acct>:dbuser:<cluster>/<DbUser>`),
 *   else as the IAM identity: `IAMR:<role name>` for role sessions, `IAM:<user name>` for IAM users.
 *   `DbUser` with a workgroup is refused: Serverless derives the user from the IAM identity.
 * - `SecretArn` (Secrets Manager) and sessions (`SessionId`, `SessionKeepAliveSeconds`) are not emulated and
 *   are refused with a ValidationException that says so.
 */
import { AwsServiceError, type Caller, type EmulatorRuntime } from '../core/types.js';
import { parseParameters, type SqlParameter } from './parameters.js';
import type { StatementOwner } from './statements.js';
import { findTarget, type RedshiftTarget } from './targets.js';

/** A Data API ValidationException. */
export function validation(message: string): AwsServiceError {
  return new AwsServiceError('ValidationException', message, 400);
}

/** Longest SQL text accepted, characters (the Data API's limit is 100 KB). */
export const MAX_SQL_LENGTH = 100_000;
/** Most SQL texts in one BatchExecuteStatement. */
export const MAX_BATCH_SQLS = 40;

const DB_USER = /^[A-Za-z_][A-Za-z0-9_$.@+-]{0,126}$/;
const RESERVED_DB_USERS = /^(postgres|rdsdb|pg_.*|public|current_user|session_user)$/i;

/** Common members of ExecuteStatement and BatchExecuteStatement, validated. */
export interface ExecuteRequest {
  readonly target: RedshiftTarget;
  readonly database: string;
  /** DbUser as given (plain IAM callers on clusters). */
  readonly requestDbUser?: string;
  readonly parameters: SqlParameter[];
  readonly statementName?: string;
  readonly clientToken?: string;
  readonly resultFormat: 'JSON' | 'CSV';
}

function optionalString(input: Record<string, unknown>, name: string, max: number): string | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw validation(`${name} must be a string`);
  if (value.length === 0 || value.length > max) throw validation(`${name} must have 1 to ${max} characters`);
  return value;
}

/** Resolves the target named by `ClusterIdentifier` xor `WorkgroupName`. */
export function resolveTarget(runtime: EmulatorRuntime, input: Record<string, unknown>): RedshiftTarget {
  const cluster = optionalString(input, 'ClusterIdentifier', 63);
  const workgroup = optionalString(input, 'WorkgroupName', 64);
  if (cluster !== undefined && workgroup !== undefined) {
    throw validation('Specify either ClusterIdentifier or WorkgroupName, not both');
  }
  if (cluster !== undefined) {
    const target = findTarget(runtime, 'cluster', cluster);
    if (!target)
      throw validation(`Redshift endpoint doesn't exist in this region: cluster ${cluster} not found`);
    return target;
  }
  if (workgroup !== undefined) {
    const target = findTarget(runtime, 'workgroup', workgroup);
    if (!target) throw validation(`Workgroup ${workgroup} does not exist in this region`);
    return target;
  }
  throw validation('Either ClusterIdentifier or WorkgroupName must be specified');
}

/** Validates the members shared by ExecuteStatement and BatchExecuteStatement. */
export function parseExecuteRequest(
  runtime: EmulatorRuntime,
  caller: Caller,
  input: Record<string, unknown>,
): ExecuteRequest {
  if (input.SecretArn !== undefined) {
    throw validation(
      caller.identityContext
        ? 'SecretArn is not allowed with IAM Identity Center identity-enhanced credentials'
        : 'SecretArn authentication is not emulated: use DbUser with ClusterIdentifier, or the IAM identity',
    );
  }
  if (input.SessionId !== undefined || input.SessionKeepAliveSeconds !== undefined) {
    throw validation('Data API sessions (SessionId, SessionKeepAliveSeconds) are not emulated');
  }
  const requestDbUser = optionalString(input, 'DbUser', 128);
  if (requestDbUser !== undefined && caller.identityContext) {
    throw validation('DbUser is not allowed with IAM Identity Center identity-enhanced credentials');
  }
  const target = resolveTarget(runtime, input);
  if (requestDbUser !== undefined) {
    if (target.kind === 'workgroup') {
      throw validation(
        'DbUser is not supported with WorkgroupName: the database user comes from the IAM identity',
      );
    }
    if (!DB_USER.test(requestDbUser) || RESERVED_DB_USERS.test(requestDbUser)) {
      throw validation(
        `DbUser ${JSON.stringify(requestDbUser.slice(0, 64))} is not a valid database user name`,
      );
    }
  }
  const database = optionalString(input, 'Database', 64);
  if (database === undefined) throw validation('Database is required');
  const parameters = parseParameters(input.Parameters);
  if (typeof parameters === 'string') throw validation(parameters);
  const format = input.ResultFormat ?? 'JSON';
  if (format !== 'JSON' && format !== 'CSV') throw validation('ResultFormat must be JSON or CSV');
  if (input.WithEvent !== undefined && typeof input.WithEvent !== 'boolean')
    throw validation('WithEvent must be a boolean');
  const statementName = optionalString(input, 'StatementName', 500);
  const clientToken = optionalString(input, 'ClientToken', 64);
  return {
    target,
    database,
    parameters,
    resultFormat: format,
    ...(requestDbUser === undefined ? {} : { requestDbUser }),
    ...(statementName === undefined ? {} : { statementName }),
    ...(clientToken === undefined ? {} : { clientToken }),
  };
}

/** Validates one SQL text. */
export function checkSql(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.trim().length === 0)
    throw validation(`${name} must be a non-empty string`);
  if (value.length > MAX_SQL_LENGTH) throw validation(`${name} is longer than ${MAX_SQL_LENGTH} characters`);
  return value;
}

/** The last segment of an ARN path: the role or user name. */
function nameOf(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}

/** The database user the statement runs as (see the module comment). */
export function databaseUser(
  caller: Caller,
  target: RedshiftTarget,
  requestDbUser: string | undefined,
): string {
  if (caller.identityContext) return `${target.namespace}:${caller.identityContext.userName}`;
  if (requestDbUser !== undefined) return requestDbUser;
  if (caller.roleArn) return `IAMR:${nameOf(caller.roleArn)}`;
  return `IAM:${nameOf(caller.arn)}`;
}

/** The owner key of a caller: account, role (or principal) and IdC user. */
export function ownerOf(caller: Caller): StatementOwner {
  return {
    accountId: caller.accountId,
    principal: caller.roleArn ?? caller.arn,
    ...(caller.identityContext ? { idcUserId: caller.identityContext.idcUserId } : {}),
  };
}
