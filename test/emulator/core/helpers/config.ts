import type { EmulatorConfigInput } from '../../../../src/emulator/config/types.js';

export const ACCOUNT = '123456789012';
export const INSTANCE_ARN = 'arn:aws:sso:::instance/ssoins-1111222233334444';
export const APP_ARN = `arn:aws:sso::${ACCOUNT}:application/ssoins-1111222233334444/apl-aaaabbbbccccdddd`;
export const SERVICE_KEY = {
  accessKeyId: 'AKIASERVICE000000001',
  secretAccessKey: 'service-secret-key-0000000001',
};
export const LIMITED_KEY = {
  accessKeyId: 'AKIALIMITED000000002',
  secretAccessKey: 'limited-secret-key-0000000002',
};
export const ACCESS_ROLE = `arn:aws:iam::${ACCOUNT}:role/analytics-identity-bearer`;
export const NO_CONTEXT_ROLE = `arn:aws:iam::${ACCOUNT}:role/no-set-context`;
export const WEB_ROLE = `arn:aws:iam::${ACCOUNT}:role/web-identity`;
export const LONG_ROLE = `arn:aws:iam::${ACCOUNT}:role/long-sessions`;
export const SERVICE_ARN = `arn:aws:iam::${ACCOUNT}:user/service`;

/** A small complete config: two users, two groups, one TTI on the embedded IdP, roles for every STS path. */
export function baseConfig(over: Partial<EmulatorConfigInput> = {}): EmulatorConfigInput {
  return {
    accountId: ACCOUNT,
    identityCenter: {
      instanceArn: INSTANCE_ARN,
      users: [
        { userName: 'alice', email: 'alice@example.com', groups: ['analysts'] },
        { userName: 'bob', email: 'bob@example.com', groups: ['engineers'] },
      ],
      groups: [{ name: 'analysts' }, { name: 'engineers' }],
      trustedTokenIssuers: [{ name: 'local', issuerUrl: 'idp' }],
      applications: [
        {
          arn: APP_ARN,
          jwtBearer: { authorizedTokenIssuers: [{ tokenIssuer: 'local', audiences: ['tip-sdk-demo'] }] },
          assignments: { groups: ['analysts', 'engineers'] },
        },
      ],
    },
    roles: [
      {
        arn: ACCESS_ROLE,
        trustPolicy: [
          {
            Effect: 'Allow',
            Principal: { AWS: SERVICE_ARN },
            Action: ['sts:AssumeRole', 'sts:SetContext', 'sts:TagSession'],
          },
          { Effect: 'Allow', Principal: { AWS: LONG_ROLE }, Action: ['sts:AssumeRole', 'sts:SetContext'] },
        ],
        maxSessionDuration: 43200,
      },
      {
        arn: NO_CONTEXT_ROLE,
        trustPolicy: [
          { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole' },
        ],
      },
      {
        arn: LONG_ROLE,
        trustPolicy: [{ Effect: 'Allow', Principal: { AWS: SERVICE_ARN }, Action: 'sts:AssumeRole' }],
        maxSessionDuration: 43200,
      },
      {
        arn: WEB_ROLE,
        trustPolicy: [
          {
            Effect: 'Allow',
            Principal: { Federated: 'idp' },
            Action: 'sts:AssumeRoleWithWebIdentity',
            Condition: { StringEquals: { 'idp:aud': 'tip-sdk-demo' } },
          },
        ],
      },
    ],
    callers: [
      { ...SERVICE_KEY, principalArn: SERVICE_ARN },
      {
        ...LIMITED_KEY,
        principalArn: `arn:aws:iam::${ACCOUNT}:user/limited`,
        permissions: [
          { Effect: 'Allow', Action: 'sts:*' },
          { Effect: 'Deny', Action: 'sts:AssumeRole', Resource: LONG_ROLE },
        ],
      },
    ],
    ...over,
  };
}
