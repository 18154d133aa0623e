/** The Identity Center directory the emulator tests share: alice (analysts), bob (engineers), carol. */
import type {
  EmulatorConfig,
  EmulatorConfigInput,
  PolicyStatementConfig,
} from '../../../src/emulator/config/types.js';

export const ACCOUNT = '123456789012';
export const INSTANCE = 'ssoins-1111222233334444';
export const INSTANCE_ARN = `arn:aws:sso:::instance/${INSTANCE}`;
export const STORE_ID = 'd-1234567890';
export const APP_ARN = `arn:aws:sso::${ACCOUNT}:application/${INSTANCE}/apl-aaaabbbbccccdddd`;
/** The IAM user the end-to-end tests sign their calls as. */
export const SERVICE_ARN = `arn:aws:iam::${ACCOUNT}:user/service`;
/** The role identity-enhanced sessions are taken in. */
export const BEARER_ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/analytics-bearer`;

/** Group names of each test user. */
export const USER_GROUPS: Readonly<Record<string, readonly string[]>> = {
  alice: ['analysts'],
  bob: ['engineers'],
  carol: [],
};

type ResolvedUser = EmulatorConfig['identityCenter']['users'][number];

/** A resolved user `name` (`u-name`, `name@example.com`) in `USER_GROUPS`' groups. */
export function resolvedUser(name: string, over: Partial<ResolvedUser> = {}): ResolvedUser {
  return {
    userName: name,
    email: `${name}@example.com`,
    displayName: name.charAt(0).toUpperCase() + name.slice(1),
    userId: `u-${name}`,
    groups: [...(USER_GROUPS[name] ?? [])],
    ...over,
  };
}

/** The resolved groups analysts and engineers. */
export function resolvedGroups(): EmulatorConfig['identityCenter']['groups'] {
  return [
    { name: 'analysts', groupId: 'g-analysts' },
    { name: 'engineers', groupId: 'g-engineers' },
  ];
}

/**
 * A resolved configuration with alice, bob and carol, empty service sections and the defaults validation
 * fills in; `over` replaces whole top-level sections.
 */
export function baseConfig(over: Partial<EmulatorConfig> = {}): EmulatorConfig {
  return {
    region: 'us-east-1',
    accountId: ACCOUNT,
    port: 0,
    idp: false,
    identityCenter: {
      instanceArn: INSTANCE_ARN,
      identityStoreId: STORE_ID,
      users: ['alice', 'bob', 'carol'].map((name) => resolvedUser(name)),
      groups: resolvedGroups(),
      trustedTokenIssuers: [],
      applications: [],
    },
    roles: [],
    callers: [],
    identityContextAllowList: [],
    athena: { workGroups: [], tables: [], grants: [], maxPageSize: 1000, queuedMs: 0, runningMs: 20 },
    redshift: { targets: [], allowIdentityEnhanced: true, authTokenLifetimeSeconds: 900 },
    s3: { buckets: [] },
    maxClockSkewSeconds: 900,
    maxBodyBytes: 1024 * 1024,
    ...over,
  };
}

/** The trust policy that lets the service user take `BEARER_ROLE_ARN` with an identity context. */
export const BEARER_TRUST: PolicyStatementConfig[] = [
  { Effect: 'Allow', Principal: { AWS: SERVICE_ARN }, Action: ['sts:AssumeRole', 'sts:SetContext'] },
];

/**
 * The input sections of an end-to-end configuration: the directory of `users`, one application without
 * assignments, and the service user's keys.
 */
export function e2eDirectory(
  users: readonly string[] = ['alice', 'bob', 'carol'],
  secretAccessKey = 'service-secret-0123456789',
): Pick<EmulatorConfigInput, 'accountId' | 'idp' | 'identityCenter' | 'callers'> {
  return {
    accountId: ACCOUNT,
    idp: false,
    identityCenter: {
      instanceArn: INSTANCE_ARN,
      identityStoreId: STORE_ID,
      users: users.map((name) => {
        const groups = USER_GROUPS[name] ?? [];
        return {
          userName: name,
          email: `${name}@example.com`,
          userId: `u-${name}`,
          ...(groups.length > 0 ? { groups: [...groups] } : {}),
        };
      }),
      groups: [...resolvedGroups()],
      trustedTokenIssuers: [],
      applications: [{ arn: APP_ARN, assignmentRequired: false }],
    },
    callers: [{ accessKeyId: 'AKIDSERVICE0000000001', secretAccessKey, principalArn: SERVICE_ARN }],
  };
}
