import { randomBytes } from 'node:crypto';
import type { EmulatorConfig } from '../../../../src/emulator/config/types.js';
import type { Caller, EmulatorRuntime } from '../../../../src/emulator/core/types.js';

export const ACCOUNT = '123456789012';
export const INSTANCE_ARN = 'arn:aws:sso:::instance/ssoins-1111222233334444';
export const STORE_ID = 'd-1234567890';
export const APP_ARN = `arn:aws:sso::${ACCOUNT}:application/ssoins-1111222233334444/apl-aaaabbbbccccdddd`;
export const OTHER_APP_ARN = `arn:aws:sso::${ACCOUNT}:application/ssoins-1111222233334444/apl-eeeeffff00001111`;
export const NO_JWT_APP_ARN = `arn:aws:sso::${ACCOUNT}:application/ssoins-1111222233334444/apl-2222333344445555`;
export const AUDIENCE = 'tip-sdk-demo';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
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
  return {
    region: 'us-east-1',
    accountId: ACCOUNT,
    port: 0,
    idp: false,
    identityCenter: {
      instanceArn: INSTANCE_ARN,
      identityStoreId: STORE_ID,
      users: over.users ?? [
        {
          userName: 'alice',
          email: 'alice@example.com',
          displayName: 'Alice',
          userId: 'u-alice',
          groups: ['analysts'],
        },
        {
          userName: 'bob',
          email: 'bob@example.com',
          displayName: 'Bob',
          userId: 'u-bob',
          groups: ['engineers'],
        },
        {
          userName: 'carol',
          email: 'shared@example.com',
          displayName: 'Carol',
          userId: 'u-carol',
          groups: [],
        },
        {
          userName: 'dave',
          email: 'shared@example.com',
          displayName: 'Dave',
          userId: 'u-dave',
          groups: ['analysts'],
        },
      ],
      groups: over.groups ?? [
        { name: 'analysts', groupId: 'g-analysts' },
        { name: 'engineers', groupId: 'g-engineers' },
      ],
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
    roles: [],
    callers: [],
    identityContextAllowList: [],
    athena: { workGroups: [], tables: [], grants: [], maxPageSize: 1000, queuedMs: 0, runningMs: 20 },
    redshift: { targets: [], allowIdentityEnhanced: true, authTokenLifetimeSeconds: 900 },
    s3: { buckets: [] },
    maxClockSkewSeconds: 900,
    maxBodyBytes: 1024 * 1024,
  };
}

export interface TestRuntime extends EmulatorRuntime {
  /** Moves the clock, milliseconds. */
  advance(ms: number): void;
  setNow(ms: number): void;
}

/** A runtime over `config` with a controllable clock and an allow-all authorizer. */
export function testRuntime(
  config: EmulatorConfig,
  opts: { idpIssuer?: string; fetch?: typeof fetch } = {},
): TestRuntime {
  let clock = Date.now();
  const runtime: Mutable<TestRuntime> = {
    config,
    now: () => clock,
    advance: (ms) => {
      clock += ms;
    },
    setNow: (ms) => {
      clock = ms;
    },
    credentials: {
      issue: () => {
        throw new Error('not used');
      },
      lookup: () => undefined,
    },
    secretKey: randomBytes(32),
    idpIssuer: opts.idpIssuer,
    fetch: opts.fetch ?? fetch,
    authorize: () => ({ allowed: true, reason: 'test' }),
  };
  return runtime;
}

/** The default caller: an IAM user of the instance account. */
export const CALLER: Caller = {
  accessKeyId: 'AKIDSERVICE',
  accountId: ACCOUNT,
  kind: 'iam-user',
  arn: `arn:aws:iam::${ACCOUNT}:user/service`,
};
