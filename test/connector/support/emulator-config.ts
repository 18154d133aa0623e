/**
 * An emulator for the connector: the embedded IdP's user client as the desktop client, an application with
 * the IdP as trusted token issuer, a web identity role the IdP token assumes (it signs the exchange and
 * the AssumeRole), the identity-bearer role trusting it, and a Redshift Serverless workgroup.
 */
import type { EmulatorConfigInput } from '../../../src/emulator/config/types.js';

export const ACCOUNT = '123456789012';
export const INSTANCE = 'ssoins-7223a1b2c3d4e5f6';
export const APP = `arn:aws:sso::${ACCOUNT}:application/${INSTANCE}/apl-0a1b2c3d4e5f6a7b`;
export const ACCESS_ROLE = `arn:aws:iam::${ACCOUNT}:role/analytics-identity-bearer`;
export const WEB_IDENTITY_ROLE = `arn:aws:iam::${ACCOUNT}:role/desktop-web-identity`;
export const IDC_ISSUER_URL = `https://identitycenter.amazonaws.com/${INSTANCE}`;
/** The embedded IdP's built-in public client. */
export const CLIENT_ID = 'tip-sdk-user';
export const AUDIENCE = 'tip-sdk-demo';

export function connectorEmulatorConfig(
  overrides: { accessTokenTtlSeconds?: number } = {},
): EmulatorConfigInput {
  return {
    accountId: ACCOUNT,
    idp: { audience: AUDIENCE, accessTokenTtlSeconds: overrides.accessTokenTtlSeconds ?? 600 },
    identityCenter: {
      instanceArn: `arn:aws:sso:::instance/${INSTANCE}`,
      users: [
        { userName: 'alice', email: 'alice@example.com', groups: ['analysts'] },
        { userName: 'bob', email: 'bob@example.com', groups: ['analysts'] },
        { userName: 'mallory', email: 'mallory@example.com' },
      ],
      groups: [{ name: 'analysts' }],
      trustedTokenIssuers: [
        {
          name: 'embedded-idp',
          issuerUrl: 'idp',
          claimAttributePath: 'email',
          identityStoreAttributePath: 'emails.value',
        },
      ],
      applications: [
        {
          arn: APP,
          name: 'desktop-analytics',
          jwtBearer: {
            authorizedTokenIssuers: [{ tokenIssuer: 'embedded-idp', audiences: [AUDIENCE, CLIENT_ID] }],
          },
          assignments: { groups: ['analysts'] },
          actorPrincipals: [WEB_IDENTITY_ROLE],
        },
      ],
    },
    roles: [
      {
        arn: ACCESS_ROLE,
        trustPolicy: [
          {
            Effect: 'Allow',
            Principal: { AWS: WEB_IDENTITY_ROLE },
            Action: ['sts:AssumeRole', 'sts:SetContext'],
          },
        ],
        permissions: [
          {
            Effect: 'Allow',
            Action: [
              'redshift-serverless:GetIdentityCenterAuthToken',
              'redshift:GetIdentityCenterAuthToken',
              'athena:*',
            ],
            Resource: '*',
          },
        ],
        maxSessionDuration: 3600,
      },
      {
        arn: WEB_IDENTITY_ROLE,
        trustPolicy: [
          { Effect: 'Allow', Principal: { Federated: 'idp' }, Action: 'sts:AssumeRoleWithWebIdentity' },
        ],
        permissions: [
          {
            Effect: 'Allow',
            Action: ['sso-oauth:CreateTokenWithIAM', 'sts:AssumeRole', 'sts:SetContext'],
            Resource: '*',
          },
        ],
      },
    ],
    callers: [
      {
        accessKeyId: 'AKIAEMULATORADMIN001',
        secretAccessKey: 'emulator-admin-secret-not-a-real-key',
        principalArn: `arn:aws:iam::${ACCOUNT}:user/admin`,
        permissions: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
      },
    ],
    redshift: {
      targets: [{ workgroupName: 'analytics', databases: [{ name: 'dev', tables: [], grants: [] }] }],
    },
  };
}
