/**
 * Public types of the Athena handle.
 *
 * @module
 */
import type { AthenaClient } from '@aws-sdk/client-athena';
import type { AthenaValue } from './values.js';

export type { AthenaValue } from './values.js';

/** A result column. */
export interface AthenaColumn {
  /** The column name (label). */
  readonly name: string;
  /** Athena's type name, e.g. `varchar`, `bigint`, `array`. */
  readonly type: string;
}

/** A typed row: column name → value. */
export type AthenaRow = Record<string, AthenaValue>;

/**
 * Turns each typed row into the caller's own value (validate it here, e.g. with a schema library).
 * `index` counts rows from 0 across every page. An exception it throws rejects the call as is.
 */
export type AthenaRowMapper<T> = (row: AthenaRow, index: number) => T;

/**
 * Options of {@link AthenaHandle.query} and {@link AthenaHandle.queryPages}.
 *
 * @typeParam T - The row type; inferred from `mapRow` when one is given.
 */
export interface AthenaQueryOptions<T = AthenaRow> {
  /** The workgroup (an IAM Identity Center enabled one for identity-enhanced sessions). Required. */
  readonly workGroup: string;
  /** The database (schema). Default: the workgroup's or none. */
  readonly database?: string;
  /** The data catalog. Default `AwsDataCatalog` (Athena's own default). */
  readonly catalog?: string;
  /** Values for `?` placeholders, in order, as Athena SQL literals (e.g. `'text'`, `42`). */
  readonly executionParameters?: readonly string[];
  /** Aborting stops the query (StopQueryExecution) and rejects with `ERR_ABORTED`. */
  readonly signal?: AbortSignal;
  /**
   * Fixed GetQueryExecution interval, in ms (1–60 000). Default: every 50 ms for the first 0.5 s, then a
   * tenth of the time since the query started, at most 1 s — so a query is seen finished at most about
   * 10 % (or 50 ms) after it ends.
   */
  readonly pollInterval?: number;
  /** Most rows returned; reading stops there and `truncated` is set. Default unlimited. */
  readonly maxRows?: number;
  /** Deadline for running and reading, in ms; on expiry the query is stopped (`ERR_TIMEOUT`). Default `600_000`. */
  readonly timeoutMs?: number;
  /** Rows per GetQueryResults page (1–1000). Default `1000`. */
  readonly pageSize?: number;
  /** Maps each row; the result's `rows` are what it returns. Default: the typed rows as they are. */
  readonly mapRow?: AthenaRowMapper<T>;
}

/**
 * The outcome of {@link AthenaHandle.query}.
 *
 * @typeParam T - The row type: {@link AthenaRow}, the type named in `query<T>()`, or what `mapRow` returns.
 */
export interface AthenaQueryResult<T = AthenaRow> {
  /** The query execution id. */
  readonly queryId: string;
  /** The result columns, in order. */
  readonly columns: readonly AthenaColumn[];
  /** Typed rows keyed by column name (null-prototype objects), or what `mapRow` made of them. */
  readonly rows: T[];
  /** True when `maxRows` cut the result short. */
  readonly truncated: boolean;
}

/**
 * One page of {@link AthenaHandle.queryPages}.
 *
 * @typeParam T - The row type, as for {@link AthenaQueryResult}.
 */
export interface AthenaResultPage<T = AthenaRow> {
  /** The query execution id. */
  readonly queryId: string;
  /** The result columns, in order. */
  readonly columns: readonly AthenaColumn[];
  /** This page's typed rows (the header row dropped), or what `mapRow` made of them. */
  readonly rows: T[];
}

/** The Athena handle of one user. */
export interface AthenaHandle {
  /**
   * Runs `sql` and returns every row (up to `maxRows`), typed. Name the row type (`query<Sale>(…)`, not
   * checked at run time) or pass `mapRow` to build and check each row yourself.
   *
   * @typeParam T - The row type. Default {@link AthenaRow}; inferred from `options.mapRow`.
   * @throws TipError `ERR_MISSING_DEPENDENCY` (rejected) without `@aws-sdk/client-athena`.
   */
  query<T = AthenaRow>(sql: string, options: AthenaQueryOptions<T>): Promise<AthenaQueryResult<T>>;
  /**
   * Runs `sql` and yields the result page by page (GetQueryResults NextToken).
   *
   * @typeParam T - The row type, as for {@link AthenaHandle.query}.
   */
  queryPages<T = AthenaRow>(
    sql: string,
    options: AthenaQueryOptions<T>,
  ): AsyncGenerator<AthenaResultPage<T>, void, undefined>;
  /**
   * The user's AthenaClient (created once), for other Athena operations.
   *
   * @throws TipError `ERR_MISSING_DEPENDENCY` without `@aws-sdk/client-athena`.
   */
  client(): AthenaClient;
}
