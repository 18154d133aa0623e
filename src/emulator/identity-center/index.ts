/**
 * The emulated IAM Identity Center: sso-oidc `CreateTokenWithIAM` and the identity context STS consumes.
 */
export {
  IDENTITY_CONTEXT_MAX_LENGTH,
  IDENTITY_CONTEXT_MIN_LENGTH,
  issueIdentityContext,
  verifyIdentityContext,
} from './context.js';
export type { IdentityContextFailure, IdentityContextVerification } from './context.js';
export type { AuthorizationCodeRequest } from './grants/authorization-code.js';
export type { CreateTokenWithIamOutput } from './issue.js';
export {
  CREATE_TOKEN_WITH_IAM_ACTION,
  createSsoOidcModule,
  createSsoOidcService,
  issueAuthorizationCode,
  resolveSsoOidcOperation,
} from './service.js';
export type { SsoOidcServiceModule } from './service.js';
