/**
 * `GetIdentityCenterAuthToken` of Amazon Redshift (provisioned, awsQuery) and Redshift Serverless
 * (awsJson1_1): turns identity-enhanced credentials into an opaque token that Redshift drivers send as a
 * `SUBJECT_TOKEN`. See {@link verifyRedshiftAuthToken} for the token itself.
 *
 * Refusals, as the emulator answers them (AWS documents only that "the API will return an error"):
 * - caller without an identity context, or `redshift.allowIdentityEnhanced: false`: Redshift `AccessDenied`
 *   (HTTP 403), Serverless `AccessDeniedException` (HTTP 403);
 * - a bad list (empty, over 20 names, a malformed name): `RedshiftInvalidParameter` / `ValidationException`;
 * - a cluster or workgroup that is not configured: `ClusterNotFound` (404) / `ResourceNotFoundException` (404);
 * - an IAM policy denying the action on the target's ARN: the same access-denied errors.
 */
import { AwsServiceError } from '../core/types.js';
import type {
  Caller,
  EmulatorRuntime,
  IdentityContextClaims,
  OperationContext,
  ServiceFactory,
} from '../core/types.js';
import { sealRedshiftAuthToken } from './auth-token.js';
import { REDSHIFT_SERVERLESS_INPUT_SHAPES, redshiftIamRequests } from './input-shapes.js';
import { queryList } from './query-input.js';
import { findTarget, targetArn, type RedshiftTarget } from './targets.js';

/** At most this many clusters or workgroups per token (both services' documented limit). */
export const MAX_AUTH_TOKEN_TARGETS = 20;

/** Cluster identifiers: 1..63 characters, a letter first, letters, digits and single hyphens, no trailing hyphen. */
const CLUSTER_ID = /^[A-Za-z](?:[A-Za-z0-9]|-(?!-)){0,62}$/;
/** Workgroup names: 3..64 lower-case letters, digits and hyphens. */
const WORKGROUP_NAME = /^[a-z0-9-]{3,64}$/;

interface ServiceErrors {
  readonly accessDenied: (message: string) => AwsServiceError;
  readonly invalid: (message: string) => AwsServiceError;
  readonly notFound: (name: string) => AwsServiceError;
}

const REDSHIFT_ERRORS: ServiceErrors = {
  accessDenied: (message) => new AwsServiceError('AccessDenied', message, 403),
  invalid: (message) => new AwsServiceError('RedshiftInvalidParameter', message, 400),
  notFound: (name) => new AwsServiceError('ClusterNotFound', `Cluster ${name} not found.`, 404),
};

const SERVERLESS_ERRORS: ServiceErrors = {
  accessDenied: (message) => new AwsServiceError('AccessDeniedException', message, 403),
  invalid: (message) => new AwsServiceError('ValidationException', message, 400),
  notFound: (name) =>
    new AwsServiceError('ResourceNotFoundException', `Workgroup ${name} not found.`, 404, {
      resourceName: name,
    }),
};

function requireIdentity(
  ctx: OperationContext<EmulatorRuntime>,
  errors: ServiceErrors,
  action: string,
): { caller: Caller; identity: IdentityContextClaims } {
  const caller = ctx.caller;
  const identity = caller?.identityContext;
  if (!caller || !identity) {
    ctx.audit('denied', '*', `${action}: caller is not an identity-enhanced session`);
    throw errors.accessDenied(
      `${action} requires IAM Identity Center enhanced credentials: assume a role with an identity context ` +
        '(sts:AssumeRole with ProvidedContexts) and call again with those credentials',
    );
  }
  if (!ctx.state.config.redshift.allowIdentityEnhanced) {
    ctx.audit('denied', '*', `${action}: redshift.allowIdentityEnhanced is false`);
    throw errors.accessDenied(`${action} is not allowed for identity-enhanced sessions in this account`);
  }
  return { caller, identity };
}

function issue(
  ctx: OperationContext<EmulatorRuntime>,
  errors: ServiceErrors,
  kind: RedshiftTarget['kind'],
  names: readonly string[],
): { token: string; expiresAt: number } {
  const action =
    kind === 'cluster'
      ? 'redshift:GetIdentityCenterAuthToken'
      : 'redshift-serverless:GetIdentityCenterAuthToken';
  const { caller, identity } = requireIdentity(ctx, errors, action);
  const runtime = ctx.state;
  const resolved: string[] = [];
  for (const name of names) {
    const target = findTarget(runtime, kind, name);
    if (!target) {
      ctx.audit('denied', targetArn(runtime, { kind, name }), 'not configured');
      throw errors.notFound(name);
    }
    const arn = targetArn(runtime, target);
    const decision = runtime.authorize(caller, action, arn);
    if (!decision.allowed) {
      ctx.audit('denied', arn, decision.reason);
      throw errors.accessDenied(
        `User: ${caller.arn} is not authorized to perform: ${action} on resource: ${arn}`,
      );
    }
    resolved.push(target.name);
  }
  const issuedAt = ctx.now;
  const expiresAt = issuedAt + runtime.config.redshift.authTokenLifetimeSeconds * 1000;
  const token = sealRedshiftAuthToken(runtime, identity, kind, resolved, issuedAt, expiresAt);
  for (const name of resolved)
    ctx.audit('allowed', targetArn(runtime, { kind, name }), `token for ${identity.userName}`);
  return { token, expiresAt };
}

function checkNames(
  names: readonly string[] | undefined,
  errors: ServiceErrors,
  list: string,
  pattern: RegExp,
  rule: string,
): asserts names is readonly string[] {
  if (names === undefined) throw errors.invalid(`${list} is malformed: it must be a list of names`);
  if (names.length === 0) throw errors.invalid(`${list} must contain at least 1 name`);
  if (names.length > MAX_AUTH_TOKEN_TARGETS) {
    throw errors.invalid(`${list} can hold at most ${MAX_AUTH_TOKEN_TARGETS} names, got ${names.length}`);
  }
  for (const name of names) {
    if (!pattern.test(name) || name.length > 64 || name.endsWith('-')) {
      throw errors.invalid(`${list} holds an invalid name: ${rule}`);
    }
  }
}

/**
 * Amazon Redshift (provisioned) module: awsQuery, operation `GetIdentityCenterAuthToken` with
 * `ClusterIds.ClusterIdentifier.N`, answering `<GetIdentityCenterAuthTokenResult>` with `Token` and
 * `ExpirationTime` (ISO 8601). Token lifetime: `config.redshift.authTokenLifetimeSeconds` (default 900 s).
 */
export const createRedshiftService: ServiceFactory = () => ({
  service: 'redshift',
  protocol: 'awsQuery',
  xmlNamespace: 'http://redshift.amazonaws.com/doc/2012-12-01/',
  iamRequests: redshiftIamRequests,
  handlers: {
    GetIdentityCenterAuthToken(ctx) {
      const names = queryList(ctx, 'ClusterIds', 'ClusterIdentifier');
      requireIdentity(ctx, REDSHIFT_ERRORS, 'redshift:GetIdentityCenterAuthToken');
      checkNames(
        names,
        REDSHIFT_ERRORS,
        'ClusterIds',
        CLUSTER_ID,
        'cluster identifiers have 1 to 63 letters, digits or single hyphens, start with a letter and do not end with a hyphen',
      );
      const { token, expiresAt } = issue(ctx, REDSHIFT_ERRORS, 'cluster', names);
      return { Token: token, ExpirationTime: new Date(expiresAt) };
    },
  },
});

/**
 * Redshift Serverless module: awsJson1_1 (`X-Amz-Target: RedshiftServerless.GetIdentityCenterAuthToken`),
 * input `workgroupNames[]`, output `{ token, expirationTime }` with `expirationTime` an RFC 3339 date-time
 * string (the member's `timestampFormat` is `date-time`, unlike the protocol's epoch-seconds default).
 */
export const createRedshiftServerlessService: ServiceFactory = () => ({
  service: 'redshift-serverless',
  protocol: 'awsJson1_1',
  iamRequests: redshiftIamRequests,
  inputShapes: REDSHIFT_SERVERLESS_INPUT_SHAPES,
  handlers: {
    GetIdentityCenterAuthToken(ctx) {
      const raw = ctx.input.workgroupNames;
      const names =
        Array.isArray(raw) && raw.every((n) => typeof n === 'string') ? (raw as string[]) : undefined;
      requireIdentity(ctx, SERVERLESS_ERRORS, 'redshift-serverless:GetIdentityCenterAuthToken');
      if (raw === undefined) throw SERVERLESS_ERRORS.invalid('workgroupNames is required');
      checkNames(
        names,
        SERVERLESS_ERRORS,
        'workgroupNames',
        WORKGROUP_NAME,
        'workgroup names have 3 to 64 lower-case letters, digits or hyphens',
      );
      const { token, expiresAt } = issue(ctx, SERVERLESS_ERRORS, 'workgroup', names);
      // The model gives expirationTime the date-time format: the SDK accepts only an RFC 3339 string here.
      return { token, expirationTime: new Date(expiresAt).toISOString() };
    },
  },
});
