/**
 * Fixtures: a typing helper for emulator configurations and a small ready-made configuration for quick
 * starts (the same organisation as `examples/emulator.config.json`).
 */
import type { EmulatorConfigInput } from '../emulator/config/types.js';

/**
 * Returns `config` unchanged; gives an object literal the emulator's configuration type (completion and
 * checks in the editor). Validation happens when the emulator is created.
 */
export function defineEmulatorConfig<const T extends EmulatorConfigInput>(config: T): T {
  return config;
}

/** Names and ARNs of {@link demoEmulatorConfig}, for assertions and for `createTrustedIdentity`. */
export const DEMO = Object.freeze({
  /** The region of the demo configuration. */
  region: 'us-east-1',
  /** The account id of the demo configuration. */
  accountId: '123456789012',
  /** The IdC customer-managed application (jwt-bearer grant trusting the embedded IdP). */
  applicationArn: 'arn:aws:sso::123456789012:application/ssoins-7223a1b2c3d4e5f6/apl-0a1b2c3d4e5f6a7b',
  /** The role assumed with the identity context (trusts the service caller for AssumeRole + SetContext). */
  accessRoleArn: 'arn:aws:iam::123456789012:role/analytics-identity-bearer',
  /** The role for AssumeRoleWithWebIdentity with an IdP token (may call CreateTokenWithIAM). */
  webIdentityRoleArn: 'arn:aws:iam::123456789012:role/analytics-web-identity',
  /** The service's IAM user: the first (default) caller. */
  servicePrincipalArn: 'arn:aws:iam::123456789012:user/analytics-service',
  /** Audience of the embedded IdP's access tokens, authorized on the application. */
  audience: 'tip-sdk-demo',
  /** Users: alice (analysts), bob (engineers), carol (both). */
  users: Object.freeze(['alice', 'bob', 'carol'] as const),
  /** The S3 bucket; analysts may READ `team-a/*`, engineers READWRITE `team-b/*`. */
  bucket: 'lake',
});

/** Options of {@link demoEmulatorConfig}. */
export interface DemoConfigOptions {
  /**
   * Include the Athena workgroups/tables and the Redshift workgroup (SQL on PGlite, which takes a few
   * seconds to boot). Default false: identity, STS and S3 Access Grants only, created in milliseconds.
   */
  readonly withSql?: boolean;
}

/**
 * A small complete configuration: three users in two groups, the embedded IdP as trusted token issuer,
 * one application, an access role and a web-identity role, one service caller, and an S3 bucket with
 * Access Grants (plus Athena and Redshift data with `withSql`). A fresh object on every call; see
 * {@link DEMO} for its names.
 */
export function demoEmulatorConfig(options: DemoConfigOptions = {}): EmulatorConfigInput {
  const config: EmulatorConfigInput = {
    region: DEMO.region,
    accountId: DEMO.accountId,
    idp: { audience: DEMO.audience, accessTokenTtlSeconds: 600 },
    identityCenter: {
      instanceArn: 'arn:aws:sso:::instance/ssoins-7223a1b2c3d4e5f6',
      users: [
        { userName: 'alice', email: 'alice@example.com', displayName: 'Alice Analyst', groups: ['analysts'] },
        { userName: 'bob', email: 'bob@example.com', displayName: 'Bob Engineer', groups: ['engineers'] },
        { userName: 'carol', email: 'carol@example.com', groups: ['analysts', 'engineers'] },
      ],
      groups: [{ name: 'analysts' }, { name: 'engineers' }],
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
          arn: DEMO.applicationArn,
          name: 'analytics-app',
          jwtBearer: {
            authorizedTokenIssuers: [{ tokenIssuer: 'embedded-idp', audiences: [DEMO.audience] }],
          },
          assignments: { groups: ['analysts', 'engineers'] },
          actorPrincipals: [DEMO.servicePrincipalArn],
          tags: { AthenaDriverOidcAppArn: DEMO.accessRoleArn },
        },
      ],
    },
    roles: [
      {
        arn: DEMO.accessRoleArn,
        trustPolicy: [
          {
            Effect: 'Allow',
            Principal: { AWS: DEMO.servicePrincipalArn },
            Action: ['sts:AssumeRole', 'sts:SetContext', 'sts:TagSession'],
          },
        ],
        permissions: [
          {
            Effect: 'Allow',
            Action: [
              'athena:*',
              'glue:Get*',
              'lakeformation:GetDataAccess',
              's3:GetDataAccess',
              's3:GetAccessGrantsInstanceForPrefix',
              's3:ListCallerAccessGrants',
              'redshift-data:*',
              'redshift:GetIdentityCenterAuthToken',
              'redshift-serverless:GetIdentityCenterAuthToken',
            ],
            Resource: '*',
          },
        ],
        maxSessionDuration: 3600,
      },
      {
        arn: DEMO.webIdentityRoleArn,
        trustPolicy: [
          {
            Effect: 'Allow',
            Principal: { Federated: 'idp' },
            Action: 'sts:AssumeRoleWithWebIdentity',
            Condition: { StringEquals: { 'idp:aud': DEMO.audience } },
          },
        ],
        permissions: [{ Effect: 'Allow', Action: 'sso-oauth:CreateTokenWithIAM', Resource: '*' }],
      },
    ],
    callers: [
      {
        accessKeyId: 'AKIAEMULATORSERVICE1',
        secretAccessKey: 'emulator-service-secret-not-a-real-key',
        principalArn: DEMO.servicePrincipalArn,
        permissions: [
          {
            Effect: 'Allow',
            Action: ['sso-oauth:CreateTokenWithIAM', 'sts:AssumeRole', 'sts:SetContext', 'sts:TagSession'],
            Resource: '*',
          },
        ],
      },
    ],
    s3: {
      buckets: [
        {
          name: DEMO.bucket,
          objects: { 'team-a/report.csv': 'id,amount\n1,120.5\n', 'team-b/notes.txt': 'engineers only' },
        },
        { name: 'athena-results' },
      ],
      accessGrants: {
        locations: [{ scope: `s3://${DEMO.bucket}/` }, { scope: 's3://athena-results/' }],
        grants: [
          { grantee: 'group:analysts', target: `s3://${DEMO.bucket}/team-a/*`, permission: 'READ' },
          { grantee: 'group:engineers', target: `s3://${DEMO.bucket}/team-b/*`, permission: 'READWRITE' },
          { grantee: 'group:analysts', target: 's3://athena-results/analysts/*', permission: 'READWRITE' },
        ],
      },
    },
  };
  if (!options.withSql) return config;
  return { ...config, ...sqlParts() };
}

function sqlParts(): Pick<EmulatorConfigInput, 'athena' | 'redshift'> {
  return {
    athena: {
      workGroups: [
        { name: 'analysts', identityCenter: true, outputLocation: 's3://athena-results/analysts/' },
        { name: 'primary' },
      ],
      tables: [
        {
          name: 'sales.orders',
          columns: [
            { name: 'id', type: 'integer' },
            { name: 'region', type: 'varchar' },
            { name: 'amount', type: 'double' },
          ],
          rows: [
            [1, 'eu', 120.5],
            [2, 'us', 80],
            [3, 'eu', 42.25],
          ],
        },
      ],
      grants: [
        { principal: 'group:analysts', table: 'sales.orders', rowFilter: "region = 'eu'" },
        { principal: 'user:bob', table: 'sales.orders', columns: ['id', 'region'] },
      ],
    },
    redshift: {
      targets: [
        {
          workgroupName: 'analytics-wg',
          databases: [
            {
              name: 'dev',
              tables: [
                {
                  name: 'public.events',
                  columns: [
                    { name: 'id', type: 'integer' },
                    { name: 'owner', type: 'varchar' },
                  ],
                  rows: [
                    [1, 'alice'],
                    [2, 'bob'],
                  ],
                },
              ],
              grants: [{ principal: 'group:analysts', table: 'public.events' }],
            },
          ],
        },
      ],
    },
  };
}
