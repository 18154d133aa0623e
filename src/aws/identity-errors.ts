/**
 * Codes and advice for the sso-oidc and STS errors of PROTOCOL.md §1–§2. Used only by `map-error.ts`, the
 * one place where AWS errors become TipErrors.
 *
 * @module
 */
import type { TipErrorCode } from '../errors.js';
import type { AwsCallSite } from './map-error.js';

/** A code and the advice for it. */
export interface Mapping {
  readonly code: TipErrorCode;
  readonly message: string;
}

/** The mapping of an sso-oidc `CreateTokenWithIAM` error code, if it has a specific one. */
export function idcMapping(name: string, site: AwsCallSite): Mapping | undefined {
  const app = site.applicationArn ?? 'the application';
  switch (name) {
    case 'InvalidGrantException':
      return {
        code: 'ERR_IDC_INVALID_GRANT',
        message:
          'IAM Identity Center rejected the grant. Check that the trusted token issuer matches the JWT issuer, that the audience is authorized on the application, that the mapped claim matches exactly one user, and that the token is unexpired.',
      };
    case 'AccessDeniedException':
      return {
        code: 'ERR_IDC_ACCESS_DENIED',
        message: `IAM Identity Center denied the exchange. Is the user assigned to the application ${app} (AssignmentRequired), and does the application's ActorPolicy allow the calling principal?`,
      };
    case 'InvalidClientException':
      return {
        code: 'ERR_IDC_INVALID_CLIENT',
        message: `IAM Identity Center does not know the application ${app}: check \`applicationArn\` and the region.`,
      };
    case 'UnauthorizedClientException':
      return {
        code: 'ERR_IDC_UNAUTHORIZED_CLIENT',
        message: `The application ${app} is not authorized for this grant: enable the grant on the application.`,
      };
    case 'UnsupportedGrantTypeException':
      return {
        code: 'ERR_IDC_UNSUPPORTED_GRANT_TYPE',
        message: `The application ${app} does not support this grant type: add the grant to the application.`,
      };
    case 'InvalidScopeException':
      return {
        code: 'ERR_IDC_INVALID_SCOPE',
        message: `A requested scope is not configured on the application ${app}: fix \`scopes\` or the application.`,
      };
    case 'InvalidRequestException':
      return {
        code: 'ERR_IDC_INVALID_REQUEST',
        message:
          'IAM Identity Center found the request malformed (see details.reason; KMS_* reasons concern the instance key).',
      };
    case 'InvalidRequestRegionException':
      return {
        code: 'ERR_IDC_WRONG_REGION',
        message:
          'IAM Identity Center must be called in another region: set `region` to details.region (or use details.endpoint).',
      };
    case 'ExpiredTokenException':
      return {
        code: 'ERR_IDC_EXPIRED_TOKEN',
        message: 'The IAM Identity Center refresh or subject token has expired: exchange a fresh JWT.',
      };
    case 'AuthorizationPendingException':
      return {
        code: 'ERR_IDC_INVALID_GRANT',
        message:
          'IAM Identity Center reports the authorization as still pending: complete the sign-in first.',
      };
    default:
      return undefined;
  }
}

/** The mapping of an STS error code, if it has a specific one. */
export function stsMapping(name: string, site: AwsCallSite): Mapping | undefined {
  const role = site.roleArn ?? 'the role';
  const webIdentity = site.operation === 'AssumeRoleWithWebIdentity';
  switch (name) {
    case 'AccessDenied':
    case 'AccessDeniedException':
      return {
        code: 'ERR_STS_ACCESS_DENIED',
        message: webIdentity
          ? `STS denied AssumeRoleWithWebIdentity on ${role}: its trust policy must trust the JWT issuer (IAM OIDC provider) and audience.`
          : `STS denied AssumeRole on ${role}: its trust policy must allow both sts:AssumeRole and sts:SetContext for the calling principal.`,
      };
    case 'InvalidIdentityToken':
    case 'IDPRejectedClaim':
    case 'IDPCommunicationError':
      return {
        code: 'ERR_STS_ACCESS_DENIED',
        message: `STS refused the JWT for ${role}: register the issuer as an IAM OIDC provider with this audience.`,
      };
    case 'ExpiredTokenException':
      return webIdentity
        ? {
            code: 'ERR_STS_ACCESS_DENIED',
            message: 'STS refused an expired JWT for AssumeRoleWithWebIdentity: present a fresh token.',
          }
        : {
            code: 'ERR_STS_CONTEXT_REJECTED',
            message:
              'STS rejected the identity context as expired: the IAM Identity Center token must be exchanged again.',
          };
    case 'InvalidContextAssertion':
    case 'InvalidContextAssertionException':
      return {
        code: 'ERR_STS_CONTEXT_REJECTED',
        message:
          'STS rejected the identity context (malformed, expired or from an untrusted provider): exchange the JWT with IAM Identity Center again and retry.',
      };
    case 'InvalidParameterValue':
    case 'ValidationError':
    case 'MalformedPolicyDocument':
    case 'PackedPolicyTooLarge':
      return {
        code: 'ERR_STS_CONTEXT_REJECTED',
        message:
          'STS rejected a parameter of AssumeRole (identity context, session name, duration or tags): check the role settings.',
      };
    case 'RegionDisabledException':
      return {
        code: 'ERR_STS_ACCESS_DENIED',
        message: 'STS is not activated in this region for the account: activate it or use another region.',
      };
    default:
      return undefined;
  }
}
