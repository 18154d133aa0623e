/**
 * Authentication of one request by the front: unsigned operations pass without a caller, everything else
 * needs a valid SigV4 signature (see `sigv4.ts`). Refusals are audited and become the service's error.
 */
import type { FrontInit } from './front.js';
import { frontError, signingName } from './profiles.js';
import { parseAuthorization, verifySigV4 } from './sigv4.js';
import type { AwsServiceError, Caller, RawRequest, ServiceName } from './types.js';

/** Operations AWS serves without a signature. */
const UNSIGNED_OPERATIONS = new Set([
  'sts:AssumeRoleWithWebIdentity',
  'sts:AssumeRoleWithSAML',
  'sso-oauth:CreateToken',
  'sso-oauth:RegisterClient',
]);

/** What {@link authenticate} needs of the request. */
export interface AuthenticationInput {
  readonly service: ServiceName;
  readonly operation: string | undefined;
  readonly headers: Readonly<Record<string, string>>;
  /** The request as signed (path as sent). */
  readonly signedRaw: RawRequest;
  /** Decoded query with repeated keys as arrays. */
  readonly query: Readonly<Record<string, string | string[]>>;
  /** The body as it came over the wire. */
  readonly wire: Buffer;
}

/** The caller (undefined for an unsigned operation), or the error to answer. */
export type AuthenticationResult =
  | { readonly ok: true; readonly caller: Caller | undefined }
  | { readonly ok: false; readonly error: AwsServiceError };

/** Authenticates one request. Never throws. */
export async function authenticate(
  init: FrontInit,
  input: AuthenticationInput,
): Promise<AuthenticationResult> {
  const { service, operation, headers } = input;
  const { runtime } = init;
  if (headers.authorization === undefined) {
    if (operation && UNSIGNED_OPERATIONS.has(`${service}:${operation}`))
      return { ok: true, caller: undefined };
    const s3 = service === 's3' || service === 's3-control';
    return {
      ok: false,
      error: frontError(
        service,
        'missingAuth',
        s3 ? 'Access Denied' : 'Request is missing Authentication Token',
      ),
    };
  }
  const auth = parseAuthorization(headers.authorization);
  if (!auth) {
    return {
      ok: false,
      error: frontError(
        service,
        'incompleteSignature',
        'The Authorization header is not a valid AWS4-HMAC-SHA256 signature.',
      ),
    };
  }
  // Routed by host or request shape, the request must be signed for that service.
  const expected = signingName(service);
  if (auth.service !== expected) {
    init.audit.record({ resource: '*', outcome: 'denied', reason: 'SigV4: wrongService', action: undefined });
    return {
      ok: false,
      error: frontError(
        service,
        'wrongService',
        service === 's3' || service === 's3-control'
          ? `The authorization header is malformed; incorrect service "${auth.service}". This endpoint belongs to "${expected}".`
          : `Credential should be scoped to correct service: '${expected}'. `,
      ),
    };
  }
  const verdict = await verifySigV4({
    raw: input.signedRaw,
    query: input.query,
    wireBody: input.wire,
    auth,
    registry: runtime.credentials,
    region: runtime.config.region,
    wallNow: Date.now(),
    now: runtime.now(),
    maxSkewSeconds: runtime.config.maxClockSkewSeconds,
  });
  if (!verdict.ok) {
    init.audit.record({
      resource: '*',
      outcome: 'denied',
      reason: `SigV4: ${verdict.failure}`,
      action: undefined,
    });
    return { ok: false, error: frontError(service, verdict.failure, verdict.message, verdict.extra) };
  }
  return { ok: true, caller: verdict.caller };
}
