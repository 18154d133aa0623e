/**
 * The emulated sso-admin (IAM Identity Center administration, awsJson1_1, target prefix
 * `SWBExternalService`, signing name `sso`), read-only: the calls a setup check makes —
 * `ListInstances`, `DescribeTrustedTokenIssuer`, `GetApplicationGrant`,
 * `GetApplicationAssignmentConfiguration`, `ListApplicationAssignments` and
 * `ListApplicationAssignmentsForPrincipal` — answered from `identityCenter` of the configuration. Only the
 * account's administrators may call them ({@link requireAdmin}).
 */
import type { EmulatorConfig } from '../config/types.js';
import {
  AwsServiceError,
  type EmulatorRuntime,
  type JsonMemberType,
  type OperationContext,
  type ServiceFactory,
  type ServiceModule,
} from '../core/types.js';
import { findApplication, findUserById } from '../identity-center/directory.js';
import { invalid, page, pageOf, requireAdmin, stringMember } from './admin-access.js';

type Ctx = OperationContext<EmulatorRuntime>;
type IdentityCenter = EmulatorConfig['identityCenter'];

const INSTANCE_ARN =
  /^arn:(aws|aws-us-gov|aws-cn|aws-iso|aws-iso-b):sso:::instance\/(sso)?ins-[a-zA-Z0-9-.]{16}$/;
const APPLICATION_ARN =
  /^arn:(aws|aws-us-gov|aws-cn|aws-iso|aws-iso-b):sso::\d{12}:application\/(sso)?ins-[a-zA-Z0-9-.]{16}\/apl-[a-zA-Z0-9]{16}$/;
const TTI_ARN =
  /^arn:(aws|aws-us-gov|aws-cn|aws-iso|aws-iso-b):sso::\d{12}:trustedTokenIssuer\/(sso)?ins-[a-zA-Z0-9-.]{16}\/tti-[a-zA-Z0-9-]{1,64}$/;
/** The model's ids are UUIDs (optionally `<10 hex>-`-prefixed); the emulator's configured ids are plain ids. */
export const PRINCIPAL_ID = /^[A-Za-z0-9_-]{1,47}$/;
const GRANT_TYPES = new Set([
  'authorization_code',
  'refresh_token',
  'urn:ietf:params:oauth:grant-type:jwt-bearer',
  'urn:ietf:params:oauth:grant-type:token-exchange',
]);

function notFound(message: string): AwsServiceError {
  return new AwsServiceError('ResourceNotFoundException', message, 400);
}

function application(ctx: Ctx, action: string) {
  const arn = stringMember(ctx.input, 'ApplicationArn', APPLICATION_ARN);
  requireAdmin(ctx, action, arn);
  const app = findApplication(ctx.state.config, arn);
  if (app === undefined) throw notFound(`Application ${arn} does not exist.`);
  return app;
}

function listInstances(ctx: Ctx) {
  const ic = ctx.state.config.identityCenter;
  requireAdmin(ctx, 'sso:ListInstances', ic.instanceArn);
  page(ctx.input);
  return {
    Instances: [
      {
        InstanceArn: ic.instanceArn,
        IdentityStoreId: ic.identityStoreId,
        OwnerAccountId: ctx.state.config.accountId,
        Status: 'ACTIVE',
      },
    ],
  };
}

function describeTrustedTokenIssuer(ctx: Ctx) {
  const arn = stringMember(ctx.input, 'TrustedTokenIssuerArn', TTI_ARN);
  requireAdmin(ctx, 'sso:DescribeTrustedTokenIssuer', arn);
  const tti = ctx.state.config.identityCenter.trustedTokenIssuers.find((t) => t.arn === arn);
  if (tti === undefined) throw notFound(`Trusted token issuer ${arn} does not exist.`);
  return {
    TrustedTokenIssuerArn: tti.arn,
    Name: tti.name,
    TrustedTokenIssuerType: 'OIDC_JWT',
    TrustedTokenIssuerConfiguration: {
      OidcJwtConfiguration: {
        IssuerUrl: tti.issuerUrl,
        ClaimAttributePath: tti.claimAttributePath,
        IdentityStoreAttributePath: tti.identityStoreAttributePath,
        JwksRetrievalOption: 'OPEN_ID_DISCOVERY',
      },
    },
  };
}

function getApplicationGrant(ctx: Ctx) {
  const grantType = ctx.input.GrantType;
  const app = application(ctx, 'sso:GetApplicationGrant');
  if (typeof grantType !== 'string' || !GRANT_TYPES.has(grantType))
    throw invalid('GrantType', `must be one of ${[...GRANT_TYPES].join(', ')}`);
  const missing = () => notFound(`Grant ${grantType} is not configured for application ${app.arn}.`);
  const ic = ctx.state.config.identityCenter;
  switch (grantType) {
    case 'urn:ietf:params:oauth:grant-type:jwt-bearer': {
      if (app.jwtBearer === undefined) throw missing();
      return {
        Grant: {
          JwtBearer: {
            AuthorizedTokenIssuers: app.jwtBearer.authorizedTokenIssuers.map((entry) => ({
              TrustedTokenIssuerArn: ic.trustedTokenIssuers.find((t) => t.name === entry.tokenIssuer)?.arn,
              AuthorizedAudiences: [...entry.audiences],
            })),
          },
        },
      };
    }
    case 'refresh_token':
      if (!app.refreshToken) throw missing();
      return { Grant: { RefreshToken: {} } };
    case 'authorization_code':
      if (app.authorizationCode === undefined) throw missing();
      return { Grant: { AuthorizationCode: { RedirectUris: [...app.authorizationCode.redirectUris] } } };
    default:
      if (app.tokenExchange === undefined) throw missing();
      return { Grant: { TokenExchange: {} } };
  }
}

/** The application's assignments as sso-admin lists them: users, then groups, by id. */
function assignmentsOf(ic: IdentityCenter, app: IdentityCenter['applications'][number]) {
  const users = (app.assignments.users ?? []).flatMap((name) => {
    const user = ic.users.find((u) => u.userName === name);
    return user === undefined ? [] : [{ PrincipalId: user.userId, PrincipalType: 'USER' }];
  });
  const groups = (app.assignments.groups ?? []).flatMap((name) => {
    const group = ic.groups.find((g) => g.name === name);
    return group === undefined ? [] : [{ PrincipalId: group.groupId, PrincipalType: 'GROUP' }];
  });
  return [...users, ...groups].map((a) => ({ ApplicationArn: app.arn, ...a }));
}

function listApplicationAssignments(ctx: Ctx) {
  const app = application(ctx, 'sso:ListApplicationAssignments');
  const { items, ...next } = pageOf(assignmentsOf(ctx.state.config.identityCenter, app), page(ctx.input));
  return { ApplicationAssignments: items, ...next };
}

function listApplicationAssignmentsForPrincipal(ctx: Ctx) {
  const ic = ctx.state.config.identityCenter;
  const instanceArn = stringMember(ctx.input, 'InstanceArn', INSTANCE_ARN);
  const principalId = stringMember(ctx.input, 'PrincipalId', PRINCIPAL_ID, 47);
  const type = ctx.input.PrincipalType;
  if (type !== 'USER' && type !== 'GROUP') throw invalid('PrincipalType', 'must be USER or GROUP');
  const filter = ctx.input.Filter;
  if (filter !== undefined && (typeof filter !== 'object' || filter === null || Array.isArray(filter)))
    throw invalid('Filter', 'must be a structure');
  const only = (filter as { ApplicationArn?: unknown } | undefined)?.ApplicationArn;
  if (only !== undefined && (typeof only !== 'string' || !APPLICATION_ARN.test(only)))
    throw invalid('Filter.ApplicationArn', `must satisfy the pattern ${APPLICATION_ARN.source}`);
  const paging = page(ctx.input);
  requireAdmin(ctx, 'sso:ListApplicationAssignmentsForPrincipal', instanceArn);
  if (instanceArn !== ic.instanceArn) throw notFound(`Instance ${instanceArn} does not exist.`);
  if (type === 'USER' && findUserById(ctx.state.config, principalId) === undefined)
    throw notFound(`User ${principalId} does not exist.`);
  const all = ic.applications
    .filter((app) => only === undefined || app.arn === only)
    .flatMap((app) => assignmentsOf(ic, app))
    .filter((a) => a.PrincipalId === principalId && a.PrincipalType === type);
  const { items, ...next } = pageOf(all, paging);
  return { ApplicationAssignments: items, ...next };
}

const LIST_PAGE = { MaxResults: 'integer', NextToken: 'string' } as const;

/** Top-level input member types of the operations served (from the sso-admin service model). */
export const SSO_ADMIN_INPUT_SHAPES: Readonly<Record<string, Readonly<Record<string, JsonMemberType>>>> = {
  ListInstances: LIST_PAGE,
  DescribeTrustedTokenIssuer: { TrustedTokenIssuerArn: 'string' },
  GetApplicationGrant: { ApplicationArn: 'string', GrantType: 'string' },
  GetApplicationAssignmentConfiguration: { ApplicationArn: 'string' },
  ListApplicationAssignments: { ApplicationArn: 'string', ...LIST_PAGE },
  ListApplicationAssignmentsForPrincipal: {
    InstanceArn: 'string',
    PrincipalId: 'string',
    PrincipalType: 'string',
    Filter: 'structure',
    ...LIST_PAGE,
  },
};

/** Creates the sso-admin service module. */
export const createSsoAdminService: ServiceFactory = (): ServiceModule => ({
  service: 'sso',
  protocol: 'awsJson1_1',
  inputShapes: SSO_ADMIN_INPUT_SHAPES,
  // Each handler authorizes itself: only the account's administrators, on the resource it names.
  iamRequests: () => [],
  handlers: {
    ListInstances: listInstances,
    DescribeTrustedTokenIssuer: describeTrustedTokenIssuer,
    GetApplicationGrant: getApplicationGrant,
    GetApplicationAssignmentConfiguration: (ctx) => ({
      AssignmentRequired: application(ctx, 'sso:GetApplicationAssignmentConfiguration').assignmentRequired,
    }),
    ListApplicationAssignments: listApplicationAssignments,
    ListApplicationAssignmentsForPrincipal: listApplicationAssignmentsForPrincipal,
  },
});
