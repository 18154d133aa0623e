/**
 * The one place where AWS SDK errors become {@link TipError}s. Every sso-oidc and STS error of
 * PROTOCOL.md §1–§2 maps to a stable code with a message that says what to do; a redacted copy of the
 * SDK error stays as `cause` (see `redact.ts`) and its `$metadata.requestId` as `requestId`.
 *
 * @module
 */
import { TipError, isTipError } from '../errors.js';
import type { TipErrorDetails } from '../errors.js';
import { clause } from '../message-text.js';
import { idcMapping, stsMapping } from './identity-errors.js';
import { redactAwsError, redactAwsMessage } from './redact.js';
import type { Mapping } from './identity-errors.js';
import { serviceMapping } from './service-errors.js';

export { redactAwsMessage } from './redact.js';

/** The AWS call an error came from. */
export interface AwsCallSite {
  /** `sso-oidc` or `sts` (or another service name for later layers). */
  readonly service: string;
  /** The operation, e.g. `CreateTokenWithIAM`, `AssumeRole`, `AssumeRoleWithWebIdentity`. */
  readonly operation: string;
  /** The role ARN involved, for STS messages. Not secret. */
  readonly roleArn?: string;
  /** The IdC application ARN involved, for sso-oidc messages. Not secret. */
  readonly applicationArn?: string;
  /**
   * Secret values the call sent (the assertion, identity context, refresh or subject token): removed from
   * the error's message, details and cause wherever AWS echoes them. Entries that are not strings are ignored.
   */
  readonly secrets?: readonly unknown[];
}

/** What tip-sdk reads from an SDK error; everything optional because the error is untrusted. */
interface SdkErrorLike {
  readonly name?: unknown;
  readonly message?: unknown;
  readonly code?: unknown;
  readonly $fault?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: unknown; readonly requestId?: unknown };
  readonly $response?: unknown;
  readonly error?: unknown;
  readonly error_description?: unknown;
  readonly reason?: unknown;
  readonly endpoint?: unknown;
  readonly region?: unknown;
}

const THROTTLING = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDownException',
  'SlowDown',
  'ProvisionedThroughputExceededException',
]);

const SERVER = new Set(['InternalServerException', 'InternalFailure', 'InternalError', 'ServiceUnavailable']);

const BAD_CREDENTIALS = new Set([
  'InvalidClientTokenId',
  'SignatureDoesNotMatch',
  'InvalidSignatureException',
  'IncompleteSignature',
  'MissingAuthenticationToken',
  'UnrecognizedClientException',
  'ExpiredToken',
  'InvalidAccessKeyId',
  'CredentialsProviderError',
  'AuthFailure',
]);

const NETWORK = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
]);

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** True for errors worth retrying: throttling, 5xx and network failures. */
export function isRetryableTipError(error: unknown): boolean {
  return isTipError(error, 'ERR_AWS_THROTTLED', 'ERR_AWS_UNAVAILABLE');
}

/** The AWS error code (`name`) of an SDK error, or `undefined`. */
export function awsErrorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as SdkErrorLike;
  return str(e.name) ?? str(e.code);
}

function isMalformedResponse(e: SdkErrorLike, name: string): boolean {
  if (name === 'SyntaxError') return true;
  const message = typeof e.message === 'string' ? e.message : '';
  return /deseriali[sz]|Unexpected token|not valid JSON|Invalid (XML|JSON)/i.test(message);
}

/**
 * Maps any error thrown by an AWS SDK call to a {@link TipError}. TipErrors pass through unchanged.
 *
 * @param error - What the SDK threw (untrusted shape).
 * @param site - Which call it came from, for the code family and the message.
 */
export function mapAwsError(error: unknown, site: AwsCallSite): TipError {
  if (isTipError(error)) return error;
  const e = (typeof error === 'object' && error !== null ? error : {}) as SdkErrorLike;
  const name = str(e.name) ?? 'Error';
  const code = str(e.code);
  const status = typeof e.$metadata?.httpStatusCode === 'number' ? e.$metadata.httpStatusCode : undefined;
  const requestId = str(e.$metadata?.requestId);
  const awsMessage = redactAwsMessage(str(e.error_description) ?? e.message, site.secrets);
  const details: Record<string, string | number | undefined> = {
    service: site.service,
    operation: site.operation,
    awsErrorCode: name,
    httpStatusCode: status,
  };
  const idc = site.service === 'sso-oidc';

  let mapping: Mapping | undefined;
  if (name === 'AbortError' || code === 'ABORT_ERR') {
    mapping = { code: 'ERR_ABORTED', message: 'The AWS call was aborted through its AbortSignal.' };
  } else if (THROTTLING.has(name) || status === 429) {
    mapping = {
      code: 'ERR_AWS_THROTTLED',
      message: `AWS throttled ${site.operation} and retries ran out: reduce the call rate or raise the service quota.`,
    };
  } else if (BAD_CREDENTIALS.has(name)) {
    mapping = {
      code: 'ERR_AWS_CREDENTIALS',
      message: `The service's own AWS credentials were refused for ${site.operation}: check the credential chain or \`clientConfig.credentials\`.`,
    };
  } else {
    mapping = idc
      ? idcMapping(name, site)
      : site.service === 'sts'
        ? stsMapping(name, site)
        : serviceMapping(name, site);
  }
  if (mapping === undefined) {
    if (
      SERVER.has(name) ||
      (status !== undefined && status >= 500) ||
      NETWORK.has(name) ||
      (code !== undefined && NETWORK.has(code))
    ) {
      mapping = {
        code: 'ERR_AWS_UNAVAILABLE',
        message: `AWS ${site.service} failed or could not be reached for ${site.operation} and retries ran out: try again later.`,
      };
    } else if (isMalformedResponse(e, name)) {
      mapping = {
        code: idc
          ? 'ERR_IDC_RESPONSE_INVALID'
          : site.service === 'sts'
            ? 'ERR_STS_RESPONSE_INVALID'
            : 'ERR_SERVICE_RESPONSE_INVALID',
        message: `AWS ${site.service} answered ${site.operation} with a body tip-sdk cannot parse; check the endpoint.`,
      };
    } else {
      mapping = {
        code: 'ERR_AWS_UNKNOWN',
        message: `AWS ${site.service} refused ${site.operation} with ${name}${awsMessage ? `: ${clause(awsMessage)}` : ''}.`,
      };
    }
  }
  if (mapping.code === 'ERR_IDC_WRONG_REGION') {
    details.region = redactAwsMessage(str(e.region), site.secrets) || undefined;
    details.endpoint = redactAwsMessage(str(e.endpoint), site.secrets) || undefined;
  }
  if (mapping.code === 'ERR_IDC_INVALID_REQUEST')
    details.reason = redactAwsMessage(str(e.reason), site.secrets) || undefined;
  const message =
    awsMessage && mapping.code !== 'ERR_AWS_UNKNOWN'
      ? `${mapping.message} (AWS: ${awsMessage})`
      : mapping.message;
  return new TipError(mapping.code, message, {
    // A redacted copy: the SDK error's message, stack and members may echo what the request carried.
    cause: redactAwsError(error, site.secrets),
    details: details as TipErrorDetails,
    ...(requestId === undefined ? {} : { requestId }),
  });
}
