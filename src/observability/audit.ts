/**
 * Audit records: one per AWS call made for a user (the IdC exchange, the role assumption, and each call
 * of an instrumented client) — who, which service and operation, which resource, and the outcome. No
 * token, credential or identity context is ever part of a record.
 *
 * @module
 */

/** Who a call was made for. */
export interface AuditSubject {
  /** The external JWT issuer. */
  readonly issuer: string;
  /** The external JWT subject. */
  readonly subject: string;
  /** The IAM Identity Center user id, when known at the time of the call. */
  readonly idcUserId?: string;
}

/** One audit record. */
export interface AuditRecord {
  /** When the call finished, ISO 8601. */
  readonly time: string;
  /** The user the call was made for (issuer, subject and, when known, IdC user id). */
  readonly who: AuditSubject;
  /** The AWS service, e.g. `sso-oidc`, `sts`, `athena`, `s3`. */
  readonly service: string;
  /** The operation, e.g. `CreateTokenWithIAM`, `AssumeRole`, `StartQueryExecution`. */
  readonly operation: string;
  /** The resource acted on (role ARN, workgroup, `s3://bucket/key`…), when one is known. */
  readonly resource?: string;
  /** `success` or `failure`. */
  readonly outcome: 'success' | 'failure';
  /** The tip-sdk error code or the AWS error name, for failures. */
  readonly code?: string;
  /** The AWS request id, when the service returned one. */
  readonly requestId?: string;
  /** Milliseconds the call took. */
  readonly durationMs: number;
}

/** Receives audit records (write them to a log, a queue, a database). Called synchronously. */
export type AuditSink = (record: AuditRecord) => void;
