import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import {
  GetIdentityCenterAuthTokenCommand,
  RedshiftServerlessClient,
} from '@aws-sdk/client-redshift-serverless';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { validateEmulatorConfig } from '../../../src/emulator/config/validate.js';
import { createAuthorizer } from '../../../src/emulator/core/authorize.js';
import { evaluateCondition, evaluatePermissions, wildcardMatch } from '../../../src/emulator/core/policy.js';
import type { Caller, IdentityContextClaims } from '../../../src/emulator/core/types.js';
import { issueIdentityContext } from '../../../src/emulator/identity-center/context.js';
import { startEmulator } from '../../../src/emulator/start.js';
import {
  ACCESS_ROLE,
  ACCOUNT,
  APP_ARN,
  INSTANCE_ARN,
  LIMITED_KEY,
  LONG_ROLE,
  SERVICE_ARN,
  SERVICE_KEY,
  baseConfig,
} from './helpers/config.js';

const claims: IdentityContextClaims = {
  idcUserId: 'u-1',
  userName: 'alice',
  groupIds: [],
  groupNames: [],
  identityStoreId: 'd-0000000000',
  instanceArn: INSTANCE_ARN,
  applicationArn: APP_ARN,
  expiresAt: Date.now() + 3_600_000,
};
const user: Caller = {
  accessKeyId: SERVICE_KEY.accessKeyId,
  accountId: ACCOUNT,
  kind: 'iam-user',
  arn: SERVICE_ARN,
};
const limited: Caller = {
  accessKeyId: LIMITED_KEY.accessKeyId,
  accountId: ACCOUNT,
  kind: 'iam-user',
  arn: `arn:aws:iam::${ACCOUNT}:user/limited`,
};
const session: Caller = {
  accessKeyId: 'ASIAAAAAAAAAAAAAAAAA',
  accountId: ACCOUNT,
  kind: 'assumed-role',
  arn: `arn:aws:sts::${ACCOUNT}:assumed-role/analytics-identity-bearer/s`,
  roleArn: ACCESS_ROLE,
  sessionName: 's',
};
const enhanced: Caller = { ...session, identityContext: claims };

describe('authorize', () => {
  const authorize = createAuthorizer(validateEmulatorConfig(baseConfig()));

  it('applies permission policies: Allow, explicit Deny, implicit deny', () => {
    expect(authorize(user, 'athena:StartQueryExecution', '*').allowed).toBe(true);
    expect(authorize(limited, 'sts:AssumeRole', ACCESS_ROLE).allowed).toBe(true);
    const deny = authorize(limited, 'sts:AssumeRole', LONG_ROLE);
    expect(deny).toMatchObject({ allowed: false });
    expect(deny.reason).toContain('explicit Deny');
    expect(authorize(limited, 'athena:StartQueryExecution', '*')).toMatchObject({ allowed: false });
    expect(authorize({ ...user, accessKeyId: 'AKIAUNCONFIGURED0000' }, 'sts:AssumeRole', '*').allowed).toBe(
      false,
    );
  });

  it('uses the role policy for sessions, and GetCallerIdentity is always allowed', () => {
    expect(authorize(session, 's3:GetObject', 'arn:aws:s3:::lake/a').allowed).toBe(true);
    expect(
      authorize({ ...session, roleArn: `arn:aws:iam::${ACCOUNT}:role/gone` }, 's3:GetObject', '*').allowed,
    ).toBe(false);
    expect(authorize(limited, 'sts:GetCallerIdentity', '*').allowed).toBe(true);
    expect(authorize(enhanced, 'sts:GetCallerIdentity', '*').allowed).toBe(true);
  });

  it.each([
    ['athena:StartQueryExecution', true],
    ['athena:GetQueryResults', true],
    ['glue:GetTable', true],
    ['lakeformation:GetDataAccess', true],
    ['s3:GetDataAccess', true],
    ['s3:GetAccessGrantsInstanceForPrefix', true],
    ['s3:ListCallerAccessGrants', true],
    ['redshift-data:ExecuteStatement', true],
    ['redshift:GetIdentityCenterAuthToken', true],
    ['redshift-serverless:GetIdentityCenterAuthToken', true],
    ['s3:GetObject', false],
    ['s3:PutObject', false],
    ['s3:ListBucket', false],
    ['sts:AssumeRole', false],
    ['sso-oauth:CreateTokenWithIAM', false],
    ['athena:CreateWorkGroup', false],
  ])('identity-enhanced sessions: %s allowed=%s', (action, allowed) => {
    const decision = authorize(enhanced, action, '*');
    expect(decision.allowed).toBe(allowed);
    if (!allowed) expect(decision.reason).toContain('allow-list');
  });

  it('drops the Redshift actions when allowIdentityEnhanced is false', () => {
    const strict = createAuthorizer(
      validateEmulatorConfig(baseConfig({ redshift: { targets: [], allowIdentityEnhanced: false } })),
    );
    expect(strict(enhanced, 'redshift-data:ExecuteStatement', '*').allowed).toBe(false);
    expect(strict(enhanced, 'athena:StartQueryExecution', '*').allowed).toBe(true);
  });

  it('honours a configured allow-list', () => {
    const custom = createAuthorizer(
      validateEmulatorConfig(baseConfig({ identityContextAllowList: ['athena:Get*'] })),
    );
    expect(custom(enhanced, 'athena:GetQueryResults', '*').allowed).toBe(true);
    expect(custom(enhanced, 'athena:StartQueryExecution', '*').allowed).toBe(false);
  });

  it('limits S3 Access Grants credentials to object calls', () => {
    const grants: Caller = {
      ...session,
      kind: 'access-grants',
      accessGrantScope: {
        target: 's3://lake/a/*',
        permission: 'READ',
        grantee: { type: 'DIRECTORY_USER', id: 'u-1' },
      },
    };
    expect(authorize(grants, 's3:GetObject', '*').allowed).toBe(true);
    expect(authorize(grants, 's3:ListBucket', '*').allowed).toBe(true);
    // Only IAM action names: an operation name such as s3:ListObjectsV2 is no IAM action.
    expect(authorize(grants, 's3:ListObjectsV2', '*').allowed).toBe(false);
    expect(authorize(grants, 's3:GetDataAccess', '*').allowed).toBe(false);
    expect(authorize(grants, 'sts:AssumeRole', '*').allowed).toBe(false);
  });

  it('matches IAM wildcards', () => {
    expect(wildcardMatch('s3:Get*', 's3:getobject', true)).toBe(true);
    expect(wildcardMatch('s3:Get?bject', 's3:GetObject', true)).toBe(true);
    expect(wildcardMatch('arn:aws:s3:::lake/a/*', 'arn:aws:s3:::lake/b/x')).toBe(false);
    expect(wildcardMatch('a.b', 'axb')).toBe(false);
  });
});

describe('identity-enhanced sessions over HTTP', () => {
  it('are denied calls off the allow-list and allowed calls on it', async () => {
    const emu = await startEmulator(baseConfig({ s3: { buckets: [{ name: 'lake' }] } }), {
      quiet: true,
      services: { 'redshift-data': false },
    });
    try {
      const alice = emu.config.identityCenter.users[0]!;
      const assertion = issueIdentityContext(emu.runtime, {
        ...claims,
        idcUserId: alice.userId,
        identityStoreId: emu.config.identityCenter.identityStoreId,
      });
      const out = await new STSClient(emu.clientConfig()).send(
        new AssumeRoleCommand({
          RoleArn: ACCESS_ROLE,
          RoleSessionName: 'tip-alice',
          ProvidedContexts: [
            { ProviderArn: 'arn:aws:iam::aws:contextProvider/IdentityCenter', ContextAssertion: assertion },
          ],
        }),
      );
      const credentials = {
        accessKeyId: out.Credentials!.AccessKeyId!,
        secretAccessKey: out.Credentials!.SecretAccessKey!,
        sessionToken: out.Credentials!.SessionToken!,
      };
      const s3 = new S3Client(emu.clientConfig({ credentials, service: 's3' }));
      const denied = await s3
        .send(new ListObjectsV2Command({ Bucket: 'lake' }))
        .catch((e: { name: string; $metadata: { httpStatusCode: number } }) => e);
      expect(denied).toMatchObject({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
      const serverless = new RedshiftServerlessClient(emu.clientConfig({ credentials }));
      const passed = await serverless
        .send(new GetIdentityCenterAuthTokenCommand({ workgroupNames: ['wg-one'] }))
        .then(
          () => 'ok',
          (e: Error) => e.name,
        );
      // Past the allow-list the Redshift handler decides (the workgroup is not configured here).
      expect(passed).not.toBe('AccessDeniedException');
      const audit = emu.auditLog.find({ idcUser: 'alice', outcome: 'denied' });
      // The listing is judged as IAM names it: s3:ListBucket on the bucket ARN.
      expect(audit.map((e) => [e.action, e.resource])).toContainEqual(['s3:ListBucket', 'arn:aws:s3:::lake']);
    } finally {
      await emu.stop();
    }
  });
});

describe('policy conditions', () => {
  const allowIf = {
    Effect: 'Allow' as const,
    Action: 's3:GetObject',
    Condition: { StringEquals: { 'aws:SourceVpc': 'vpc-1' } },
  };
  const denyIf = {
    Effect: 'Deny' as const,
    Action: 's3:GetObject',
    Condition: { StringLike: { 'aws:PrincipalArn': '*:user/limited' } },
  };
  const denyUnknown = {
    Effect: 'Deny' as const,
    Action: 's3:GetObject',
    Condition: { StringEquals: { 'aws:SourceIp': '10.0.0.1' } },
  };

  it('never widens: an Allow on a key the request lacks does not apply, a Deny on one does', () => {
    expect(evaluatePermissions([allowIf], 's3:GetObject', '*', {}).effect).toBe('none');
    expect(evaluatePermissions([allowIf], 's3:GetObject', '*', { 'aws:SourceVpc': 'vpc-1' }).effect).toBe(
      'allow',
    );
    expect(
      evaluatePermissions([{ Effect: 'Allow', Action: '*' }, denyUnknown], 's3:GetObject', '*', {}).effect,
    ).toBe('deny');
  });

  it('applies a Deny only when its condition can hold', () => {
    const statements = [{ Effect: 'Allow' as const, Action: '*' }, denyIf];
    expect(
      evaluatePermissions(statements, 's3:GetObject', '*', {
        'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:user/limited`,
      }).effect,
    ).toBe('deny');
    expect(
      evaluatePermissions(statements, 's3:GetObject', '*', { 'aws:PrincipalArn': SERVICE_ARN }).effect,
    ).toBe('allow');
    expect(evaluateCondition(denyIf.Condition, { 'AWS:PRINCIPALARN': 'x:user/limited' })).toBe(true);
    expect(evaluateCondition({ NumericLessThan: { a: '1' } }, { a: '0' })).toBeUndefined();
  });
});
