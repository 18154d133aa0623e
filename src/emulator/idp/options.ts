/**
 * Validation of {@link IdpOptions}: bad options are `TypeError`s naming the option path.
 */
import { optionError } from '../../errors.js';
import type { IdpClientOptions, IdpOptions, IdpUser } from './types.js';

/** The client ids the IdP registers itself; extra clients may not reuse them. */
export const SERVICE_CLIENT_ID = 'tip-sdk-service';
/** The public client used by scripted and browser sign-ins. */
export const USER_CLIENT_ID = 'tip-sdk-user';
/** Its redirect URI: a scripted sign-in reads the code from the redirect, nothing listens there. */
export const USER_REDIRECT_URI = 'http://127.0.0.1/callback';

/** Options with every default applied. */
export interface ResolvedIdpOptions {
  readonly users: ReadonlyMap<string, IdpUser>;
  readonly port: number;
  readonly host: string;
  readonly audience: string;
  readonly accessTokenTtlSeconds: number;
  readonly clients: readonly IdpClientOptions[];
  readonly quiet: boolean;
}

function nonEmptyString(value: unknown, path: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw optionError(path, 'must be a non-empty string');
  return value;
}

function stringList(value: unknown, path: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) throw optionError(path, 'must be an array of strings');
  return value.map((item, i) => nonEmptyString(item, `${path}[${i}]`));
}

function resolveUsers(value: unknown): Map<string, IdpUser> {
  if (!Array.isArray(value)) throw optionError('users', 'must be an array of { userName, email } objects');
  const users = new Map<string, IdpUser>();
  value.forEach((raw: unknown, i) => {
    if (typeof raw !== 'object' || raw === null) throw optionError(`users[${i}]`, 'must be an object');
    const u = raw as Record<string, unknown>;
    const userName = nonEmptyString(u.userName, `users[${i}].userName`);
    if (users.has(userName)) throw optionError(`users[${i}].userName`, `repeats the user name "${userName}"`);
    const user: IdpUser = { userName, email: nonEmptyString(u.email, `users[${i}].email`) };
    if (u.displayName !== undefined)
      user.displayName = nonEmptyString(u.displayName, `users[${i}].displayName`);
    const groups = stringList(u.groups, `users[${i}].groups`);
    if (groups !== undefined) user.groups = groups;
    users.set(userName, Object.freeze(user));
  });
  return users;
}

function resolveClients(value: unknown): IdpClientOptions[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw optionError('clients', 'must be an array');
  const seen = new Set([SERVICE_CLIENT_ID, USER_CLIENT_ID]);
  return value.map((raw: unknown, i) => {
    if (typeof raw !== 'object' || raw === null) throw optionError(`clients[${i}]`, 'must be an object');
    const c = raw as Record<string, unknown>;
    const clientId = nonEmptyString(c.clientId, `clients[${i}].clientId`);
    if (seen.has(clientId)) throw optionError(`clients[${i}].clientId`, `repeats or reserves "${clientId}"`);
    seen.add(clientId);
    const client: IdpClientOptions = { clientId };
    if (c.clientSecret !== undefined)
      client.clientSecret = nonEmptyString(c.clientSecret, `clients[${i}].clientSecret`);
    const redirectUris = stringList(c.redirectUris, `clients[${i}].redirectUris`);
    if (redirectUris !== undefined) client.redirectUris = redirectUris;
    return client;
  });
}

/** Validates `options` and applies the defaults. */
export function resolveIdpOptions(options: IdpOptions): ResolvedIdpOptions {
  if (typeof options !== 'object' || options === null) throw optionError('options', 'must be an object');
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw optionError('port', 'must be an integer 0-65535');
  const ttl = options.accessTokenTtlSeconds ?? 600;
  if (!Number.isSafeInteger(ttl) || ttl <= 0)
    throw optionError('accessTokenTtlSeconds', 'must be a positive integer');
  if (options.quiet !== undefined && typeof options.quiet !== 'boolean')
    throw optionError('quiet', 'must be a boolean');
  return Object.freeze({
    users: resolveUsers(options.users),
    port,
    host: options.host === undefined ? '127.0.0.1' : nonEmptyString(options.host, 'host'),
    audience: options.audience === undefined ? 'tip-sdk-demo' : nonEmptyString(options.audience, 'audience'),
    accessTokenTtlSeconds: ttl,
    clients: resolveClients(options.clients),
    quiet: options.quiet ?? false,
  });
}
