/** The STS service module (awsQuery): AssumeRole, AssumeRoleWithWebIdentity, GetCallerIdentity. */
import { SERVICE_PROFILES } from '../core/profiles.js';
import { AwsServiceError, type EmulatorRuntime, type ServiceModule } from '../core/types.js';
import { verifyIdentityContext } from '../identity-center/context.js';
import { type ContextPolicy, assumeRoleHandler } from './assume-role.js';
import { callerUserId } from './identifiers.js';
import { createIssuerKeys } from './oidc-keys.js';
import { assumeRoleWithWebIdentityHandler } from './web-identity.js';

/** Options of {@link createStsService}. */
export interface StsServiceOptions {
  /** Verifies `ProvidedContexts` assertions. Default: the emulator's IdC `verifyIdentityContext`. */
  readonly verifyContext?: ContextPolicy['verify'];
  /** Error code for an expired context assertion. Default `InvalidContextAssertion`. */
  readonly expiredContextError?: ContextPolicy['expiredError'];
}

/** Creates the STS module. */
export function createStsService(runtime: EmulatorRuntime, options: StsServiceOptions = {}): ServiceModule {
  const policy: ContextPolicy = {
    verify: options.verifyContext ?? verifyIdentityContext,
    expiredError:
      options.expiredContextError ?? runtime.config.sts?.expiredContextError ?? 'InvalidContextAssertion',
  };
  const keys = createIssuerKeys(runtime.fetch);
  return {
    service: 'sts',
    protocol: 'awsQuery',
    xmlNamespace: SERVICE_PROFILES.sts.xmlNamespace,
    // AssumeRole authorizes on the role ARN itself. GetCallerIdentity keeps the default request: it needs
    // no permission (always allowed) but its decision is audited like any call.
    iamRequests: (operation) => (operation === 'GetCallerIdentity' ? undefined : []),
    handlers: {
      AssumeRole: assumeRoleHandler(policy),
      AssumeRoleWithWebIdentity: assumeRoleWithWebIdentityHandler(keys),
      GetCallerIdentity: (ctx) => {
        const caller = ctx.caller;
        if (!caller)
          throw new AwsServiceError(
            'MissingAuthenticationToken',
            'Request is missing Authentication Token',
            403,
          );
        return { UserId: callerUserId(caller), Account: caller.accountId, Arn: caller.arn };
      },
    },
  };
}
