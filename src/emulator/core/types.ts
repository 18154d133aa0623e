/**
 * Contracts between the emulator's HTTP front (server, protocol codecs, SigV4) and the per-service
 * operation handlers. A handler gets a parsed input and an authenticated caller, and returns an output
 * object or throws {@link AwsServiceError}; the protocol codec of its service serializes either.
 */

/** Wire protocols the emulator speaks. */
export type WireProtocol = 'restJson1' | 'awsQuery' | 'awsJson1_1' | 'restXml';

/** Services the emulator answers, by SigV4 signing name. */
export type ServiceName =
  | 'sts'
  | 'sso-oauth'
  | 'athena'
  | 'redshift-data'
  | 'redshift'
  | 'redshift-serverless'
  | 's3'
  | 's3-control';

/** The identity an identity-enhanced session carries (what STS verified from the context assertion). */
export interface IdentityContextClaims {
  /** IdC user id (the `DIRECTORY_USER` grantee id). */
  readonly idcUserId: string;
  /** Identity store userName. */
  readonly userName: string;
  /** IdC group ids of the user. */
  readonly groupIds: readonly string[];
  /** Group names of the user. */
  readonly groupNames: readonly string[];
  readonly identityStoreId: string;
  readonly instanceArn: string;
  /** Application ARN the context was issued for. */
  readonly applicationArn: string;
  /** Expiry, epoch milliseconds. */
  readonly expiresAt: number;
}

/** Scope of credentials vended by S3 Access Grants `GetDataAccess`. */
export interface AccessGrantScope {
  /** `s3://bucket/prefix*` or an exact object URI. */
  readonly target: string;
  readonly permission: 'READ' | 'WRITE' | 'READWRITE';
  /** The grantee the credentials act for. */
  readonly grantee: { readonly type: 'IAM' | 'DIRECTORY_USER' | 'DIRECTORY_GROUP'; readonly id: string };
}

/** An authenticated caller, resolved from the SigV4 access key (and session token). */
export interface Caller {
  readonly accessKeyId: string;
  readonly accountId: string;
  /** `iam-user`, `root`, `role` (long-term key configured as a role), `assumed-role` (STS session), `access-grants` (GetDataAccess credentials). */
  readonly kind: 'iam-user' | 'root' | 'role' | 'assumed-role' | 'access-grants';
  /** The principal ARN as GetCallerIdentity reports it (`...:assumed-role/Role/session` for sessions). */
  readonly arn: string;
  /** The role ARN for role sessions. */
  readonly roleArn?: string;
  readonly sessionName?: string;
  /** Present only for identity-enhanced sessions. */
  readonly identityContext?: IdentityContextClaims;
  /** Present only for S3 Access Grants credentials. */
  readonly accessGrantScope?: AccessGrantScope;
  /** Session expiry, epoch ms; undefined for long-term keys. */
  readonly expiresAt?: number;
}

/** An error as an AWS service sends it. The service's codec chooses the wire shape. */
export class AwsServiceError extends Error {
  /** AWS error code, e.g. `AccessDeniedException`, `InvalidGrantException`, `AccessDenied`. */
  readonly code: string;
  /** HTTP status. */
  readonly status: number;
  /** Extra members of the error body (e.g. `error`, `error_description`, `reason`, `endpoint`). */
  readonly extra: Readonly<Record<string, string>>;
  /** Sender (`Sender`) or receiver fault, for awsQuery/restXml bodies. */
  readonly fault: 'Sender' | 'Receiver';

  constructor(code: string, message: string, status = 400, extra: Record<string, string> = {}) {
    super(message);
    this.name = 'AwsServiceError';
    this.code = code;
    this.status = status;
    this.extra = Object.freeze({ ...extra });
    this.fault = status >= 500 ? 'Receiver' : 'Sender';
  }
}

/** What the HTTP front knows of a request, given to handlers that need the raw parts (S3). */
export interface RawRequest {
  readonly method: string;
  /** Path without query, not decoded. */
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  /** Lower-cased header names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
  readonly host: string;
}

/** What a handler returns for protocols whose output is not a structure (S3 object bodies). */
export interface RawReply {
  readonly raw: true;
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: Buffer | string;
}

/** Context given to each operation handler. */
export interface OperationContext<S = unknown> {
  readonly service: ServiceName;
  readonly operation: string;
  /** The authenticated caller; undefined only for operations that are unsigned on AWS (AssumeRoleWithWebIdentity). */
  readonly caller: Caller | undefined;
  /** Parsed input (JSON object, form members flattened into objects/arrays, or query + headers for REST). */
  readonly input: Record<string, unknown>;
  readonly raw: RawRequest;
  /** The emulator state (config plus runtime state), typed by the service. */
  readonly state: S;
  /** Current time, epoch ms (the emulator's clock, controllable in tests). */
  readonly now: number;
  /** AWS request id of this request. */
  readonly requestId: string;
  /** Records the decision in the audit log. `resource` is an ARN or S3 URI; `reason` says why. */
  audit(outcome: 'allowed' | 'denied', resource: string, reason?: string): void;
}

/** An operation handler. Returns the output structure (or a raw reply) or throws AwsServiceError. */
export type OperationHandler<S = unknown> = (
  ctx: OperationContext<S>,
) => Promise<object | RawReply> | object | RawReply;
