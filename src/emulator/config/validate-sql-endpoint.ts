/** Validation of a Redshift target's SQL endpoint and identity-provider application settings. */
import type { RedshiftSqlEndpointConfig } from './types.js';
import { APPLICATION_ARN } from './arns.js';
import { configError, optInt, optObj, optStr } from './check.js';

const ADMIN_USER = /^[a-z_][a-z0-9_]{0,62}$/;
const RESERVED_USERS = /^(postgres|rdsdb|public|pg_.*|current_user|session_user)$/;

/** Validates `<path>.sqlEndpoint` (absent = no endpoint). */
export function validateSqlEndpoint(path: string, value: unknown): RedshiftSqlEndpointConfig | undefined {
  const e = optObj(path, value, ['port', 'adminUser', 'adminPassword', 'maxConnections']);
  if (!e) return undefined;
  const adminUser =
    optStr(`${path}.adminUser`, e.adminUser, {
      pattern: ADMIN_USER,
      hint: 'a lower-case database user name',
    }) ?? 'admin';
  if (RESERVED_USERS.test(adminUser)) configError(`${path}.adminUser`, 'is a reserved database user name.');
  const adminPassword = optStr(`${path}.adminPassword`, e.adminPassword, { max: 256 });
  if (adminPassword !== undefined && adminPassword.length < 8)
    configError(`${path}.adminPassword`, 'must have at least 8 characters.');
  return {
    port: optInt(`${path}.port`, e.port, 0, 65_535, 0),
    adminUser,
    ...(adminPassword === undefined ? {} : { adminPassword }),
    maxConnections: optInt(`${path}.maxConnections`, e.maxConnections, 1, 10_000, 100),
  };
}

/** Validates `<path>` as an IAM Identity Center application ARN (absent = the default application). */
export function validateApplicationRef(path: string, value: unknown): string | undefined {
  return optStr(path, value, { pattern: APPLICATION_ARN, hint: 'an IAM Identity Center application ARN' });
}
