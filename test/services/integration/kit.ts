/** An emulator with users, groups, S3 Access Grants and Redshift data, and a tip wired to it. */
import type {
  EmulatorConfigInput,
  RedshiftGrantConfig,
  RedshiftSqlEndpointConfig,
  RedshiftTargetConfig,
} from '../../../src/emulator/config/types.js';
import { startEmulator } from '../../../src/emulator/start.js';
import type { RunningEmulator, StartEmulatorOptions } from '../../../src/emulator/start.js';
import { isTipError } from '../../../src/errors.js';
import { allowInsecureRequests } from '../../../src/jwt/insecure.js';
import { type UserSession, createTrustedIdentity } from '../../../src/tip.js';

export const ACCOUNT = '123456789012';
const INSTANCE = 'ssoins-1111222233334444';
export const APP = `arn:aws:sso::${ACCOUNT}:application/${INSTANCE}/apl-aaaabbbbccccdddd`;
export const ACCESS_ROLE = `arn:aws:iam::${ACCOUNT}:role/analytics`;
const audience = 'tip-sdk-demo';
export const SERVICE_ARN = `arn:aws:iam::${ACCOUNT}:user/service`;
const serviceArn = SERVICE_ARN;

export const OBJECTS: Record<string, string> = {
  'team-a/report.csv': 'a,b\n1,2\n',
  'team-a/sub/y.csv': 'y',
  'team-a/deep/x.csv': 'deep',
  'team-b/secret.csv': 'secret',
  'shared/readme.txt': 'hello',
  'eng/a.txt': 'eng',
  'reports/q1.csv': 'q1',
  'reports/q2.csv': 'q2',
  ...Object.fromEntries(
    Array.from({ length: 30 }, (_, i) => [`team-a/many/${String(i).padStart(2, '0')}.txt`, `n${i}`]),
  ),
};

/** Emulator configuration shared by the service integration tests. */
export function servicesConfig(extra: Partial<EmulatorConfigInput> = {}): EmulatorConfigInput {
  return {
    accountId: ACCOUNT,
    idp: { audience, accessTokenTtlSeconds: 7200 },
    identityCenter: {
      instanceArn: `arn:aws:sso:::instance/${INSTANCE}`,
      identityStoreId: 'd-1234567890',
      users: [
        { userName: 'alice', email: 'alice@example.com', groups: ['analysts'] },
        { userName: 'bob', email: 'bob@example.com', groups: ['engineers'] },
        { userName: 'carol', email: 'carol@example.com', groups: ['analysts'] },
      ],
      groups: [{ name: 'analysts' }, { name: 'engineers' }],
      trustedTokenIssuers: [{ name: 'idp', issuerUrl: 'idp' }],
      applications: [
        {
          arn: APP,
          jwtBearer: { authorizedTokenIssuers: [{ tokenIssuer: 'idp', audiences: [audience] }] },
          assignments: { groups: ['analysts', 'engineers'] },
        },
      ],
    },
    roles: [
      {
        arn: ACCESS_ROLE,
        trustPolicy: [
          { Effect: 'Allow', Principal: { AWS: serviceArn }, Action: ['sts:AssumeRole', 'sts:SetContext'] },
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
    s3: {
      buckets: [{ name: 'lake', objects: OBJECTS }],
      accessGrants: {
        locations: [{ scope: 's3://', iamRoleArn: `arn:aws:iam::${ACCOUNT}:role/ag-location` }],
        grants: [
          { grantee: 'user:alice', target: 's3://lake/team-a/*', permission: 'READ' },
          { grantee: 'user:alice', target: 's3://lake/team-a/deep/*', permission: 'READWRITE' },
          { grantee: 'group:analysts', target: 's3://lake/shared/*', permission: 'READ' },
          { grantee: 'group:engineers', target: 's3://lake/eng/*', permission: 'READWRITE' },
          { grantee: 'user:bob', target: 's3://lake/reports/q1.csv', permission: 'READ' },
        ],
      },
    },
    ...extra,
  };
}

/** Starts the emulator with only the services named (plus STS and sso-oidc). */
export function startServicesEmulator(
  config: EmulatorConfigInput,
  enabled: ('athena' | 'redshift' | 's3')[],
  overrides: StartEmulatorOptions['services'] = {},
): Promise<RunningEmulator> {
  const off = (name: 'athena' | 'redshift' | 's3') => !enabled.includes(name);
  const services: StartEmulatorOptions['services'] = {
    ...(off('redshift') ? { 'redshift-data': false, redshift: false, 'redshift-serverless': false } : {}),
    ...(off('s3') ? { s3: false, 's3-control': false } : {}),
    ...(off('athena') ? { athena: false } : {}),
    ...overrides,
  };
  return startEmulator(config, { quiet: true, services });
}

/**
 * Client settings that work for every service of the emulator: `localhost` with the loopback agent
 * (needed by S3 Control), path-style S3. The service's own keys sign the IdC and STS calls.
 */
export function sharedClientConfig(emu: RunningEmulator) {
  const { region: _r, maxAttempts: _m, ...config } = emu.clientConfig({ service: 's3' });
  return config;
}

/** A tip aimed at the emulator. */
export function emulatorTip(emu: RunningEmulator) {
  return createTrustedIdentity({
    region: emu.region,
    issuers: [allowInsecureRequests({ issuer: emu.idp!.issuer, audience, algorithms: ['RS256', 'ES256'] })],
    verifierOptions: { now: Date.now },
    applicationArn: APP,
    accessRoleArn: ACCESS_ROLE,
    clientConfig: sharedClientConfig(emu),
    clock: () => emu.clock.now(),
    timeouts: { baseDelayMs: 1, maxDelayMs: 10, timeoutMs: 10_000 },
  });
}

/** A signed-in user's session. */
export async function signIn(emu: RunningEmulator, tip: ReturnType<typeof emulatorTip>, user: string) {
  return tip.forToken(await emu.idp!.tokenFor(user));
}

/** The users every integration suite signs in. */
export type TestUser = 'alice' | 'bob' | 'carol';

/** Sessions of alice, bob and carol, signed in concurrently. */
export async function signInAll(
  emu: RunningEmulator,
  tip: ReturnType<typeof emulatorTip>,
): Promise<Record<TestUser, UserSession>> {
  const [alice, bob, carol] = await Promise.all(
    (['alice', 'bob', 'carol'] as const).map((u) => signIn(emu, tip, u)),
  );
  return { alice: alice!, bob: bob!, carol: carol! };
}

/** The TipError code of `error`, or its text when it is not a TipError. */
export const code = (error: unknown): string => (isTipError(error) ? error.code : String(error));

/** Resolves once the emulator has answered `operation` at least once. */
export async function untilCalled(emu: RunningEmulator, operation: string): Promise<void> {
  while (emu.counters.get(operation) === 0) await new Promise((r) => setTimeout(r, 5));
}

/** Workgroup `analytics` with a SQL endpoint and database `dev` holding `public.sales (region, amount)`. */
export function salesWorkgroup(
  rows: readonly (readonly [string, number])[],
  grants: RedshiftGrantConfig[],
  sqlEndpoint: RedshiftSqlEndpointConfig = {},
): RedshiftTargetConfig {
  return {
    workgroupName: 'analytics',
    sqlEndpoint,
    databases: [
      {
        name: 'dev',
        tables: [
          {
            name: 'public.sales',
            columns: [
              { name: 'region', type: 'varchar(16)' },
              { name: 'amount', type: 'integer' },
            ],
            rows: rows.map((r) => [...r]),
          },
        ],
        grants,
      },
    ],
  };
}
