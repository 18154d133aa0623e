/**
 * How a SQL-endpoint connection logs in, decided from its startup packet, and the session it gets:
 *
 * - a startup packet that names an identity provider (`idp_type`, `plugin_name` or `token_type`, as the
 *   Redshift drivers' `IdpTokenAuthPlugin` and `BrowserIdcAuthPlugin` send them; `user` may be absent or
 *   empty) gets AuthenticationRequest 14, answers with message `'i'`, and runs as
 *   `<namespace>:<userName>` (e.g. `AWSIDC:alice`) with that user's grants and row filters;
 * - any other startup packet gets a cleartext password request (the connection is TLS) and only the
 *   configured administrator gets in, with every privilege on the target's tables.
 */
import { timingSafeEqual, createHash } from 'node:crypto';
import type { RedshiftSqlEndpointConfig } from '../../config/types.js';
import type { EmulatorRuntime } from '../../core/types.js';
import type { RedshiftBackend } from '../data-state.js';
import { isSessionRunner, type SessionSqlRunner } from '../sql-runner.js';
import { targetKey, type RedshiftTarget } from '../targets.js';
import { TOKEN_TYPES, type TokenType, verifyLoginToken } from './login-token.js';
import type { StatementScope } from './statements.js';

/** Everything the sessions of one endpoint share. */
export interface EndpointContext {
  readonly runtime: EmulatorRuntime;
  readonly target: RedshiftTarget;
  readonly backend: RedshiftBackend;
  readonly settings: RedshiftSqlEndpointConfig;
  /** Next query id for the history. */
  nextQueryId(): number;
}

/** A login refused; `sqlState` and `message` go into the FATAL ErrorResponse. */
export class LoginRefused extends Error {
  readonly sqlState: string;

  constructor(sqlState: string, message: string) {
    super(message);
    this.name = 'LoginRefused';
    this.sqlState = sqlState;
  }
}

/** What the startup packet asks for. */
export type LoginPlan =
  | { readonly method: 'token'; readonly tokenType: TokenType; readonly database: string }
  | { readonly method: 'password'; readonly user: string; readonly database: string };

/** Decides the login method from the startup parameters. @throws LoginRefused */
export function planLogin(target: RedshiftTarget, parameters: ReadonlyMap<string, string>): LoginPlan {
  const database = parameters.get('database') || 'dev';
  const idpType = parameters.get('idp_type');
  const tokenType = parameters.get('token_type');
  const identityProvider = idpType !== undefined || tokenType !== undefined || parameters.has('plugin_name');
  if (!identityProvider) {
    const user = parameters.get('user') ?? '';
    if (user === '') throw new LoginRefused('28000', 'no PostgreSQL user name specified in startup packet');
    return { method: 'password', user, database };
  }
  if (idpType !== undefined && idpType.toLowerCase() !== 'awsidc') {
    throw new LoginRefused(
      '28000',
      `idp_type ${idpType.slice(0, 32)} is not served by the emulator: use AwsIdc (IAM Identity Center)`,
    );
  }
  if (tokenType === undefined || !(TOKEN_TYPES as readonly string[]).includes(tokenType)) {
    throw new LoginRefused('28000', `token_type must be one of ${TOKEN_TYPES.join(', ')}`);
  }
  const namespace = parameters.get('identity_namespace');
  if (namespace !== undefined && namespace !== '' && namespace !== target.namespace) {
    throw new LoginRefused(
      '28000',
      `identity_namespace ${namespace.slice(0, 64)} is not the namespace of this identity provider (${target.namespace})`,
    );
  }
  return { method: 'token', tokenType: tokenType as TokenType, database };
}

function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

async function sessionRunner(endpoint: EndpointContext): Promise<SessionSqlRunner> {
  const runner = await endpoint.backend.runner();
  if (!isSessionRunner(runner))
    throw new LoginRefused('XX000', 'this Redshift backend does not serve SQL sessions');
  return runner;
}

function scopeOf(
  endpoint: EndpointContext,
  runner: SessionSqlRunner,
  role: string,
  isAdministrator: boolean,
  database: string,
): StatementScope {
  const schemas = endpoint.backend.schemasOf(endpoint.target, database);
  if (!schemas) throw new LoginRefused('3D000', `database "${database.slice(0, 64)}" does not exist`);
  return {
    runner,
    role,
    isAdministrator,
    target: targetKey(endpoint.target),
    database,
    searchPath: schemas.searchPath,
    schemas: schemas.byName,
    now: () => endpoint.runtime.now(),
    nextQueryId: () => endpoint.nextQueryId(),
  };
}

/** Logs in with the `'i'` token. @throws LoginRefused (28000 for a refused token, 3D000 for a database) */
export async function tokenLogin(
  endpoint: EndpointContext,
  plan: Extract<LoginPlan, { method: 'token' }>,
  token: string,
): Promise<StatementScope> {
  const verdict = await verifyLoginToken(endpoint.runtime, endpoint.target, plan.tokenType, token);
  if (!verdict.ok) throw new LoginRefused('28000', `Token credentials expired or invalid: ${verdict.reason}`);
  const runner = await sessionRunner(endpoint);
  const role = `${endpoint.target.namespace}:${verdict.userName}`;
  const scope = scopeOf(endpoint, runner, role, false, plan.database);
  // Redshift creates an IdC user's database user on the first login.
  await runner.ensureRole(role);
  return scope;
}

/** Logs in the administrator with a password. @throws LoginRefused (28P01 for a wrong user or password) */
export async function passwordLogin(
  endpoint: EndpointContext,
  plan: Extract<LoginPlan, { method: 'password' }>,
  password: string,
): Promise<StatementScope> {
  const { adminUser = 'admin', adminPassword } = endpoint.settings;
  const ok = adminPassword !== undefined && sameSecret(password, adminPassword) && plan.user === adminUser;
  if (!ok)
    throw new LoginRefused('28P01', `password authentication failed for user "${plan.user.slice(0, 64)}"`);
  const runner = await sessionRunner(endpoint);
  const scope = scopeOf(endpoint, runner, adminUser, true, plan.database);
  await runner.ensureAdministrator(adminUser, [...scope.schemas.values()]);
  return scope;
}
