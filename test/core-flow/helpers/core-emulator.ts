/**
 * The emulator of the core-flow tests (sso-oidc and STS only), with no test-runner dependency, so the
 * replica processes and the benchmarks start the very same one.
 */
import type { EmulatorConfigInput } from '../../../src/emulator/config/types.js';
import { startEmulator } from '../../../src/emulator/start.js';
import type { RunningEmulator } from '../../../src/emulator/start.js';

export const ACCOUNT = '123456789012';
const INSTANCE = 'ssoins-1111222233334444';
/** jwt-bearer app; refresh answers carry no identity context (set explicitly: the reading is open). */
export const APP = `arn:aws:sso::${ACCOUNT}:application/${INSTANCE}/apl-aaaabbbbccccdddd`;
/** The same app, except that its refresh answers carry an identity context. */
export const APP_REFRESH_CONTEXT = `arn:aws:sso::${ACCOUNT}:application/${INSTANCE}/apl-eeeeffff00001111`;
export const ACCESS_ROLE = `arn:aws:iam::${ACCOUNT}:role/analytics`;
export const NO_SETCONTEXT_ROLE = `arn:aws:iam::${ACCOUNT}:role/no-setcontext`;
export const APPLICATION_ROLE = `arn:aws:iam::${ACCOUNT}:role/application`;
export const USERS = Array.from({ length: 8 }, (_, i) => `user${i}`);
/** Users for the counting tests; their tokens are minted with `idp.signToken` (no scripted login). */
export const BULK_USERS = Array.from({ length: 100 }, (_, i) => `bulk${i}`);

/** The audience the applications authorize. */
export const AUDIENCE = 'tip-sdk-demo';
const audience = AUDIENCE;
const serviceArn = `arn:aws:iam::${ACCOUNT}:user/service`;

export const emulatorConfig: EmulatorConfigInput = {
  accountId: ACCOUNT,
  // JWTs outlive the 1 h IdC tokens so that tests can move the emulator clock past their expiry.
  idp: { audience, accessTokenTtlSeconds: 7200 },
  identityCenter: {
    instanceArn: `arn:aws:sso:::instance/${INSTANCE}`,
    identityStoreId: 'd-1234567890',
    users: [
      ...[...USERS, ...BULK_USERS].map((u) => ({
        userName: u,
        email: `${u}@example.com`,
        groups: ['analysts'],
      })),
      { userName: 'outsider', email: 'outsider@example.com' },
    ],
    groups: [{ name: 'analysts' }],
    trustedTokenIssuers: [{ name: 'idp', issuerUrl: 'idp' }],
    applications: [APP, APP_REFRESH_CONTEXT].map((arn) => ({
      arn,
      jwtBearer: { authorizedTokenIssuers: [{ tokenIssuer: 'idp', audiences: [audience] }] },
      assignments: { groups: ['analysts'] },
      refreshTokenLifetimeSeconds: 7200,
      refreshReturnsIdentityContext: arn === APP_REFRESH_CONTEXT,
    })),
  },
  roles: [
    {
      arn: ACCESS_ROLE,
      trustPolicy: [
        {
          Effect: 'Allow',
          Principal: { AWS: [serviceArn, APPLICATION_ROLE] },
          Action: ['sts:AssumeRole', 'sts:SetContext'],
        },
      ],
    },
    {
      arn: NO_SETCONTEXT_ROLE,
      trustPolicy: [{ Effect: 'Allow', Principal: { AWS: serviceArn }, Action: ['sts:AssumeRole'] }],
    },
    {
      arn: APPLICATION_ROLE,
      trustPolicy: [
        { Effect: 'Allow', Principal: { Federated: 'idp' }, Action: ['sts:AssumeRoleWithWebIdentity'] },
      ],
    },
  ],
  callers: [
    {
      accessKeyId: 'AKIDSERVICE0000000001',
      secretAccessKey: 'service-secret-key-0000000000',
      principalArn: serviceArn,
    },
  ],
};

export async function startCoreEmulator(): Promise<RunningEmulator> {
  return startEmulator(emulatorConfig, {
    quiet: true,
    services: {
      'redshift-data': false,
      redshift: false,
      'redshift-serverless': false,
      s3: false,
      's3-control': false,
    },
  });
}

/** A JWT for `userName` signed by the embedded IdP, as its access tokens are (issuer, audience, email). */
export function mintToken(emu: RunningEmulator, userName: string): Promise<string> {
  return emu.idp!.signToken({ sub: userName, email: `${userName}@example.com`, aud: audience });
}
