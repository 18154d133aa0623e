/**
 * SQL connections to Redshift as the end user over the Postgres wire: a connected `pg.Client`, or a
 * `pg.Pool` whose every new connection fetches a valid token. The login is Redshift's identity-provider
 * authentication, with the startup parameters the Redshift drivers' `IdpTokenAuthPlugin` sends (see
 * `idc-stream.ts`).
 *
 * @module
 */
import { arch, release, type as osType } from 'node:os';
import type { Client, Pool } from 'pg';
import { optionError } from '../../errors.js';
import { IdcAuthStream, type WireToken } from './idc-stream.js';
import { loadPg } from './load-pg.js';
import type { RedshiftSqlConnectionOptions, RedshiftSqlPoolOptions } from './types.js';

/** Default Redshift port. */
const DEFAULT_PORT = 5439;
/** Default deadline for opening one connection, ms. */
const DEFAULT_CONNECT_TIMEOUT_MS = 30_000;
/** The plugin name the server logs (`STL_CONNECTION_LOG.plugin_name`), as the Python driver sends it. */
const PLUGIN_NAME = 'IdpTokenAuthPlugin';
const NAME = /^[^\0]{1,127}$/;

/** The token source of a connection: fetched once per new connection. */
export type WireTokenSource = () => Promise<WireToken>;

interface Resolved {
  readonly host: string;
  readonly port: number;
  readonly tls: Record<string, unknown>;
  readonly parameters: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
}

function text(path: string, value: unknown, required: boolean): string | undefined {
  if (value === undefined && !required) return undefined;
  if (typeof value !== 'string' || !NAME.test(value))
    throw optionError(path, 'must be a string of 1–127 characters without NUL');
  return value;
}

/** Validates the connection options. @throws TypeError */
function resolve(options: RedshiftSqlConnectionOptions): Resolved {
  if (typeof options !== 'object' || options === null) throw optionError('connect', 'needs options');
  const host = text('host', options.host, true) as string;
  const port = options.port ?? DEFAULT_PORT;
  if (!Number.isInteger(port) || port < 1 || port > 65_535)
    throw optionError('port', 'must be a TCP port (1–65535)');
  const database = text('database', options.database, true) as string;
  const ssl = options.ssl ?? true;
  if (ssl !== true && (typeof ssl !== 'object' || ssl === null))
    throw optionError('ssl', 'must be `true` or TLS options: IAM Identity Center logins need TLS');
  const timeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1)
    throw optionError('connectTimeoutMs', 'must be a positive integer');
  const namespace = text('identityNamespace', options.identityNamespace, false);
  const parameters: Record<string, string> = {
    database,
    client_encoding: 'UTF8',
    DateStyle: 'ISO',
    application_name: text('applicationName', options.applicationName, false) ?? 'tip-sdk',
    driver_version: 'tip-sdk (node-postgres)',
    os_version: `${osType()} ${release()} ${arch()}`,
    plugin_name: text('pluginName', options.pluginName, false) ?? PLUGIN_NAME,
    // pg reads the base protocol only (text results, plain RowDescription).
    client_protocol_version: '0',
    idp_type: 'AwsIdc',
    ...(namespace === undefined ? {} : { identity_namespace: namespace }),
  };
  const { socket: _socket, ...tls } = (ssl === true ? {} : ssl) as Record<string, unknown>;
  return { host, port, tls: { servername: host, ...tls }, parameters, timeoutMs };
}

function clientConfig(resolved: Resolved, token: WireTokenSource, signal: AbortSignal | undefined) {
  return {
    host: resolved.host,
    port: resolved.port,
    database: resolved.parameters.database,
    // pg must not negotiate TLS itself: the stream did, before pg's startup packet.
    ssl: false,
    stream: () =>
      new IdcAuthStream({
        host: resolved.host,
        port: resolved.port,
        tls: resolved.tls,
        token,
        parameters: resolved.parameters,
        timeoutMs: resolved.timeoutMs,
        signal,
      }),
  };
}

/**
 * Opens one connection and resolves with the connected `pg.Client`. Close it with `client.end()`.
 *
 * @param options - Where to connect and how; `token` supplies the login token.
 * @throws TypeError for a bad option (before anything is sent).
 * @throws TipError `ERR_REDSHIFT_TOKEN_REFUSED`, `ERR_REDSHIFT_TLS_REQUIRED`,
 *   `ERR_REDSHIFT_IDP_AUTH_UNSUPPORTED`, `ERR_NOT_FOUND` (database), `ERR_AWS_UNAVAILABLE`, `ERR_TIMEOUT`,
 *   `ERR_ABORTED`, `ERR_MISSING_DEPENDENCY`, or the token source's own errors.
 */
export async function connectRedshift(
  options: RedshiftSqlConnectionOptions & { readonly token: WireTokenSource },
): Promise<Client> {
  const resolved = resolve(options);
  if (typeof options.token !== 'function') throw optionError('token', 'must be a function returning a token');
  const pg = await loadPg(options.pg);
  const client = new pg.Client({
    ...(options.client ?? {}),
    ...clientConfig(resolved, options.token, options.signal),
  });
  try {
    await client.connect();
  } catch (error) {
    // A failed client must not keep its socket; its error is already the typed one.
    await client.end().catch(() => undefined);
    throw error;
  }
  return client;
}

/**
 * A `pg.Pool` of connections as the user. Each new connection fetches its token when it opens (a cached
 * token until shortly before it expires, then a fresh one), so the pool outlives any one token;
 * connections already open stay open.
 *
 * @throws TypeError for a bad option.
 * @throws TipError `ERR_MISSING_DEPENDENCY` when `pg` is not installed.
 */
export async function redshiftPool(
  options: RedshiftSqlPoolOptions & { readonly token: WireTokenSource },
): Promise<Pool> {
  const resolved = resolve(options);
  if (typeof options.token !== 'function') throw optionError('token', 'must be a function returning a token');
  const pg = await loadPg(options.pg);
  return new pg.Pool({ ...(options.pool ?? {}), ...clientConfig(resolved, options.token, undefined) });
}
