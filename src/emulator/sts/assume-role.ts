/**
 * STS `AssumeRole`, including `ProvidedContexts` (trusted identity propagation): the trust policy must
 * allow `sts:AssumeRole` and, with a context, `sts:SetContext` (plus `sts:TagSession` with tags and
 * `sts:SetSourceIdentity` with a source identity); the context assertion must verify; role chaining caps
 * the duration at one hour. The new session carries the verified identity context.
 */
import { principalContext } from '../core/policy.js';
import type { IdentityContextVerification } from '../identity-center/context.js';
import {
  AwsServiceError,
  type EmulatorRuntime,
  type IdentityContextClaims,
  type OperationContext,
} from '../core/types.js';
import { durationSeconds, requiredString, sessionName, sessionTags, validationError } from './input.js';
import { packedPolicySize, readSessionPolicy } from './session-policy.js';
import { issueRoleSession } from './session.js';
import { evaluateTrust } from './trust.js';

/** The only context provider STS accepts for trusted identity propagation. */
export const IDENTITY_CENTER_PROVIDER_ARN = 'arn:aws:iam::aws:contextProvider/IdentityCenter';
const MAX_CONTEXTS = 5;

/** How AssumeRole checks context assertions, and which error an expired one gets. */
export interface ContextPolicy {
  readonly verify: (runtime: EmulatorRuntime, assertion: string) => IdentityContextVerification;
  /** Code for an expired assertion. Default `InvalidContextAssertion` (the STS model's documented error). */
  readonly expiredError: 'InvalidContextAssertion' | 'ExpiredTokenException';
}

function accessDenied(
  callerArn: string,
  roleArn: string,
  why: string,
  action = 'sts:AssumeRole',
): AwsServiceError {
  return new AwsServiceError(
    'AccessDenied',
    `User: ${callerArn} is not authorized to perform: ${action} on resource: ${roleArn} (${why})`,
    403,
  );
}

function readContexts(input: Record<string, unknown>): { ProviderArn: string; ContextAssertion: string }[] {
  const raw = input.ProvidedContexts;
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw validationError('ProvidedContexts must be a list.');
  if (raw.length > MAX_CONTEXTS) {
    throw validationError(
      `1 validation error detected: Value at 'providedContexts' failed to satisfy constraint: Member must have length less than or equal to ${MAX_CONTEXTS}`,
    );
  }
  return raw.map((item) => {
    const c = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>;
    return {
      ProviderArn: requiredString(c, 'ProviderArn', 20, 2048),
      ContextAssertion: requiredString(c, 'ContextAssertion', 4, 2048),
    };
  });
}

function verifyContexts(
  runtime: EmulatorRuntime,
  contexts: readonly { ProviderArn: string; ContextAssertion: string }[],
  policy: ContextPolicy,
): IdentityContextClaims | undefined {
  let claims: IdentityContextClaims | undefined;
  for (const context of contexts) {
    if (context.ProviderArn !== IDENTITY_CENTER_PROVIDER_ARN) {
      throw new AwsServiceError(
        'InvalidContextAssertion',
        `The context provider ${context.ProviderArn.slice(0, 128)} is not a trusted context provider.`,
        400,
      );
    }
    if (claims)
      throw validationError('ProvidedContexts names the IdentityCenter context provider more than once.');
    const result = policy.verify(runtime, context.ContextAssertion);
    if (!result.ok) {
      if (result.reason === 'expired' && policy.expiredError === 'ExpiredTokenException') {
        throw new AwsServiceError('ExpiredTokenException', 'The context assertion has expired.', 400);
      }
      const why = {
        expired: 'has expired',
        malformed: 'is malformed',
        tampered: 'failed its integrity check',
        'wrong-audience': 'was not issued for this context provider',
      }[result.reason];
      throw new AwsServiceError('InvalidContextAssertion', `The context assertion ${why}.`, 400);
    }
    claims = result.claims;
  }
  return claims;
}

/** Creates the `AssumeRole` handler. */
export function assumeRoleHandler(policy: ContextPolicy) {
  return (ctx: OperationContext<EmulatorRuntime>) => {
    const runtime = ctx.state;
    const caller = ctx.caller;
    if (!caller)
      throw new AwsServiceError('MissingAuthenticationToken', 'Request is missing Authentication Token', 403);
    const input = ctx.input;
    const roleArn = requiredString(input, 'RoleArn', 20, 2048);
    const name = sessionName(requiredString(input, 'RoleSessionName', 2, 64), 'roleSessionName');
    const sessionPolicy = readSessionPolicy(runtime.config, input);
    const tags = sessionTags(input);
    const sourceIdentity =
      input.SourceIdentity === undefined
        ? undefined
        : sessionName(requiredString(input, 'SourceIdentity', 2, 64), 'sourceIdentity');
    const contexts = readContexts(input);

    if (caller.kind === 'root') {
      ctx.audit('denied', roleArn, 'root credentials cannot assume roles');
      throw accessDenied(caller.arn, roleArn, 'roles may not be assumed by root accounts');
    }
    const role = runtime.config.roles.find((r) => r.arn === roleArn);
    if (!role) {
      ctx.audit('denied', roleArn, 'no such role');
      throw accessDenied(caller.arn, roleArn, 'no such role');
    }
    const actions = ['sts:AssumeRole'];
    if (contexts.length > 0) actions.push('sts:SetContext');
    if (tags.length > 0) actions.push('sts:TagSession');
    if (sourceIdentity !== undefined) actions.push('sts:SetSourceIdentity');
    // The caller's own policies must allow each action on the role ARN, as must the trust policy.
    for (const action of actions) {
      const identity = runtime.authorize(caller, action, roleArn);
      if (!identity.allowed) throw accessDenied(caller.arn, roleArn, identity.reason, action);
    }
    const trust = evaluateTrust(role.trustPolicy, { aws: caller }, actions, [
      {
        ...principalContext(caller),
        'sts:RoleSessionName': name,
        'sts:SourceIdentity': sourceIdentity,
        'sts:ExternalId': typeof input.ExternalId === 'string' ? input.ExternalId : undefined,
      },
    ]);
    if (!trust.allowed) {
      ctx.audit('denied', roleArn, trust.reason);
      throw accessDenied(caller.arn, roleArn, trust.reason);
    }
    const chaining = caller.kind === 'assumed-role' || caller.kind === 'access-grants';
    const duration = durationSeconds(input, role.maxSessionDuration, chaining);
    let identityContext: IdentityContextClaims | undefined;
    try {
      identityContext = verifyContexts(runtime, contexts, policy);
    } catch (err) {
      ctx.audit('denied', roleArn, err instanceof AwsServiceError ? `context: ${err.code}` : 'context');
      throw err;
    }
    ctx.audit(
      'allowed',
      roleArn,
      identityContext ? `${trust.reason}; identity context of ${identityContext.userName}` : trust.reason,
    );
    const session = issueRoleSession(
      runtime,
      {
        roleArn,
        sessionName: name,
        durationSeconds: duration,
        ...(identityContext ? { identityContext } : {}),
        ...(sessionPolicy ? { sessionPolicy: sessionPolicy.statements } : {}),
      },
      ctx.now,
    );
    return {
      ...session,
      ...(tags.length > 0 || sessionPolicy
        ? { PackedPolicySize: packedPolicySize(sessionPolicy, tags.length) }
        : {}),
      ...(sourceIdentity !== undefined ? { SourceIdentity: sourceIdentity } : {}),
    };
  };
}
