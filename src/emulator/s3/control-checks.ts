/**
 * Checks every S3 Control Access Grants operation makes before its own logic: an authenticated caller,
 * a configured instance, and the account the request names (host label and `x-amz-account-id`).
 */
import { AwsServiceError, type Caller, type OperationContext } from '../core/types.js';
import type { AccessGrantsInstance } from './grants.js';
import { accessDenied, clip, invalidRequest } from './replies.js';

/** The caller, or AccessDenied for an unsigned request (the front never lets one through). */
export function requireCaller(ctx: OperationContext<unknown>): Caller {
  if (!ctx.caller) throw accessDenied('Access Denied: the request is not signed.');
  return ctx.caller;
}

/** `AccessGrantsInstanceNotExistsError` (404): no instance (for this prefix). */
export function instanceNotFound(detail: string): AwsServiceError {
  return new AwsServiceError(
    'AccessGrantsInstanceNotExistsError',
    `Access Grants Instance does not exist: ${detail}.`,
    404,
  );
}

/** The instance, or `AccessGrantsInstanceNotExistsError` (404) when none is configured. */
export function requireInstance(instance: AccessGrantsInstance | undefined): AccessGrantsInstance {
  if (!instance) throw instanceNotFound('configure s3.accessGrants in the emulator configuration');
  return instance;
}

/**
 * Verifies the account of the request: `x-amz-account-id` must be 12 digits, agree with an account label
 * in the host (`{AccountId}.s3-control...`), and name the instance's account; otherwise AccessDenied.
 */
export function checkAccount(ctx: OperationContext<unknown>, instance: AccessGrantsInstance): void {
  const header = ctx.raw.headers['x-amz-account-id'];
  if (header === undefined || header === '') {
    throw invalidRequest(
      'Missing required header x-amz-account-id: send the 12-digit account id (AccountId).',
    );
  }
  if (!/^\d{12}$/.test(header)) {
    throw invalidRequest('Invalid x-amz-account-id: the account id must be exactly 12 digits.');
  }
  const label = /^(\d{12})\./.exec(ctx.raw.host)?.[1];
  if (label !== undefined && label !== header) {
    throw accessDenied('Access Denied: the account in the host name differs from x-amz-account-id.');
  }
  if (header !== instance.accountId) {
    ctx.audit('denied', instance.arn, `request names account ${clip(header, 12)}, not the instance account`);
    throw accessDenied(
      `Access Denied: account ${header} has no S3 Access Grants instance here; send AccountId ${instance.accountId}.`,
    );
  }
}

/**
 * The checks every Access Grants operation starts with, in order: a signed caller, a configured instance,
 * the request's account. Returns the caller and the instance.
 */
export function openInstance(
  ctx: OperationContext<unknown>,
  instance: AccessGrantsInstance | undefined,
): { readonly caller: Caller; readonly inst: AccessGrantsInstance } {
  const caller = requireCaller(ctx);
  const inst = requireInstance(instance);
  checkAccount(ctx, inst);
  return { caller, inst };
}

/**
 * Parses an optional integer query parameter within [min, max]; `fallback` when absent; InvalidRequest
 * naming `name` otherwise.
 */
export function intParam(
  value: string | undefined,
  name: string,
  min: number,
  max: number,
  fallback: number,
): number {
  if (value === undefined || value === '') return fallback;
  const parsed = /^\d{1,6}$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
    throw invalidRequest(`Invalid ${name}: must be an integer from ${min} to ${max}.`);
  }
  return parsed;
}

/** Resource-level IAM check of `action` on the instance ARN; AccessDenied with the reason otherwise. */
export function authorizeOnInstance(
  ctx: OperationContext<unknown>,
  authorize: (caller: Caller, action: string, resource: string) => { allowed: boolean; reason: string },
  caller: Caller,
  action: string,
  instance: AccessGrantsInstance,
): void {
  const decision = authorize(caller, action, instance.arn);
  if (!decision.allowed) {
    ctx.audit('denied', instance.arn, decision.reason);
    throw accessDenied(`Access Denied: ${caller.arn} is not allowed to call ${action} on ${instance.arn}.`);
  }
}
