/**
 * The one place where a failed Athena query or Redshift statement becomes a {@link TipError}. A query the
 * service refused for lack of permission (Lake Formation, a Redshift `GRANT`, S3 inside the query) is
 * `ERR_ACCESS_DENIED`, like a refused API call, so HTTP adapters answer 403; any other failure, and a
 * cancellation, is `ERR_QUERY_FAILED` (500).
 *
 * @module
 */
import { TipError } from '../errors.js';
import type { TipErrorDetails } from '../errors.js';
import { clause } from '../message-text.js';

/**
 * How permission refusals read inside a query: Lake Formation through Athena, Postgres/Redshift privilege
 * errors (`permission denied for relation|table|schema|…`), Trino's `PERMISSION_DENIED`, and S3 or IAM
 * refusals met while the query reads its data or writes its results.
 */
const REFUSALS = [
  /\bInsufficient Lake Formation permission/i,
  /\bpermission denied for\b/i,
  /\bPERMISSION_DENIED\b/,
  /\bAccess ?Denied(Exception)?\b/i,
  /\bis not authorized to perform\b/i,
];

/** True when the service's message says the query was refused for lack of permission. */
export function isPermissionRefusal(reason: string): boolean {
  return REFUSALS.some((pattern) => pattern.test(reason));
}

/** What failed. */
export interface QueryFailure {
  /** `athena` or `redshift-data`. */
  readonly service: 'athena' | 'redshift-data';
  /** The query execution or statement id. */
  readonly queryId: string;
  /** The final state the service reported (`FAILED`, `CANCELLED`, `ABORTED`…). */
  readonly state: string;
  /** True when the service reports the query as cancelled rather than failed. */
  readonly cancelled: boolean;
  /** The service's message, already redacted. */
  readonly reason: string;
  /** Further service-specific details (Athena's `errorCategory`, `errorType`). */
  readonly details?: TipErrorDetails;
}

/** The code of a failed query's error. */
export type QueryFailureCode = 'ERR_ACCESS_DENIED' | 'ERR_QUERY_FAILED';

/** A TipError with one of those codes. */
export type QueryError = TipError & { readonly code: QueryFailureCode };

/** The error for a failed or cancelled query. */
export function queryFailureError(failure: QueryFailure): QueryError {
  const { service, queryId, state, reason } = failure;
  const what = service === 'athena' ? `Athena query ${queryId}` : `Redshift statement ${queryId}`;
  const details: TipErrorDetails = { service, queryId, state, reason, ...(failure.details ?? {}) };
  if (!failure.cancelled && isPermissionRefusal(reason)) {
    const grant =
      service === 'athena'
        ? "Grant the user or one of their IAM Identity Center groups access in Lake Formation (and S3 Access Grants for the workgroup's results), or query only what the user may read."
        : "Grant the user's database identity (e.g. AWSIDC:<user>) or one of its roles access with GRANT, or query only what the user may read.";
    return new TipError('ERR_ACCESS_DENIED', `${what} was refused: ${clause(reason)}. ${grant}`, {
      details,
    }) as QueryError;
  }
  const outcome = failure.cancelled ? 'was cancelled' : 'failed';
  const check =
    service === 'athena'
      ? "Check the SQL and the user's Lake Formation permissions."
      : "Check the SQL and the user's database grants.";
  return new TipError(
    'ERR_QUERY_FAILED',
    `${what} ${outcome}${reason ? `: ${clause(reason)}` : ''}. ${check}`,
    {
      details,
    },
  ) as QueryError;
}
