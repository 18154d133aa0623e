/**
 * The demo's world: two users in different groups, one IdC application trusting the embedded IdP, an
 * access role, and data in Athena, Redshift Serverless and S3 with grants per user and group. The keys
 * below are development keys of this local emulator, not AWS credentials.
 */
import type { EmulatorConfigInput } from '../../src/emulator/config/types.js';

const ACCOUNT = '123456789012';
const INSTANCE = 'ssoins-7223a1b2c3d4e5f6';
const SERVICE_USER = `arn:aws:iam::${ACCOUNT}:user/tip-demo-service`;

/** Audience of the IdP's access tokens, authorized on the IdC application's jwt-bearer grant. */
export const AUDIENCE = 'tip-sdk-demo';
/** The IdC customer-managed application (`clientId` of CreateTokenWithIAM). */
export const APPLICATION_ARN = `arn:aws:sso::${ACCOUNT}:application/${INSTANCE}/apl-0a1b2c3d4e5f6a7b`;
/** The identity-bearer role assumed with each user's identity context. */
export const ACCESS_ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/tip-demo-access`;
/** The IdC-enabled Athena workgroup. */
export const ATHENA_WORKGROUP = 'tip-demo';
/** The Redshift Serverless workgroup and its database. */
export const REDSHIFT = { workgroupName: 'tip-demo-wg', database: 'dev' } as const;
/** Concurrent requests per user in the cache burst. */
export const BURST = 50;

/** What one demo user should be able to do. */
export interface DemoUser {
  readonly userName: string;
  readonly group: string;
  /** Regions of `sales.orders` rows the user's Athena query must return (sorted). */
  readonly athenaRegions: readonly string[];
  /** Rows of the finance-only Athena table `finance.ledger` the user reads, or the error code expected. */
  readonly ledger: number | string;
  /** Rows of `public.revenue` the user's Redshift query must count. */
  readonly redshiftRows: number;
  /** An object inside the user's S3 Access Grant. */
  readonly allowed: { readonly Bucket: string; readonly Key: string };
  /** An object outside every grant of the user. */
  readonly denied: { readonly Bucket: string; readonly Key: string };
}

/** The two users the demo signs in. */
export const DEMO_USERS: readonly DemoUser[] = [
  {
    userName: 'alice',
    group: 'analysts',
    athenaRegions: ['eu'],
    ledger: 'ERR_ACCESS_DENIED',
    redshiftRows: 2,
    allowed: { Bucket: 'lake', Key: 'analysts/eu-summary.csv' },
    denied: { Bucket: 'lake', Key: 'finance/ledger-q3.csv' },
  },
  {
    userName: 'bob',
    group: 'finance',
    athenaRegions: ['apac', 'eu', 'us'],
    ledger: 3,
    redshiftRows: 5,
    allowed: { Bucket: 'lake', Key: 'finance/ledger-q3.csv' },
    denied: { Bucket: 'lake', Key: 'analysts/eu-summary.csv' },
  },
];

const orders = {
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
    [4, 'apac', 310],
    [5, 'us', 99.9],
  ],
};

const ledger = {
  name: 'finance.ledger',
  columns: [
    { name: 'entry', type: 'varchar' },
    { name: 'amount', type: 'double' },
  ],
  rows: [
    ['payroll', -5200],
    ['invoice 1042', 2230],
    ['invoice 1043', 1350],
  ],
};

const revenue = {
  name: 'public.revenue',
  columns: [
    { name: 'quarter', type: 'varchar(8)' },
    { name: 'region', type: 'varchar(8)' },
    { name: 'amount', type: 'integer' },
  ],
  rows: [
    ['2026-Q2', 'eu', 1200],
    ['2026-Q3', 'eu', 1350],
    ['2026-Q2', 'us', 2100],
    ['2026-Q3', 'us', 2230],
    ['2026-Q3', 'apac', 640],
  ],
};

/** Rows of the Redshift table `public.revenue`. */
export const REVENUE_ROWS = revenue.rows.length;

/** The emulator configuration of the demo. */
export const DEMO_CONFIG: EmulatorConfigInput = {
  region: 'us-east-1',
  accountId: ACCOUNT,
  port: 0,
  idp: { port: 0, audience: AUDIENCE, accessTokenTtlSeconds: 600 },
  identityCenter: {
    instanceArn: `arn:aws:sso:::instance/${INSTANCE}`,
    users: [
      { userName: 'alice', email: 'alice@example.com', displayName: 'Alice Analyst', groups: ['analysts'] },
      { userName: 'bob', email: 'bob@example.com', displayName: 'Bob Finance', groups: ['finance'] },
    ],
    groups: [{ name: 'analysts' }, { name: 'finance' }],
    trustedTokenIssuers: [
      {
        name: 'demo-idp',
        issuerUrl: 'idp',
        claimAttributePath: 'email',
        identityStoreAttributePath: 'emails.value',
      },
    ],
    applications: [
      {
        arn: APPLICATION_ARN,
        name: 'tip-demo-app',
        jwtBearer: { authorizedTokenIssuers: [{ tokenIssuer: 'demo-idp', audiences: [AUDIENCE] }] },
        assignments: { groups: ['analysts', 'finance'] },
        actorPrincipals: [SERVICE_USER],
      },
    ],
  },
  roles: [
    {
      arn: ACCESS_ROLE_ARN,
      trustPolicy: [
        { Effect: 'Allow', Principal: { AWS: SERVICE_USER }, Action: ['sts:AssumeRole', 'sts:SetContext'] },
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
            'redshift-data:*',
            'redshift-serverless:GetIdentityCenterAuthToken',
          ],
          Resource: '*',
        },
      ],
    },
  ],
  callers: [
    {
      accessKeyId: 'AKIADEMOSERVICE00001',
      secretAccessKey: 'tip-sdk-demo-development-key-not-secret',
      principalArn: SERVICE_USER,
      permissions: [
        {
          Effect: 'Allow',
          Action: ['sso-oauth:CreateTokenWithIAM', 'sts:AssumeRole', 'sts:SetContext'],
          Resource: '*',
        },
      ],
    },
  ],
  athena: {
    workGroups: [
      { name: ATHENA_WORKGROUP, identityCenter: true, outputLocation: 's3://athena-results/tip-demo/' },
    ],
    tables: [orders, ledger],
    grants: [
      { principal: 'group:analysts', table: 'sales.orders', rowFilter: "region = 'eu'" },
      { principal: 'group:finance', table: 'sales.orders' },
      { principal: 'group:finance', table: 'finance.ledger' },
    ],
  },
  redshift: {
    targets: [
      {
        workgroupName: REDSHIFT.workgroupName,
        databases: [
          {
            name: REDSHIFT.database,
            tables: [revenue],
            grants: [
              { principal: 'group:analysts', table: 'public.revenue', rowFilter: "region = 'eu'" },
              { principal: 'group:finance', table: 'public.revenue' },
            ],
          },
        ],
      },
    ],
  },
  s3: {
    buckets: [
      {
        name: 'lake',
        objects: {
          'analysts/eu-summary.csv': 'region,orders,amount\neu,2,162.75\n',
          'finance/ledger-q3.csv': 'quarter,region,amount\n2026-Q3,eu,1350\n2026-Q3,us,2230\n',
        },
      },
      { name: 'athena-results' },
    ],
    accessGrants: {
      locations: [{ scope: 's3://lake/' }, { scope: 's3://athena-results/' }],
      grants: [
        { grantee: 'group:analysts', target: 's3://lake/analysts/*', permission: 'READ' },
        { grantee: 'group:finance', target: 's3://lake/finance/*', permission: 'READ' },
        { grantee: 'group:analysts', target: 's3://athena-results/tip-demo/*', permission: 'READWRITE' },
        { grantee: 'group:finance', target: 's3://athena-results/tip-demo/*', permission: 'READWRITE' },
      ],
    },
  },
};
