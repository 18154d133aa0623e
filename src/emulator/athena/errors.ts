import { AwsServiceError } from '../core/types.js';
import { type SqlError, isSqlError } from '../sql/errors.js';

/** `InvalidRequestException` as Athena sends it (with its `AthenaErrorCode`). */
export function invalidRequest(message: string, athenaErrorCode = 'INVALID_INPUT'): AwsServiceError {
  return new AwsServiceError('InvalidRequestException', message, 400, { AthenaErrorCode: athenaErrorCode });
}

/** The `AthenaError` of a FAILED query. Categories: 1 SYSTEM, 2 USER, 3 OTHER. Type 234 is Lake Formation. */
export interface AthenaFailure {
  readonly category: 1 | 2 | 3;
  readonly type: number;
  readonly message: string;
  readonly retryable: boolean;
}

const LAKE_FORMATION_ERROR = 234;
const USER_ERROR = 1000;
const INTERNAL_ERROR = 200;

/**
 * Maps an engine error to the failure Athena reports. A Postgres privilege error becomes Lake Formation's
 * `Insufficient Lake Formation permission(s) on <object>`; missing tables, schemas and columns and syntax
 * errors get Trino's error names; anything unexpected is a system error.
 */
export function athenaFailure(error: unknown): AthenaFailure {
  if (!isSqlError(error)) {
    return {
      category: 1,
      type: INTERNAL_ERROR,
      message: 'GENERIC_INTERNAL_ERROR: the query engine failed.',
      retryable: true,
    };
  }
  const e: SqlError = error;
  const user = (name: string, message: string): AthenaFailure => ({
    category: 2,
    type: USER_ERROR,
    message: `${name}: ${message}`,
    retryable: false,
  });
  switch (e.code) {
    case '42501': {
      const object = /permission denied for (?:table|schema|view|relation|sequence) "?([^"\s]+)"?/.exec(
        e.message,
      );
      if (object) {
        return {
          category: 2,
          type: LAKE_FORMATION_ERROR,
          message: `Insufficient Lake Formation permission(s) on ${object[1]}`,
          retryable: false,
        };
      }
      return user('PERMISSION_DENIED', e.message);
    }
    case '42P01': {
      const relation = /relation "([^"]+)" does not exist/.exec(e.message);
      return user(
        'TABLE_NOT_FOUND',
        relation ? `Table 'awsdatacatalog.${relation[1]}' does not exist` : e.message,
      );
    }
    case '3F000':
      return user('SCHEMA_NOT_FOUND', e.message);
    case '42703': {
      // Trino's wording: the column is unknown to the (Lake Formation filtered) table.
      const column = /column "?([^"\s]+)"? does not exist/.exec(e.message)?.[1];
      return user('COLUMN_NOT_FOUND', column ? `Column '${column}' cannot be resolved` : e.message);
    }
    case '42601':
      return user('SYNTAX_ERROR', e.message);
    case '42883':
      return user('FUNCTION_NOT_FOUND', e.message);
    case '54000':
      return user('EXCEEDED_LIMIT', e.message);
    case '22012':
      return user('DIVISION_BY_ZERO', e.message);
    default:
      if (/^(22|42|23)/.test(e.code)) return user('GENERIC_USER_ERROR', e.message);
      return {
        category: 1,
        type: INTERNAL_ERROR,
        message: `GENERIC_INTERNAL_ERROR: ${e.message}`,
        retryable: true,
      };
  }
}
