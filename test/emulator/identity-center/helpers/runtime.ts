import type { EmulatorConfig } from '../../../../src/emulator/config/types.js';
import type { Caller } from '../../../../src/emulator/core/types.js';
import {
  ACCOUNT,
  APP_ARN,
  INSTANCE_ARN,
  STORE_ID,
  baseConfig,
  resolvedUser,
} from '../../support/identities.js';
import { type ClockedRuntime, clockedRuntime } from '../../support/runtime.js';

export { ACCOUNT, APP_ARN, INSTANCE_ARN, STORE_ID };
export const OTHER_APP_ARN = `arn:aws:sso::${ACCOUNT}:application/ssoins-1111222233334444/apl-eeeeffff00001111`;
export const NO_JWT_APP_ARN = `arn:aws:sso::${ACCOUNT}:application/ssoins-1111222233334444/apl-2222333344445555`;
export const AUDIENCE = 'tip-sdk-demo';

export type ResolvedApplication = EmulatorConfig['identityCenter']['applications'][number];
export type ResolvedIssuer = EmulatorConfig['identityCenter']['trustedTokenIssuers'][number];

/** A resolved application with defaults filled as validation would. */
export function app(arn: string, over: Partial<ResolvedApplication> = {}): ResolvedApplication {
  return {
    arn,
    name: arn.slice(arn.lastIndexOf('/') + 1),
    refreshToken: true,
    scopes: ['openid', 'aws', 'sts:identity_context', 'redshift:connect'],
    assignmentRequired: true,
    assignments: { users: ['alice'], groups: ['analysts'] },
    tokenLifetimeSeconds: 3600,
    refreshTokenLifetimeSeconds: 86400,
    tags: {},
    ...over,
  };
}

/** A resolved configuration: three users (carol and dave share an email), groups, one TTI, three apps. */
export function testConfig(
  issuerUrl: string,
  over: {
    applications?: ResolvedApplication[];
    issuers?: ResolvedIssuer[];
    groups?: EmulatorConfig['identityCenter']['groups'];
    users?: EmulatorConfig['identityCenter']['users'];
  } = {},
): EmulatorConfig {
  const base = baseConfig();
  return baseConfig({
    identityCenter: {
      ...base.identityCenter,
      users: over.users ?? [
        resolvedUser('alice'),
        resolvedUser('bob'),
        resolvedUser('carol', { email: 'shared@example.com' }),
        resolvedUser('dave', { email: 'shared@example.com', groups: ['analysts'] }),
      ],
      groups: over.groups ?? base.identityCenter.groups,
      trustedTokenIssuers: over.issuers ?? [
        {
          name: 'idp',
          arn: `arn:aws:sso::${ACCOUNT}:trustedTokenIssuer/ssoins-1111222233334444/tti-idp`,
          issuerUrl,
          claimAttributePath: 'email',
          identityStoreAttributePath: 'emails.value',
        },
      ],
      applications: over.applications ?? [
        app(APP_ARN, {
          jwtBearer: { authorizedTokenIssuers: [{ tokenIssuer: 'idp', audiences: [AUDIENCE] }] },
          tokenExchange: { fromApplications: [OTHER_APP_ARN] },
          authorizationCode: { redirectUris: ['http://127.0.0.1:7890/callback'] },
        }),
        app(OTHER_APP_ARN, {
          jwtBearer: { authorizedTokenIssuers: [{ tokenIssuer: 'idp', audiences: [AUDIENCE] }] },
          assignmentRequired: false,
          refreshToken: false,
        }),
        app(NO_JWT_APP_ARN, { assignmentRequired: false }),
      ],
    },
  });
}

export type TestRuntime = ClockedRuntime;

/** A runtime over `config` with a controllable clock (starting now) and an allow-all authorizer. */
export function testRuntime(
  config: EmulatorConfig,
  opts: { idpIssuer?: string; fetch?: typeof fetch } = {},
): TestRuntime {
  return clockedRuntime(config, { now: Date.now(), ...opts });
}

/** The default caller: an IAM user of the instance account. */
export const CALLER: Caller = {
  accessKeyId: 'AKIDSERVICE',
  accountId: ACCOUNT,
  kind: 'iam-user',
  arn: `arn:aws:iam::${ACCOUNT}:user/service`,
};
