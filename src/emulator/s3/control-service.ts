/**
 * The emulator's S3 Control service: the S3 Access Grants operations a trusted-identity caller uses —
 * `GetDataAccess`, `GetAccessGrantsInstanceForPrefix` and `ListCallerAccessGrants` (restXml).
 */
import type {
  EmulatorRuntime,
  OperationContext,
  RawReply,
  RawRequest,
  ServiceFactory,
} from '../core/types.js';
import { xmlList } from '../core/xml.js';
import { authorizeOnInstance, instanceNotFound, intParam, openInstance } from './control-checks.js';
import { getDataAccess, S3_CONTROL_NAMESPACE } from './get-data-access.js';
import { type AccessGrantsInstance, callerGrantees, grantsOf, resolveAccessGrants } from './grants.js';
import { clip, invalidRequest, xmlReply } from './replies.js';
import { locationCovers, parseLocationScope } from './s3-uri.js';

const ROUTES: Readonly<Record<string, string>> = {
  '/v20180820/accessgrantsinstance/dataaccess': 'GetDataAccess',
  '/v20180820/accessgrantsinstance/prefix': 'GetAccessGrantsInstanceForPrefix',
  '/v20180820/accessgrantsinstance/caller/grants': 'ListCallerAccessGrants',
};

/** Largest `maxResults` of `ListCallerAccessGrants` (its default too). */
export const LIST_CALLER_GRANTS_MAX_RESULTS = 1000;

/** The operation of an S3 Control request (all three are `GET`); undefined for any other. */
export function resolveS3ControlOperation(raw: RawRequest): string | undefined {
  if (raw.method !== 'GET') return undefined;
  return Object.hasOwn(ROUTES, raw.path) ? ROUTES[raw.path] : undefined;
}

/**
 * Creates the `s3-control` service over `runtime.config.s3.accessGrants`. The instance is resolved once;
 * the service keeps no other state.
 */
export const createS3ControlService: ServiceFactory = (runtime: EmulatorRuntime) => {
  const instance = resolveAccessGrants(runtime.config);
  return {
    service: 's3-control',
    protocol: 'restXml',
    xmlNamespace: S3_CONTROL_NAMESPACE,
    resolveOperation: resolveS3ControlOperation,
    // Every operation authorizes on the Access Grants instance ARN in its handler.
    iamRequests: () => [],
    handlers: {
      GetDataAccess: (ctx) => getDataAccess(ctx, instance),
      GetAccessGrantsInstanceForPrefix: (ctx) => instanceForPrefix(ctx, instance),
      ListCallerAccessGrants: (ctx) => listCallerAccessGrants(ctx, instance),
    },
  };
};

function instanceForPrefix(
  ctx: OperationContext<EmulatorRuntime>,
  instance: AccessGrantsInstance | undefined,
): RawReply {
  const { caller, inst } = openInstance(ctx, instance);
  const text = ctx.raw.query.s3prefix ?? '';
  const scope = text.length > 0 && text.length <= 2000 ? parseLocationScope(text) : undefined;
  if (!scope) {
    throw invalidRequest(
      'Invalid s3prefix: send an S3 URI such as s3://bucket/prefix/ (1 to 2000 characters).',
    );
  }
  authorizeOnInstance(ctx, ctx.state.authorize, caller, 's3:GetAccessGrantsInstanceForPrefix', inst);
  const covered = inst.locations.some((location) =>
    scope.bucket === undefined
      ? location.scope.bucket === undefined
      : locationCovers(location.scope, { bucket: scope.bucket, key: scope.prefix, prefix: true }),
  );
  if (!covered) {
    ctx.audit('denied', clip(text), 'no registered location covers the prefix');
    throw instanceNotFound('no registered location covers this prefix; register one that does');
  }
  ctx.audit('allowed', clip(text), `instance ${inst.id}`);
  return xmlReply(
    'GetAccessGrantsInstanceForPrefixResult',
    { AccessGrantsInstanceArn: inst.arn, AccessGrantsInstanceId: inst.id },
    S3_CONTROL_NAMESPACE,
  );
}

function listCallerAccessGrants(
  ctx: OperationContext<EmulatorRuntime>,
  instance: AccessGrantsInstance | undefined,
): RawReply {
  const { caller, inst } = openInstance(ctx, instance);
  const query = ctx.raw.query;
  // 0 means the default page: an empty page with a NextToken would never let a paginator end.
  const maxResults =
    intParam(query.maxResults, 'maxResults', 0, LIST_CALLER_GRANTS_MAX_RESULTS, 0) ||
    LIST_CALLER_GRANTS_MAX_RESULTS;
  const allowed = query.allowedByApplication;
  if (allowed !== undefined && allowed !== '' && allowed !== 'true' && allowed !== 'false') {
    throw invalidRequest('Invalid allowedByApplication: send true or false.');
  }
  const fragment = query.grantscope;
  if (fragment !== undefined && (!fragment.startsWith('s3://') || fragment.length > 2000)) {
    throw invalidRequest('Invalid grantscope: send the beginning of an S3 URI, starting with s3://.');
  }
  const offset = decodeToken(query.nextToken);
  authorizeOnInstance(ctx, ctx.state.authorize, caller, 's3:ListCallerAccessGrants', inst);
  // A scope fragment selects the grants under it and the grants it lies under. Grants carry no
  // application restriction here, so `allowedByApplication` filters nothing out.
  const grants = grantsOf(inst, callerGrantees(caller)).filter((grant) => {
    if (fragment === undefined || fragment === '') return true;
    const base = grant.targetText.endsWith('*') ? grant.targetText.slice(0, -1) : grant.targetText;
    return base.startsWith(fragment) || (grant.target.prefix && fragment.startsWith(base));
  });
  if (offset > grants.length)
    throw invalidRequest('Invalid nextToken: send a token from a previous response.');
  const page = grants.slice(offset, offset + maxResults);
  const next = offset + page.length < grants.length ? encodeToken(offset + page.length) : undefined;
  ctx.audit(
    'allowed',
    fragment ? clip(fragment) : inst.arn,
    `${page.length} of ${grants.length} grants listed`,
  );
  return xmlReply(
    'ListCallerAccessGrantsResult',
    {
      NextToken: next,
      CallerAccessGrantsList: xmlList(
        'AccessGrant',
        page.map((grant) => ({ Permission: grant.permission, GrantScope: grant.targetText })),
      ),
    },
    S3_CONTROL_NAMESPACE,
  );
}

const TOKEN_PREFIX = 'lcag1.';

function encodeToken(offset: number): string {
  return TOKEN_PREFIX + Buffer.from(String(offset)).toString('base64url');
}

function decodeToken(token: string | undefined): number {
  if (token === undefined || token === '') return 0;
  const text = token.startsWith(TOKEN_PREFIX)
    ? Buffer.from(token.slice(TOKEN_PREFIX.length), 'base64url').toString()
    : '';
  if (!/^\d{1,9}$/.test(text))
    throw invalidRequest('Invalid nextToken: send a token from a previous response.');
  return Number(text);
}
