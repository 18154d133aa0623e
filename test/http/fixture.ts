/**
 * An emulator with the embedded IdP for the HTTP and observability tests: `USERS` users assigned through a
 * group, one application trusting the IdP, one identity-bearer role, and a trusted identity aimed at it.
 */
import { allowInsecureRequests } from '../../src/jwt/insecure.js';
import type { EmulatorConfigInput } from '../../src/emulator/config/types.js';
import { type RunningEmulator, startEmulator } from '../../src/emulator/start.js';
import type { TrustedIdentityOptions } from '../../src/session/config.js';

export const ACCOUNT = '123456789012';
const INSTANCE = 'ssoins-1111222233334444';
export const APP = `arn:aws:sso::${ACCOUNT}:application/${INSTANCE}/apl-aaaabbbbccccdddd`;
export const ROLE = `arn:aws:iam::${ACCOUNT}:role/analytics-identity-bearer`;
export const AUDIENCE = 'tip-sdk-demo';
/** Users `user00`…`user49`, plus `outsider` who is not assigned to the application. */
export const USERS = Array.from({ length: 50 }, (_, i) => `user${String(i).padStart(2, '0')}`);

export const config: EmulatorConfigInput = {
  accountId: ACCOUNT,
  idp: { audience: AUDIENCE },
  identityCenter: {
    instanceArn: `arn:aws:sso:::instance/${INSTANCE}`,
    identityStoreId: 'd-1234567890',
    users: [
      ...USERS.map((u) => ({ userName: u, email: `${u}@example.com`, groups: ['analysts'] })),
      { userName: 'outsider', email: 'outsider@example.com' },
    ],
    groups: [{ name: 'analysts' }],
    trustedTokenIssuers: [{ name: 'idp', issuerUrl: 'idp' }],
    applications: [
      {
        arn: APP,
        jwtBearer: { authorizedTokenIssuers: [{ tokenIssuer: 'idp', audiences: [AUDIENCE] }] },
        scopes: ['openid', 'aws', 'sts:identity_context'],
        assignments: { groups: ['analysts'] },
      },
    ],
  },
  roles: [
    {
      arn: ROLE,
      trustPolicy: [
        {
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/service` },
          Action: ['sts:AssumeRole', 'sts:SetContext'],
        },
      ],
    },
  ],
  callers: [
    {
      accessKeyId: 'AKIDSERVICE0000000001',
      secretAccessKey: 'service-secret-key-0000000000',
      principalArn: `arn:aws:iam::${ACCOUNT}:user/service`,
    },
  ],
};

/** Starts the emulator with only STS and SSO-OIDC served (no SQL boot). */
export function startTestEmulator(): Promise<RunningEmulator> {
  return startEmulator(config, {
    quiet: true,
    services: {
      athena: false,
      'redshift-data': false,
      redshift: false,
      'redshift-serverless': false,
      s3: false,
      's3-control': false,
    },
  });
}

/** Options of `createTrustedIdentity` aimed at `emu` (no retries, so injected faults surface at once). */
export function tipOptions(emu: RunningEmulator): TrustedIdentityOptions {
  const idp = emu.idp;
  if (idp === undefined) throw new Error('the embedded IdP is not running');
  const { region, endpoint, credentials } = emu.clientConfig({ service: 'sts' });
  return {
    region,
    issuers: [allowInsecureRequests({ issuer: idp.issuer, audience: AUDIENCE, algorithms: ['RS256'] })],
    applicationArn: APP,
    accessRoleArn: ROLE,
    clientConfig: { endpoint, credentials },
    timeouts: { maxAttempts: 1 },
  };
}
