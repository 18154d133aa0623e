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
  | 's3-control'
  | 'iam';

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
  /** Identity store id of the user. */
  readonly identityStoreId: string;
  /** ARN of the IdC instance that issued the context. */
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
  /** Access level of the vended credentials. */
  readonly permission: 'READ' | 'WRITE' | 'READWRITE';
  /** The grantee the credentials act for. */
  readonly grantee: {
    /** Grantee type: an IAM principal, an IdC user or an IdC group. */
    readonly type: 'IAM' | 'DIRECTORY_USER' | 'DIRECTORY_GROUP';
    /** Grantee identifier: an IAM principal ARN, or an IdC user or group id. */
    readonly id: string;
  };
}

/** An authenticated caller, resolved from the SigV4 access key (and session token). */
export interface Caller {
  /** The access key id the request was signed with. */
  readonly accessKeyId: string;
  /** Account of the principal. */
  readonly accountId: string;
  /** `iam-user`, `root`, `role` (long-term key configured as a role), `assumed-role` (STS session), `access-grants` (GetDataAccess credentials). */
  readonly kind: 'iam-user' | 'root' | 'role' | 'assumed-role' | 'access-grants';
  /** The principal ARN as GetCallerIdentity reports it (`...:assumed-role/Role/session` for sessions). */
  readonly arn: string;
  /** The role ARN for role sessions. */
  readonly roleArn?: string;
  /** Role session name, for role sessions. */
  readonly sessionName?: string;
  /** Present only for identity-enhanced sessions. */
  readonly identityContext?: IdentityContextClaims;
  /** Present only for S3 Access Grants credentials. */
  readonly accessGrantScope?: AccessGrantScope;
  /**
   * Session policies the session was assumed with (inline `Policy` and `PolicyArns` together): the
   * session may do only what they allow too. Absent when none were given.
   */
  readonly sessionPolicy?: readonly import('../config/types.js').PolicyStatementConfig[];
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
  /** HTTP method, upper case. */
  readonly method: string;
  /** Path without query, not decoded. */
  readonly path: string;
  /** Query parameters, decoded (the last value of a repeated name). */
  readonly query: Readonly<Record<string, string>>;
  /** Lower-cased header names. */
  readonly headers: Readonly<Record<string, string>>;
  /** The whole request body, as received (at most `maxBodyBytes`). */
  readonly body: Buffer;
  /** The `Host` header, e.g. `123456789012.localhost:4566`. */
  readonly host: string;
}

/** What a handler returns for protocols whose output is not a structure (S3 object bodies). */
export interface RawReply {
  /** Marks the reply as raw: the codec sends it as is. */
  readonly raw: true;
  /** HTTP status. */
  readonly status: number;
  /** Response headers (lower-case names); `content-length` is added when absent. */
  readonly headers: Record<string, string>;
  /** Response body. */
  readonly body: Buffer | string;
}

/** Context given to each operation handler. */
export interface OperationContext<S = unknown> {
  /** The signing name of the service the request was routed to. */
  readonly service: ServiceName;
  /** The operation, as AWS names it (e.g. `AssumeRole`). */
  readonly operation: string;
  /** The authenticated caller; undefined only for operations that are unsigned on AWS (AssumeRoleWithWebIdentity). */
  readonly caller: Caller | undefined;
  /** Parsed input (JSON object, form members flattened into objects/arrays, or query + headers for REST). */
  readonly input: Record<string, unknown>;
  /** The request as received. */
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

/** Credentials the emulator issued (STS sessions, S3 Access Grants). */
export interface IssuedCredentials {
  /** Access key id of the new session, registered for SigV4 lookup. */
  readonly accessKeyId: string;
  /** Secret access key that signs requests with `accessKeyId`. */
  readonly secretAccessKey: string;
  /** Session token that must accompany requests signed with `accessKeyId`. */
  readonly sessionToken: string;
  /** Expiry, epoch ms. */
  readonly expiresAt: number;
}

/** Registry of every key the emulator accepts: configured long-term keys and issued session keys. */
export interface CredentialRegistry {
  /** Issues session credentials for `caller` (without `accessKeyId`), valid until `expiresAt` (epoch ms). */
  issue(caller: Omit<Caller, 'accessKeyId' | 'expiresAt'>, expiresAt: number): IssuedCredentials;
  /** The secret, session token and caller of a key; undefined when unknown. */
  lookup(accessKeyId: string):
    | {
        /** Secret access key used to verify the SigV4 signature. */
        secretAccessKey: string;
        /** Session token the request must carry; absent for long-term keys. */
        sessionToken?: string;
        /** The caller requests signed with this key authenticate as. */
        caller: Caller;
      }
    | undefined;
}

/** Result of an authorization decision. */
export interface AuthorizationDecision {
  /** True when the action is allowed; false means deny. */
  readonly allowed: boolean;
  /** Why (policy, allow-list, trust), for the audit log and error messages. */
  readonly reason: string;
}

/**
 * Shared runtime given to every service as `ctx.state`. Services keep their own state in closures created
 * by their module factory; what is shared lives here.
 */
export interface EmulatorRuntime {
  /** The resolved configuration. */
  readonly config: import('../config/types.js').EmulatorConfig;
  /** The emulator's clock, epoch ms. Tests may move it. */
  now(): number;
  /** Every key and session the emulator knows. */
  readonly credentials: CredentialRegistry;
  /** Secret key that integrity-protects identity contexts and opaque tokens (random per start). */
  readonly secretKey: Buffer;
  /** The embedded IdP's issuer URL, when one runs (TTIs with `issuerUrl: "idp"` resolve to it). */
  readonly idpIssuer: string | undefined;
  /** Fetch used to reach issuers (discovery, JWKS). */
  readonly fetch: typeof fetch;
  /**
   * IAM permission check for `action` (`service:Action`) on `resource` by `caller`: the caller's or role's
   * permission policies, and for identity-enhanced sessions the identity-context allow-list. The HTTP
   * front already calls this with resource `*` before each handler; handlers call it again for
   * resource-level checks.
   */
  authorize(caller: Caller, action: string, resource: string): AuthorizationDecision;
}

/** One IAM evaluation: the action as IAM names it (`s3:ListBucket`) on the resource ARN it acts on. */
export interface IamRequest {
  /** `service:Action`, the IAM action name. */
  readonly action: string;
  /** The resource ARN, or `*` for actions that have no resource type. */
  readonly resource: string;
}

/** JSON types of top-level input members, as the service model declares them. */
export type JsonMemberType = 'string' | 'integer' | 'boolean' | 'list' | 'structure' | 'map';

/** What each service module gives the HTTP front. */
export interface ServiceModule {
  /** The SigV4 signing name the front routes to this module. */
  readonly service: ServiceName;
  /** The wire protocol whose codec reads inputs and writes outputs and errors. */
  readonly protocol: WireProtocol;
  /** Operation name (as AWS names it, e.g. `CreateTokenWithIAM`) -> handler. */
  readonly handlers: Readonly<Record<string, OperationHandler<EmulatorRuntime>>>;
  /**
   * For REST protocols (restJson1, restXml): the operation a request is for, from method, path and query;
   * undefined when none matches (the front answers the service's unknown-operation error). awsJson and
   * awsQuery services are routed by `x-amz-target` / `Action` and need not define it.
   */
  resolveOperation?(raw: RawRequest): string | undefined;
  /** XML namespace of awsQuery / restXml responses, e.g. `https://sts.amazonaws.com/doc/2011-06-15/`. */
  readonly xmlNamespace?: string;
  /**
   * The IAM evaluations the front makes before the handler, as AWS evaluates the operation: its real IAM
   * action names on its real resource ARNs. `[]` means the handler authorizes itself (the resource is
   * known only from state, or each item is judged on its own, as S3 keys are). Default for operations it
   * does not answer: `<prefix>:<Operation>` on `*`.
   */
  iamRequests?(
    operation: string,
    input: Record<string, unknown>,
    raw: RawRequest,
  ): readonly IamRequest[] | undefined;
  /**
   * Top-level input members per operation with their model types (JSON protocols): the front answers a
   * member of the wrong JSON type with the service's serialization error before the handler runs.
   */
  readonly inputShapes?: Readonly<Record<string, Readonly<Record<string, JsonMemberType>>>>;
  /** Called once when the emulator stops (close databases). */
  close?(): Promise<void>;
}

/** Factory each service exports: `createXxxService(runtime) -> ServiceModule` (async for PGlite boot). */
export type ServiceFactory = (runtime: EmulatorRuntime) => ServiceModule | Promise<ServiceModule>;
