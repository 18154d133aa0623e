/**
 * The emulated sso-admin and identitystore handlers: what they answer from the configuration, that only
 * the account's administrators may call them, and that every hostile request member is a modelled
 * client error (never a crash, never an answer for another resource).
 */
import fc from 'fast-check';
import { anyJsonValue } from '../../support/code-points.js';
import { describe, expect, it } from 'vitest';
import { AwsServiceError, type Caller, type OperationContext } from '../../../src/emulator/core/types.js';
import { createIdentityStoreService } from '../../../src/emulator/sso-admin/identity-store.js';
import { createSsoAdminService } from '../../../src/emulator/sso-admin/service.js';
import {
  ACCOUNT,
  APP_ARN,
  CALLER,
  INSTANCE_ARN,
  NO_JWT_APP_ARN,
  STORE_ID,
  testConfig,
  testRuntime,
} from '../identity-center/helpers/runtime.js';

const runtime = testRuntime(testConfig('https://issuer.test'));
const config = runtime.config;
const sso = await createSsoAdminService(runtime);
const store = await createIdentityStoreService(runtime);
const TTI_ARN = config.identityCenter.trustedTokenIssuers[0]!.arn;
const alice = config.identityCenter.users.find((u) => u.userName === 'alice')!;
const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

const SESSION: Caller = {
  accessKeyId: 'ASIASESSION',
  accountId: ACCOUNT,
  kind: 'assumed-role',
  arn: `arn:aws:sts::${ACCOUNT}:assumed-role/desktop-web-identity/alice`,
  roleArn: `arn:aws:iam::${ACCOUNT}:role/desktop-web-identity`,
  expiresAt: Date.now() + 3_600_000,
};

async function call(
  module: typeof sso,
  operation: string,
  input: Record<string, unknown>,
  caller: Caller | undefined = CALLER,
): Promise<Record<string, unknown>> {
  const ctx: OperationContext<typeof runtime> = {
    service: module.service,
    operation,
    caller,
    input,
    raw: { method: 'POST', path: '/', query: {}, headers: {}, body: Buffer.alloc(0), host: 'x' },
    state: runtime,
    now: runtime.now(),
    requestId: 'r',
    audit: () => undefined,
  };
  return (await module.handlers[operation]!(ctx)) as Record<string, unknown>;
}

async function refusal(promise: Promise<unknown>): Promise<AwsServiceError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof AwsServiceError)) throw new Error(`expected an AWS error, got ${String(error)}`);
  return error;
}

describe('sso-admin', () => {
  it('ListInstances, DescribeTrustedTokenIssuer and GetApplicationGrant answer the configuration', async () => {
    expect(await call(sso, 'ListInstances', {})).toEqual({
      Instances: [
        { InstanceArn: INSTANCE_ARN, IdentityStoreId: STORE_ID, OwnerAccountId: ACCOUNT, Status: 'ACTIVE' },
      ],
    });
    expect(await call(sso, 'DescribeTrustedTokenIssuer', { TrustedTokenIssuerArn: TTI_ARN })).toEqual({
      TrustedTokenIssuerArn: TTI_ARN,
      Name: 'idp',
      TrustedTokenIssuerType: 'OIDC_JWT',
      TrustedTokenIssuerConfiguration: {
        OidcJwtConfiguration: {
          IssuerUrl: 'https://issuer.test',
          ClaimAttributePath: 'email',
          IdentityStoreAttributePath: 'emails.value',
          JwksRetrievalOption: 'OPEN_ID_DISCOVERY',
        },
      },
    });
    expect(
      await call(sso, 'GetApplicationGrant', { ApplicationArn: APP_ARN, GrantType: JWT_BEARER }),
    ).toEqual({
      Grant: {
        JwtBearer: {
          AuthorizedTokenIssuers: [{ TrustedTokenIssuerArn: TTI_ARN, AuthorizedAudiences: ['tip-sdk-demo'] }],
        },
      },
    });
    const missing = await refusal(
      call(sso, 'GetApplicationGrant', { ApplicationArn: NO_JWT_APP_ARN, GrantType: JWT_BEARER }),
    );
    expect(missing.code).toBe('ResourceNotFoundException');
  });

  it('assignments: the configuration, the list of the application, and of a principal', async () => {
    expect(await call(sso, 'GetApplicationAssignmentConfiguration', { ApplicationArn: APP_ARN })).toEqual({
      AssignmentRequired: true,
    });
    const analysts = config.identityCenter.groups.find((g) => g.name === 'analysts')!;
    expect(await call(sso, 'ListApplicationAssignments', { ApplicationArn: APP_ARN })).toEqual({
      ApplicationAssignments: [
        { ApplicationArn: APP_ARN, PrincipalId: alice.userId, PrincipalType: 'USER' },
        { ApplicationArn: APP_ARN, PrincipalId: analysts.groupId, PrincipalType: 'GROUP' },
      ],
    });
    const first = await call(sso, 'ListApplicationAssignments', { ApplicationArn: APP_ARN, MaxResults: 1 });
    expect(first.NextToken).toBe('o1');
    const second = await call(sso, 'ListApplicationAssignments', {
      ApplicationArn: APP_ARN,
      NextToken: 'o1',
    });
    expect(second.ApplicationAssignments).toEqual([
      { ApplicationArn: APP_ARN, PrincipalId: analysts.groupId, PrincipalType: 'GROUP' },
    ]);
    expect(
      await call(sso, 'ListApplicationAssignmentsForPrincipal', {
        InstanceArn: INSTANCE_ARN,
        PrincipalId: alice.userId,
        PrincipalType: 'USER',
        Filter: { ApplicationArn: APP_ARN },
      }),
    ).toEqual({
      ApplicationAssignments: [{ ApplicationArn: APP_ARN, PrincipalId: alice.userId, PrincipalType: 'USER' }],
    });
  });

  it("a role session — the user's own credentials — is refused with AccessDeniedException", async () => {
    for (const caller of [SESSION, { ...SESSION, kind: 'access-grants' as const }]) {
      const error = await refusal(
        call(sso, 'GetApplicationGrant', { ApplicationArn: APP_ARN, GrantType: JWT_BEARER }, caller),
      );
      expect(error.code).toBe('AccessDeniedException');
      expect(error.message).toContain('sso:GetApplicationGrant');
    }
    const other = { ...CALLER, accountId: '210987654321', arn: 'arn:aws:iam::210987654321:user/x' };
    expect((await refusal(call(sso, 'ListInstances', {}, other))).code).toBe('AccessDeniedException');
    const error = await refusal(
      call(
        store,
        'GetUserId',
        {
          IdentityStoreId: STORE_ID,
          AlternateIdentifier: { UniqueAttribute: { AttributePath: 'userName', AttributeValue: 'alice' } },
        },
        SESSION,
      ),
    );
    expect(error.code).toBe('AccessDeniedException');
  });

  const hostile: [string, Record<string, unknown>, string][] = [
    ['DescribeTrustedTokenIssuer', {}, 'ValidationException'],
    ['DescribeTrustedTokenIssuer', { TrustedTokenIssuerArn: 42 }, 'ValidationException'],
    ['DescribeTrustedTokenIssuer', { TrustedTokenIssuerArn: `${TTI_ARN}/../x` }, 'ValidationException'],
    [
      'DescribeTrustedTokenIssuer',
      { TrustedTokenIssuerArn: TTI_ARN.replace('tti-idp', 'tti-other') },
      'ResourceNotFoundException',
    ],
    ['GetApplicationGrant', { ApplicationArn: APP_ARN }, 'ValidationException'],
    ['GetApplicationGrant', { ApplicationArn: APP_ARN, GrantType: 'password' }, 'ValidationException'],
    [
      'GetApplicationGrant',
      { ApplicationArn: 'arn:aws:sso::1:application/x', GrantType: JWT_BEARER },
      'ValidationException',
    ],
    [
      'GetApplicationGrant',
      { ApplicationArn: APP_ARN.replace('apl-aaaa', 'apl-ffff'), GrantType: JWT_BEARER },
      'ResourceNotFoundException',
    ],
    ['GetApplicationAssignmentConfiguration', { ApplicationArn: ['x'] }, 'ValidationException'],
    ['ListApplicationAssignments', { ApplicationArn: APP_ARN, MaxResults: 0 }, 'ValidationException'],
    ['ListApplicationAssignments', { ApplicationArn: APP_ARN, MaxResults: 101 }, 'ValidationException'],
    ['ListApplicationAssignments', { ApplicationArn: APP_ARN, MaxResults: 1.5 }, 'ValidationException'],
    ['ListApplicationAssignments', { ApplicationArn: APP_ARN, NextToken: 'forged' }, 'ValidationException'],
    [
      'ListApplicationAssignmentsForPrincipal',
      { InstanceArn: INSTANCE_ARN, PrincipalId: alice.userId },
      'ValidationException',
    ],
    [
      'ListApplicationAssignmentsForPrincipal',
      { InstanceArn: INSTANCE_ARN, PrincipalId: 'a/b', PrincipalType: 'USER' },
      'ValidationException',
    ],
    [
      'ListApplicationAssignmentsForPrincipal',
      { InstanceArn: INSTANCE_ARN, PrincipalId: alice.userId, PrincipalType: 'ROLE' },
      'ValidationException',
    ],
    [
      'ListApplicationAssignmentsForPrincipal',
      { InstanceArn: INSTANCE_ARN, PrincipalId: alice.userId, PrincipalType: 'USER', Filter: 'x' },
      'ValidationException',
    ],
    [
      'ListApplicationAssignmentsForPrincipal',
      {
        InstanceArn: 'arn:aws:sso:::instance/ssoins-0000000000000000',
        PrincipalId: alice.userId,
        PrincipalType: 'USER',
      },
      'ResourceNotFoundException',
    ],
    [
      'ListApplicationAssignmentsForPrincipal',
      { InstanceArn: INSTANCE_ARN, PrincipalId: 'no-such-user', PrincipalType: 'USER' },
      'ResourceNotFoundException',
    ],
  ];
  it.each(hostile)('%s %j → %s', async (operation, input, code) => {
    expect((await refusal(call(sso, operation, input))).code).toBe(code);
  });
});

describe('identitystore', () => {
  it('GetUserId by userName and emails.value; IsMemberInGroups', async () => {
    for (const [AttributePath, AttributeValue] of [
      ['userName', 'alice'],
      ['emails.value', alice.email],
    ]) {
      expect(
        await call(store, 'GetUserId', {
          IdentityStoreId: STORE_ID,
          AlternateIdentifier: { UniqueAttribute: { AttributePath, AttributeValue } },
        }),
      ).toEqual({ IdentityStoreId: STORE_ID, UserId: alice.userId });
    }
    const [analysts, other] = [
      config.identityCenter.groups.find((g) => g.name === 'analysts')!.groupId,
      'no-such-group',
    ];
    expect(
      await call(store, 'IsMemberInGroups', {
        IdentityStoreId: STORE_ID,
        MemberId: { UserId: alice.userId },
        GroupIds: [analysts, other],
      }),
    ).toEqual({
      Results: [
        { GroupId: analysts, MemberId: { UserId: alice.userId }, MembershipExists: true },
        { GroupId: other, MemberId: { UserId: alice.userId }, MembershipExists: false },
      ],
    });
  });

  const unique = (AttributePath: unknown, AttributeValue: unknown) => ({
    IdentityStoreId: STORE_ID,
    AlternateIdentifier: { UniqueAttribute: { AttributePath, AttributeValue } },
  });
  const hostile: [string, Record<string, unknown>, string][] = [
    ['GetUserId', {}, 'ValidationException'],
    ['GetUserId', { IdentityStoreId: STORE_ID, AlternateIdentifier: 'alice' }, 'ValidationException'],
    ['GetUserId', { IdentityStoreId: STORE_ID, AlternateIdentifier: {} }, 'ValidationException'],
    ['GetUserId', { ...unique('userName', 'alice'), IdentityStoreId: 'd-XYZ' }, 'ValidationException'],
    [
      'GetUserId',
      { ...unique('userName', 'alice'), IdentityStoreId: 'd-0000000000' },
      'ResourceNotFoundException',
    ],
    ['GetUserId', unique('displayName', 'alice'), 'ValidationException'],
    ['GetUserId', unique('userName', { $ne: null }), 'ValidationException'],
    ['GetUserId', unique('userName', ''), 'ValidationException'],
    ['GetUserId', unique('userName', 'Alice'), 'ResourceNotFoundException'],
    // Two users share this email: not a unique match, so no user.
    ['GetUserId', unique('emails.value', 'shared@example.com'), 'ResourceNotFoundException'],
    [
      'GetUserId',
      { IdentityStoreId: STORE_ID, AlternateIdentifier: { ExternalId: { Issuer: 'x', Id: 'y' } } },
      'ResourceNotFoundException',
    ],
    [
      'IsMemberInGroups',
      { IdentityStoreId: STORE_ID, MemberId: { UserId: 'a' }, GroupIds: [] },
      'ValidationException',
    ],
    [
      'IsMemberInGroups',
      { IdentityStoreId: STORE_ID, MemberId: { UserId: 'a', X: 1 }, GroupIds: ['g'] },
      'ValidationException',
    ],
    [
      'IsMemberInGroups',
      { IdentityStoreId: STORE_ID, MemberId: { UserId: 'a' }, GroupIds: ['g/..'] },
      'ValidationException',
    ],
    [
      'IsMemberInGroups',
      { IdentityStoreId: STORE_ID, MemberId: { UserId: 'a' }, GroupIds: Array(101).fill('g') },
      'ValidationException',
    ],
  ];
  it.each(hostile)('%s %j → %s', async (operation, input, code) => {
    expect((await refusal(call(store, operation, input))).code).toBe(code);
  });
});

describe('any request members', () => {
  const member = fc.oneof(
    anyJsonValue(),
    fc.constantFrom(
      APP_ARN,
      TTI_ARN,
      INSTANCE_ARN,
      STORE_ID,
      alice.userId,
      JWT_BEARER,
      'USER',
      'GROUP',
      'o1',
    ),
  );
  const members = fc.dictionary(
    fc.constantFrom(
      'ApplicationArn',
      'TrustedTokenIssuerArn',
      'GrantType',
      'InstanceArn',
      'PrincipalId',
      'PrincipalType',
      'Filter',
      'MaxResults',
      'NextToken',
      'IdentityStoreId',
      'AlternateIdentifier',
      'MemberId',
      'GroupIds',
      '__proto__',
    ),
    member,
  );
  it('are answered or refused with a modelled client error, never anything else', async () => {
    const operations = [
      ...Object.keys(sso.handlers).map((op) => [sso, op] as const),
      ...Object.keys(store.handlers).map((op) => [store, op] as const),
    ];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...operations), members, async ([module, operation], input) => {
        try {
          const out = await call(module, operation, input);
          expect(typeof out).toBe('object');
        } catch (error) {
          expect(error).toBeInstanceOf(AwsServiceError);
          expect(['ValidationException', 'ResourceNotFoundException']).toContain(
            (error as AwsServiceError).code,
          );
        }
      }),
      { numRuns: 400 },
    );
  });
});
