/**
 * Public types of the Redshift handle.
 *
 * @module
 */
import type { RedshiftClient } from '@aws-sdk/client-redshift';
import type { RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import type { RedshiftServerlessClient } from '@aws-sdk/client-redshift-serverless';

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
  /** Fixed poll interval, in ms. Default: backoff from 100 ms doubling up to 1 s. */
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
   * The user's RedshiftDataClient (created once).
   *
   * @throws TipError `ERR_MISSING_DEPENDENCY` without `@aws-sdk/client-redshift-data`.
   */
  dataClient(): RedshiftDataClient;
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
