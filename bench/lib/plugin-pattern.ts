/**
 * The credential resolution of AWS's trusted identity propagation plugin for the SDK, rebuilt with the
 * real SDK clients: every resolution calls AssumeRoleWithWebIdentity with the user's JWT (into the
 * application role), CreateTokenWithIAM with that JWT signed by the application role, and AssumeRole into
 * the access role with the returned identity context. Nothing is cached between resolutions.
 */
import { CreateTokenWithIAMCommand, SSOOIDCClient } from '@aws-sdk/client-sso-oidc';
import { AssumeRoleCommand, AssumeRoleWithWebIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { EmulatorConfigInput } from '../../src/emulator/config/types.js';
import type { RunningEmulator } from '../../src/emulator/start.js';
import { ACCESS_ROLE, CONTEXT_PROVIDER, JWT_BEARER, WEB_IDENTITY_ROLE } from './emulator-fixture.js';

/**
 * `config` with the web-identity role allowed to do what the plugin does: call CreateTokenWithIAM as an
 * actor of the application and assume the access role with a context.
 */
export function allowPluginPattern(config: EmulatorConfigInput): EmulatorConfigInput {
  const roles = config.roles.map((r) =>
    r.arn === ACCESS_ROLE
      ? {
          ...r,
          trustPolicy: [
            ...r.trustPolicy,
            {
              Effect: 'Allow' as const,
              Principal: { AWS: WEB_IDENTITY_ROLE },
              Action: ['sts:AssumeRole', 'sts:SetContext'],
            },
          ],
        }
      : r.arn === WEB_IDENTITY_ROLE
        ? {
            ...r,
            permissions: [
              ...(r.permissions ?? []),
              { Effect: 'Allow' as const, Action: ['sts:AssumeRole', 'sts:SetContext'], Resource: '*' },
            ],
          }
        : r,
  );
  const applications = config.identityCenter.applications?.map((a) => ({
    ...a,
    actorPrincipals: [...(a.actorPrincipals ?? []), WEB_IDENTITY_ROLE],
  }));
  return {
    ...config,
    roles,
    identityCenter: { ...config.identityCenter, applications },
  } as EmulatorConfigInput;
}

/** A resolver doing the plugin's three calls for one JWT. */
export function pluginResolver(emu: RunningEmulator, applicationArn: string): (jwt: string) => Promise<void> {
  const { credentials: _own, ...base } = emu.clientConfig({ service: 'sts' });
  const anonymous = new STSClient({
    ...base,
    maxAttempts: 1,
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
  let n = 0;
  return async (jwt) => {
    const web = await anonymous.send(
      new AssumeRoleWithWebIdentityCommand({
        RoleArn: WEB_IDENTITY_ROLE,
        RoleSessionName: `plugin-${n++}`,
        WebIdentityToken: jwt,
      }),
    );
    const c = web.Credentials!;
    const credentials = {
      accessKeyId: c.AccessKeyId!,
      secretAccessKey: c.SecretAccessKey!,
      sessionToken: c.SessionToken!,
    };
    const ssoOidc = new SSOOIDCClient({ ...base, maxAttempts: 1, credentials });
    const sts = new STSClient({ ...base, maxAttempts: 1, credentials });
    try {
      const idc = await ssoOidc.send(
        new CreateTokenWithIAMCommand({ clientId: applicationArn, grantType: JWT_BEARER, assertion: jwt }),
      );
      await sts.send(
        new AssumeRoleCommand({
          RoleArn: ACCESS_ROLE,
          RoleSessionName: `plugin-${n++}`,
          ProvidedContexts: [
            { ProviderArn: CONTEXT_PROVIDER, ContextAssertion: idc.awsAdditionalDetails?.identityContext },
          ],
        }),
      );
    } finally {
      ssoOidc.destroy();
      sts.destroy();
    }
  };
}
