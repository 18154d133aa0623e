/**
 * Public types of the Redshift handle.
 *
 * @module
 */
import type { RedshiftClient } from '@aws-sdk/client-redshift';
import type { RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import type { RedshiftServerlessClient } from '@aws-sdk/client-redshift-serverless';
import type { ConnectionOptions } from 'node:tls';
import type { Client, ClientConfig, Pool, PoolConfig } from 'pg';
import type { PgModule } from './load-pg.js';

/**
 * A typed Redshift value: `number` for integers in the safe range and floats, `bigint` for integers
 * beyond it, `string` for text, numeric/decimal, dates and timestamps (as the Data API sends them),
 * `boolean`, `Uint8Array` for binary, `null` for SQL NULL.
 */
export type RedshiftValue = string | number | bigint | boolean | Uint8Array | null;

/** A result column. */
export interface RedshiftColumn {
  /** The column label. */
  readonly name: string;
  /** The Redshift type name, e.g. `int8`, `varchar`, `numeric`. */
  readonly type: string;
}

/** A typed row: column name → value. */
export type RedshiftRow = Record<string, RedshiftValue>;

/** A parameter value; strings are sent as is, numbers and booleans as their text. */
export type RedshiftParameter = string | number | boolean | null;

/** Where a statement runs: a serverless workgroup or a provisioned cluster, never both. */
export type RedshiftTarget =
  | {
      /** Redshift Serverless workgroup. */
      readonly workgroupName: string;
      /** Not with a workgroup. */
      readonly clusterIdentifier?: undefined;
    }
  | {
      /** Provisioned cluster. */
      readonly clusterIdentifier: string;
      /** Not with a cluster. */
      readonly workgroupName?: undefined;
    };

/**
 * Turns each typed row into the caller's own value (validate it here, e.g. with a schema library).
 * `index` counts rows from 0. An exception it throws rejects the call as is.
 */
export type RedshiftRowMapper<T> = (row: RedshiftRow, index: number) => T;

/**
 * Options of {@link RedshiftHandle.query} and {@link RedshiftHandle.batch}.
 *
 * @typeParam T - The row type of `query`; inferred from `mapRow` when one is given.
 */
export type RedshiftQueryOptions<T = RedshiftRow> = RedshiftTarget & {
  /** The database. Required. */
  readonly database: string;
  /**
   * Named parameters for `:name` placeholders. `null` and empty strings are rejected: the Data API has
   * no null parameter; write `NULL` in the SQL instead.
   */
  readonly parameters?: Readonly<Record<string, RedshiftParameter>>;
  /** Aborting cancels the statement (CancelStatement) and rejects with `ERR_ABORTED`. */
  readonly signal?: AbortSignal;
  /** Deadline for running and reading, in ms; on expiry the statement is cancelled (`ERR_TIMEOUT`). Default `600_000`. */
  readonly timeoutMs?: number;
  /**
   * Fixed DescribeStatement poll interval, in ms. Default: a tenth of the statement's age so far, at least
   * 50 ms and at most 1 s (the schedule Athena queries use).
   */
  readonly pollInterval?: number;
  /** Most rows returned; reading stops there and `truncated` is set. Default unlimited. */
  readonly maxRows?: number;
  /** Maps each row of `query`; the result's `rows` are what it returns. Not for `batch`. */
  readonly mapRow?: RedshiftRowMapper<T>;
};

/**
 * The outcome of one statement.
 *
 * @typeParam T - The row type: {@link RedshiftRow}, the type named in `query<T>()`, or what `mapRow` returns.
 */
export interface RedshiftQueryResult<T = RedshiftRow> {
  /** The Data API statement id (`…:n` for a statement of a batch). */
  readonly statementId: string;
  /** The result columns, in order (empty without a result set). */
  readonly columns: readonly RedshiftColumn[];
  /** Typed rows keyed by column label (null-prototype objects), or what `mapRow` made of them. */
  readonly rows: T[];
  /** Rows affected, for statements without a result set (`ResultRows`); otherwise `undefined`. */
  readonly updatedRows: number | undefined;
  /** True when `maxRows` cut the result short. */
  readonly truncated: boolean;
}

/** A token for the Redshift drivers' `IdpTokenAuthPlugin`. Secret: never log it. */
export interface RedshiftDriverToken {
  /** The token, for the driver's `token` setting. */
  readonly token: string;
  /** For the driver's `token_type` setting. */
  readonly tokenType: 'SUBJECT_TOKEN';
  /** Expiry, in epoch milliseconds. */
  readonly expiresAt: number;
}

/** `pg.Client` settings tip-sdk passes through (it sets the connection, TLS and login itself). */
export type RedshiftPgClientSettings = Omit<
  ClientConfig,
  | 'stream'
  | 'ssl'
  | 'host'
  | 'port'
  | 'user'
  | 'password'
  | 'database'
  | 'connectionString'
  | 'sslnegotiation'
  | 'enableChannelBinding'
>;

/** Where and how a SQL connection goes, whatever token it logs in with. */
export interface RedshiftSqlConnectionOptions {
  /**
   * Host name of the endpoint, e.g. `wg.123456789012.us-east-1.redshift-serverless.amazonaws.com`; TLS
   * checks the certificate against it. Required.
   */
  readonly host: string;
  /** Port. Default `5439`. */
  readonly port?: number;
  /** The database. Required. */
  readonly database: string;
  /**
   * TLS: `true` verifies the certificate with Node's trusted CAs (Redshift's certificates chain to them);
   * or `node:tls` options such as `{ ca }` (the emulator's `redshiftSql.caPem`). There is no plaintext:
   * IAM Identity Center logins require TLS. Default `true`.
   */
  readonly ssl?: true | Omit<ConnectionOptions, 'socket'>;
  /** `application_name` of the session. Default `tip-sdk`. */
  readonly applicationName?: string;
  /** `identity_namespace`, when the target has several identity providers. Default none. */
  readonly identityNamespace?: string;
  /** `plugin_name` the server records for the connection. Default `IdpTokenAuthPlugin`. */
  readonly pluginName?: string;
  /** Deadline for opening one connection (token, TCP, TLS and login), ms. Default `30_000`. */
  readonly connectTimeoutMs?: number;
  /** Aborts opening the connection (`ERR_ABORTED`). Not used by pools. */
  readonly signal?: AbortSignal;
  /** Further `pg.Client` settings (`statement_timeout`, `types`, `query_timeout`…). Default none. */
  readonly client?: RedshiftPgClientSettings;
  /** The `pg` module to use. Default: `import('pg')`. */
  readonly pg?: PgModule;
}

/** Options of a pool of SQL connections. */
export type RedshiftSqlPoolOptions = Omit<RedshiftSqlConnectionOptions, 'signal'> & {
  /** `pg.Pool` settings (`max`, `idleTimeoutMillis`…). Default pg's (10 connections). */
  readonly pool?: Omit<PoolConfig, keyof ClientConfig | 'Client'> & RedshiftPgClientSettings;
};

/** Options of {@link RedshiftHandle.connect}: the target, whose driver token logs in, and the endpoint. */
export type RedshiftConnectOptions = RedshiftTarget & RedshiftSqlConnectionOptions;

/** Options of {@link RedshiftHandle.pool}. */
export type RedshiftPoolOptions = RedshiftTarget & RedshiftSqlPoolOptions;

/** The Redshift handle of one user. */
export interface RedshiftHandle {
  /**
   * Runs one statement and returns its typed rows (every page, up to `maxRows`). Name the row type
   * (`query<Revenue>(…)`, not checked at run time) or pass `mapRow` to build and check each row yourself.
   *
   * @typeParam T - The row type. Default {@link RedshiftRow}; inferred from `options.mapRow`.
   * @throws TipError `ERR_MISSING_DEPENDENCY` (rejected) without `@aws-sdk/client-redshift-data`.
   */
  query<T = RedshiftRow>(sql: string, options: RedshiftQueryOptions<T>): Promise<RedshiftQueryResult<T>>;
  /** Runs statements in one transaction (BatchExecuteStatement); one result per statement. */
  batch(
    sqls: readonly string[],
    options: Omit<RedshiftQueryOptions, 'parameters' | 'mapRow'>,
  ): Promise<RedshiftQueryResult[]>;
  /**
   * A token for JDBC, ODBC or Python drivers (GetIdentityCenterAuthToken), cached until shortly before
   * it expires.
   */
  driverToken(target: RedshiftTarget & { readonly signal?: AbortSignal }): Promise<RedshiftDriverToken>;
  /**
   * A SQL connection as the user: a connected `pg.Client` logged in with a `SUBJECT_TOKEN` from
   * {@link RedshiftHandle.driverToken} for the target (cached, refreshed before expiry). Needs `pg`.
   */
  connect(options: RedshiftConnectOptions): Promise<Client>;
  /** A `pg.Pool` as the user whose every new connection logs in with a valid driver token. Needs `pg`. */
  pool(options: RedshiftPoolOptions): Promise<Pool>;
  /**
   * The user's RedshiftDataClient (created once).
   *
   * @throws TipError `ERR_MISSING_DEPENDENCY` without `@aws-sdk/client-redshift-data`.
   */
  dataClient(): RedshiftDataClient;
  /**
   * Releases what the handle holds: destroys the SDK clients it created (not those passed in its options,
   * nor any built on a `requestHandler` you passed) and forgets its driver tokens. Connections and pools
   * from `connect()`/`pool()` are yours to end. The handle stays usable: a later call creates new clients.
   */
  close(): Promise<void>;
  /** Same as {@link RedshiftHandle.close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void>;
}

/** Options of {@link redshift}. */
export interface RedshiftHandleOptions {
  /** A Data API client to use instead (it must sign with the user's credentials). */
  readonly dataClient?: RedshiftDataClient;
  /** A Redshift (provisioned) client for GetIdentityCenterAuthToken. */
  readonly redshiftClient?: RedshiftClient;
  /** A Redshift Serverless client for GetIdentityCenterAuthToken. */
  readonly serverlessClient?: RedshiftServerlessClient;
  /** A driver token is renewed this long before it expires, in ms. Default `60_000`. */
  readonly tokenRefreshBeforeExpiryMs?: number;
}
