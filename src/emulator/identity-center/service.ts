/**
 * The sso-oidc service of the emulator (signing name `sso-oauth`, restJson1): `CreateTokenWithIAM` at
 * `POST /token?aws_iam=t` with the jwt-bearer, refresh_token, token-exchange and authorization_code grants,
 * and IdC's own sign-in for public clients (`RegisterClient`, `CreateToken`, and the `/authorize` page).
 */
import type {
  Caller,
  EmulatorRuntime,
  OperationContext,
  RawRequest,
  ServiceFactory,
  ServiceModule,
} from '../core/types.js';
import { AwsServiceError } from '../core/types.js';
import { type Application, findApplication } from './directory.js';
import { oidcError } from './errors.js';
import {
  AUTHORIZATION_CODE_GRANT,
  type AuthorizationCodeRequest,
  authorizationCodeGrant,
  createAuthorizationCode,
} from './grants/authorization-code.js';
import { JWT_BEARER_GRANT, jwtBearerGrant } from './grants/jwt-bearer.js';
import { REFRESH_TOKEN_GRANT, refreshTokenGrant } from './grants/refresh-token.js';
import { TOKEN_EXCHANGE_GRANT, tokenExchangeGrant } from './grants/token-exchange.js';
import { createIdTokenSigner } from './id-token.js';
import type { CreateTokenWithIamOutput } from './issue.js';
import { IssuerKeys } from './issuer-keys.js';
import { type GrantRequest, type SsoOidcState, stringMember } from './request.js';
import { createToken, registerClient } from './public-clients.js';
import { TokenStore, type TokenStoreOptions } from './tokens.js';

/** The IAM action `CreateTokenWithIAM` needs. */
export const CREATE_TOKEN_WITH_IAM_ACTION = 'sso-oauth:CreateTokenWithIAM';

const GRANTS: Readonly<Record<string, (req: GrantRequest) => Promise<CreateTokenWithIamOutput>>> = {
  [JWT_BEARER_GRANT]: jwtBearerGrant,
  [REFRESH_TOKEN_GRANT]: refreshTokenGrant,
  [TOKEN_EXCHANGE_GRANT]: tokenExchangeGrant,
  [AUTHORIZATION_CODE_GRANT]: authorizationCodeGrant,
};

/** The sso-oidc service module, plus the emulator-only authorize step. */
export interface SsoOidcServiceModule extends ServiceModule {
  /**
   * Emulator-only: issues an authorization code as if the user signed in at IdC (see
   * {@link AuthorizationCodeRequest}). Redeem it with `CreateTokenWithIAM` `authorization_code`.
   */
  issueAuthorizationCode(request: AuthorizationCodeRequest): string;
}

const states = new WeakMap<EmulatorRuntime, SsoOidcState>();

/**
 * Emulator-only: issues an authorization code on the sso-oidc service running on `runtime`.
 *
 * @throws TypeError when no sso-oidc service was created for `runtime`, or the request names an unknown
 *   application, user or redirect URI, or an unassigned user.
 */
export function issueAuthorizationCode(runtime: EmulatorRuntime, request: AuthorizationCodeRequest): string {
  const state = states.get(runtime);
  if (!state) throw new TypeError('issueAuthorizationCode: no sso-oidc service runs on this emulator');
  return createAuthorizationCode(state, request);
}

/** The sso-oidc state running on `runtime` (its token store and issuer keys), if a service was created. */
export function ssoOidcStateOf(runtime: EmulatorRuntime): SsoOidcState | undefined {
  return states.get(runtime);
}

/**
 * Routes `POST /token?aws_iam=t` to `CreateTokenWithIAM`, `POST /token` to `CreateToken` and
 * `POST /client/register` to `RegisterClient`.
 */
export function resolveSsoOidcOperation(raw: RawRequest): string | undefined {
  const path = raw.path.replace(/\/+$/, '');
  if (raw.method !== 'POST') return undefined;
  if (path === '/token') return raw.query.aws_iam === 't' ? 'CreateTokenWithIAM' : 'CreateToken';
  return path === '/client/register' ? 'RegisterClient' : undefined;
}

/** Whether the application's ActorPolicy lets `caller` call CreateTokenWithIAM. */
function actorAllowed(runtime: EmulatorRuntime, app: Application, caller: Caller): boolean {
  if (!app.actorPrincipals) return caller.accountId === runtime.config.accountId;
  return app.actorPrincipals.some(
    (p) =>
      p === '*' || p === caller.arn || p === caller.roleArn || p === `arn:aws:iam::${caller.accountId}:root`,
  );
}

function shown(value: string): string {
  return value.length > 200 ? `${value.slice(0, 200)}…` : value;
}

async function createTokenWithIam(
  state: SsoOidcState,
  ctx: OperationContext<EmulatorRuntime>,
): Promise<CreateTokenWithIamOutput> {
  const { runtime } = state;
  const clientId = stringMember(ctx.input, 'clientId', true);
  const grantType = stringMember(ctx.input, 'grantType', true);
  const app = findApplication(runtime.config, clientId);
  if (!app)
    throw oidcError(
      'InvalidClientException',
      'Invalid client: clientId is not an application ARN of this instance',
    );
  const caller = ctx.caller;
  if (!caller) throw oidcError('AccessDeniedException', 'The request must be signed with AWS credentials');
  const decision = runtime.authorize(caller, CREATE_TOKEN_WITH_IAM_ACTION, app.arn);
  if (!decision.allowed) {
    throw oidcError(
      'AccessDeniedException',
      `${caller.arn} is not authorized to perform ${CREATE_TOKEN_WITH_IAM_ACTION}`,
    );
  }
  if (!actorAllowed(runtime, app, caller)) {
    throw oidcError('AccessDeniedException', `The application's actor policy does not allow ${caller.arn}`);
  }
  const grant = Object.hasOwn(GRANTS, grantType) ? GRANTS[grantType] : undefined;
  if (!grant)
    throw oidcError(
      'UnsupportedGrantTypeException',
      `Unsupported grant type: ${JSON.stringify(shown(grantType))}`,
    );
  return grant({ state, ctx, app, now: ctx.now });
}

/**
 * Creates the sso-oidc service for `runtime`.
 *
 * @returns A {@link SsoOidcServiceModule}: service `sso-oauth`, protocol restJson1, one operation.
 */
export const createSsoOidcService: ServiceFactory = async (runtime) => createSsoOidcModule(runtime);

/**
 * The sso-oidc service with other token retention limits, for `startEmulator(config, { services:
 * { 'sso-oauth': ssoOidcService({ maxTokens: 1_000_000 }) } })`.
 *
 * @param options - Retention limits; see {@link TokenStoreOptions} for the defaults.
 * @throws TypeError when a limit is not a positive integer.
 */
export function ssoOidcService(options: TokenStoreOptions): ServiceFactory {
  new TokenStore(options); // validate now, not at start-up
  return async (runtime) => createSsoOidcModule(runtime, options);
}

/** Same as {@link createSsoOidcService}, typed with the emulator-only extras. */
export async function createSsoOidcModule(
  runtime: EmulatorRuntime,
  options: TokenStoreOptions = {},
): Promise<SsoOidcServiceModule> {
  const state: SsoOidcState = {
    runtime,
    tokens: new TokenStore(options),
    issuerKeys: new IssuerKeys(runtime.fetch, () => runtime.now()),
    signer: await createIdTokenSigner(),
  };
  states.set(runtime, state);
  return {
    service: 'sso-oauth',
    protocol: 'restJson1',
    resolveOperation: resolveSsoOidcOperation,
    // CreateTokenWithIAM authorizes on the application ARN once it has found the application.
    iamRequests: (operation) => (operation === 'CreateTokenWithIAM' ? [] : undefined),
    handlers: {
      CreateTokenWithIAM: async (ctx) => {
        const clientId = typeof ctx.input.clientId === 'string' ? shown(ctx.input.clientId) : '(none)';
        const grantType = typeof ctx.input.grantType === 'string' ? shown(ctx.input.grantType) : '(none)';
        try {
          const output = await createTokenWithIam(state, ctx);
          ctx.audit('allowed', clientId, `${grantType} granted`);
          return output;
        } catch (error) {
          if (error instanceof AwsServiceError) {
            ctx.audit('denied', clientId, `${grantType}: ${error.code}: ${error.message}`);
            throw error;
          }
          ctx.audit('denied', clientId, `${grantType}: internal error`);
          throw oidcError('InternalServerException', 'An internal error occurred');
        }
      },
      // IdC's own sign-in for public clients (unsigned): see public-clients.ts.
      RegisterClient: async (ctx) => registerClient(runtime, ctx),
      CreateToken: async (ctx) => createToken(runtime, state.tokens, ctx),
    },
    issueAuthorizationCode: (request) => createAuthorizationCode(state, request),
  };
}
