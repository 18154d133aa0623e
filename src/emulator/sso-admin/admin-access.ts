/**
 * What the emulated IAM Identity Center administration APIs (sso-admin, identitystore) share: only the
 * account's administrators may call them — a long-term key configured in `callers` — and each request
 * member is checked as the service model constrains it, so a bad one is a `ValidationException`.
 */
import { AwsServiceError, type EmulatorRuntime, type OperationContext } from '../core/types.js';

/**
 * Refuses every caller but a configured long-term key of the emulator's account. A role session (the
 * web identity role, the identity-bearer role with an identity context, S3 Access Grants credentials)
 * gets `AccessDeniedException`, as AWS answers a role whose policies do not grant the action.
 */
export function requireAdmin(ctx: OperationContext<EmulatorRuntime>, action: string, resource: string): void {
  const caller = ctx.caller;
  const admin =
    caller !== undefined &&
    (caller.kind === 'iam-user' || caller.kind === 'root' || caller.kind === 'role') &&
    caller.accountId === ctx.state.config.accountId;
  const decision = admin
    ? ctx.state.authorize(caller, action, resource)
    : { allowed: false, reason: "only the account's administrators" };
  if (!decision.allowed) {
    ctx.audit('denied', resource, `${action}: ${decision.reason}`);
    throw new AwsServiceError(
      'AccessDeniedException',
      `User: ${caller?.arn ?? 'anonymous'} is not authorized to perform: ${action} on resource: ${resource}`,
      400,
    );
  }
  ctx.audit('allowed', resource, action);
}

/** A `ValidationException` naming the member. */
export function invalid(member: string, rule: string): AwsServiceError {
  return new AwsServiceError('ValidationException', `1 validation error detected: ${member} ${rule}`, 400);
}

/** The string member `name` of `input`, checked against `pattern` (and 1..`max` characters). */
export function stringMember(
  input: Record<string, unknown>,
  name: string,
  pattern: RegExp,
  max = 1224,
): string {
  const value = input[name];
  if (value === undefined || value === null) throw invalid(name, 'must not be null');
  if (typeof value !== 'string' || value.length === 0 || value.length > max || !pattern.test(value))
    throw invalid(name, `must satisfy the pattern ${pattern.source} and be 1-${max} characters`);
  return value;
}

/** `MaxResults` (1..`max`, default `max`) and `NextToken` (an offset this emulator issued) of a list call. */
export function page(input: Record<string, unknown>, max = 100): { start: number; size: number } {
  const size = input.MaxResults ?? max;
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 1 || size > max)
    throw invalid('MaxResults', `must be an integer from 1 to ${max}`);
  const token = input.NextToken;
  if (token === undefined || token === null) return { start: 0, size };
  const match = typeof token === 'string' ? /^o(\d{1,6})$/.exec(token) : null;
  if (match === null) throw invalid('NextToken', 'is not a token this service issued');
  return { start: Number(match[1]), size };
}

/** One page of `items` with the `NextToken` of the next, if any. */
export function pageOf<T>(items: readonly T[], { start, size }: { start: number; size: number }) {
  const slice = items.slice(start, start + size);
  return {
    items: slice,
    ...(start + size < items.length ? { NextToken: `o${start + size}` } : {}),
  };
}
