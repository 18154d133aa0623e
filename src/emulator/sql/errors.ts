/**
 * The error every SQL engine operation throws: a Postgres SQLSTATE and the server's message.
 *
 * Codes callers rely on: `42501` insufficient privilege (also used for statements the engine refuses to
 * run for a propagated user), `42P01` undefined table, `42601` syntax error (including several statements
 * in one user query), `42622` name too long, `57014` query cancelled, `XX000` internal error.
 */
export class SqlError extends Error {
  /** Postgres SQLSTATE, five characters, e.g. `42501`. */
  readonly code: string;
  /** For `runBatchAs`: index (0-based) of the statement that failed. */
  readonly statementIndex?: number;

  constructor(code: string, message: string, options?: { cause?: unknown; statementIndex?: number }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SqlError';
    this.code = code;
    if (options?.statementIndex !== undefined) this.statementIndex = options.statementIndex;
  }
}

/** Whether `value` is a {@link SqlError} (works across module copies by checking the shape). */
export function isSqlError(value: unknown): value is SqlError {
  return (
    value instanceof SqlError ||
    (value instanceof Error &&
      value.name === 'SqlError' &&
      typeof (value as { code?: unknown }).code === 'string')
  );
}

/** Converts whatever PGlite threw into a {@link SqlError}, keeping the SQLSTATE when there is one. */
export function toSqlError(error: unknown): SqlError {
  if (isSqlError(error)) return error;
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) {
      return new SqlError(code, error.message, { cause: error });
    }
    return new SqlError('XX000', error.message, { cause: error });
  }
  return new SqlError('XX000', String(error));
}
