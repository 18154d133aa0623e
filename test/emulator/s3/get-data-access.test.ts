import { describe, expect, it } from 'vitest';
import type { Caller } from '../../../src/emulator/core/types.js';
import { createS3ControlService } from '../../../src/emulator/s3/control-service.js';
import {
  ACCOUNT,
  ALICE,
  BOB,
  CAROL,
  ETL,
  ETL_ROLE,
  fakeRuntime,
  LOCATION_ROLE,
  RESTRICTED_ROLE,
  SVC,
  SVC_USER,
  call,
  s3Config,
  xmlText,
} from './helpers.js';

const PATH = '/v20180820/accessgrantsinstance/dataaccess';

async function gda(
  caller: Caller | undefined,
  query: Record<string, string>,
  headers?: Record<string, string>,
) {
  const runtime = fakeRuntime();
  const module = await createS3ControlService(runtime);
  const result = await call(module, runtime, caller, {
    path: PATH,
    query,
    headers: headers ?? { 'x-amz-account-id': ACCOUNT },
  });
  return { ...result, runtime };
}

type Row = [
  name: string,
  caller: Caller,
  target: string,
  permission: string,
  expected: { matched: string; grantee: string; scope?: string } | { error: string },
];

const ROWS: Row[] = [
  [
    'user grant, object inside',
    ALICE,
    's3://lake/team-a/report.csv',
    'READ',
    { matched: 's3://lake/team-a/*', grantee: 'DIRECTORY_USER:u-alice' },
  ],
  [
    'user grant, sub-prefix',
    ALICE,
    's3://lake/team-a/sub/*',
    'READ',
    { matched: 's3://lake/team-a/*', grantee: 'DIRECTORY_USER:u-alice' },
  ],
  [
    'longest match wins',
    ALICE,
    's3://lake/team-a/deep/x.csv',
    'READ',
    { matched: 's3://lake/team-a/deep/*', grantee: 'DIRECTORY_USER:u-alice' },
  ],
  [
    'READWRITE grant serves WRITE',
    ALICE,
    's3://lake/team-a/deep/*',
    'WRITE',
    { matched: 's3://lake/team-a/deep/*', grantee: 'DIRECTORY_USER:u-alice' },
  ],
  [
    'READWRITE grant serves READWRITE',
    ALICE,
    's3://lake/team-a/deep/*',
    'READWRITE',
    { matched: 's3://lake/team-a/deep/*', grantee: 'DIRECTORY_USER:u-alice' },
  ],
  [
    'READ grant does not serve WRITE',
    ALICE,
    's3://lake/team-a/report.csv',
    'WRITE',
    { error: 'AccessDenied' },
  ],
  [
    'READ grant does not serve READWRITE',
    ALICE,
    's3://lake/team-a/*',
    'READWRITE',
    { error: 'AccessDenied' },
  ],
  [
    'group grant for a member',
    ALICE,
    's3://lake/shared/readme.txt',
    'READ',
    { matched: 's3://lake/shared/*', grantee: 'DIRECTORY_GROUP:g-analysts' },
  ],
  ['group grant, not a member', BOB, 's3://lake/shared/readme.txt', 'READ', { error: 'AccessDenied' }],
  [
    'group READWRITE for a member',
    BOB,
    's3://lake/eng/*',
    'READWRITE',
    { matched: 's3://lake/eng/*', grantee: 'DIRECTORY_GROUP:g-engineers' },
  ],
  [
    'object grant, that object',
    BOB,
    's3://lake/reports/q1.csv',
    'READ',
    { matched: 's3://lake/reports/q1.csv', grantee: 'DIRECTORY_USER:u-bob' },
  ],
  ['object grant, sibling object', BOB, 's3://lake/reports/q2.csv', 'READ', { error: 'AccessDenied' }],
  ['object grant never covers a prefix', BOB, 's3://lake/reports/*', 'READ', { error: 'AccessDenied' }],
  ['object grant, its key as a prefix', BOB, 's3://lake/reports/q1.csv*', 'READ', { error: 'AccessDenied' }],
  [
    'IAM grant by role ARN for a role session',
    ETL,
    's3://lake/etl/*',
    'WRITE',
    { matched: 's3://lake/etl/*', grantee: `IAM:${ETL_ROLE}` },
  ],
  ['WRITE grant does not serve READ', ETL, 's3://lake/etl/in.csv', 'READ', { error: 'AccessDenied' }],
  [
    'IAM grant by user ARN',
    SVC,
    's3://lake/svc/a.txt',
    'READ',
    { matched: 's3://lake/svc/*', grantee: `IAM:${SVC_USER}` },
  ],
  ['request wider than the grant', ALICE, 's3://lake/*', 'READ', { error: 'AccessDenied' }],
  ['prefix without its slash is wider', ALICE, 's3://lake/team-a*', 'READ', { error: 'AccessDenied' }],
  ['other bucket', ALICE, 's3://other-bucket/team-a/x', 'READ', { error: 'AccessDenied' }],
  [
    'unresolvable grantee grants nobody',
    CAROL,
    's3://lake/team-b/secret.csv',
    'READ',
    { error: 'AccessDenied' },
  ],
  [
    'encoded slash stays literal',
    ALICE,
    's3://lake/team-a%2F..%2Fteam-b/*',
    'READ',
    { error: 'AccessDenied' },
  ],
  [
    'percent-dots stay literal, inside the grant',
    ALICE,
    's3://lake/team-a/%2e%2e/x',
    'READ',
    { matched: 's3://lake/team-a/*', grantee: 'DIRECTORY_USER:u-alice' },
  ],
  ['not an s3 URI', ALICE, 'https://lake/team-a/x', 'READ', { error: 'InvalidRequest' }],
  ['no scheme', ALICE, 'lake/team-a/x', 'READ', { error: 'InvalidRequest' }],
  ['empty', ALICE, '', 'READ', { error: 'InvalidRequest' }],
  ['bucket only', ALICE, 's3://lake', 'READ', { error: 'InvalidRequest' }],
  ['bad bucket name', ALICE, 's3://LAKE/team-a/x', 'READ', { error: 'InvalidRequest' }],
  ['dot-dot segment', ALICE, 's3://lake/team-a/../team-b/secret.csv', 'READ', { error: 'InvalidRequest' }],
  ['dot segment', ALICE, 's3://lake/team-a/./x', 'READ', { error: 'InvalidRequest' }],
  ['trailing dot-dot prefix', ALICE, 's3://lake/team-a/..*', 'READ', { error: 'InvalidRequest' }],
  ['inner wildcard', ALICE, 's3://lake/*/report.csv', 'READ', { error: 'InvalidRequest' }],
  ['double wildcard', ALICE, 's3://lake/team-a/**', 'READ', { error: 'InvalidRequest' }],
  ['control character', ALICE, 's3://lake/team-a/x\u0000', 'READ', { error: 'InvalidRequest' }],
  ['too long', ALICE, `s3://lake/team-a/${'x'.repeat(2000)}`, 'READ', { error: 'InvalidRequest' }],
  ['bad permission', ALICE, 's3://lake/team-a/x', 'read', { error: 'InvalidRequest' }],
];

describe('GetDataAccess grant matching', () => {
  it.each(ROWS)('%s', async (_name, caller, target, permission, expected) => {
    const { reply, error, audits, runtime } = await gda(caller, { target, permission });
    if ('error' in expected) {
      expect(error?.code).toBe(expected.error);
      expect(error?.status).toBe(expected.error === 'AccessDenied' ? 403 : 400);
      expect(runtime.issued).toHaveLength(0);
      expect(audits.some((a) => a.outcome === 'allowed')).toBe(false);
      if (expected.error === 'AccessDenied') expect(audits.some((a) => a.outcome === 'denied')).toBe(true);
      return;
    }
    expect(error).toBeUndefined();
    expect(reply?.status).toBe(200);
    expect(xmlText(reply?.body, 'MatchedGrantTarget')).toBe(expected.matched);
    expect(`${xmlText(reply?.body, 'GranteeType')}:${xmlText(reply?.body, 'GranteeIdentifier')}`).toBe(
      expected.grantee,
    );
    expect(runtime.issued).toHaveLength(1);
    const scope = runtime.issued[0]?.caller.accessGrantScope;
    expect(scope?.target).toBe(expected.scope ?? expected.matched);
    expect(scope?.permission).toBe(permission);
    expect(audits).toEqual([expect.objectContaining({ outcome: 'allowed', resource: target })]);
  });

  it('explains a permission shortfall and a missing grant differently', async () => {
    const write = await gda(ALICE, { target: 's3://lake/team-a/report.csv', permission: 'WRITE' });
    expect(write.error?.message).toContain('allow only READ, not WRITE');
    const none = await gda(BOB, { target: 's3://lake/team-a/report.csv', permission: 'READ' });
    expect(none.error?.message).toContain('no access grant of the caller covers s3://lake/team-a/report.csv');
  });

  it('vends credentials of the location role, without the identity context', async () => {
    const { runtime, reply } = await gda(CAROL, {
      target: 's3://lake/restricted/carol/c.txt',
      permission: 'READ',
    });
    expect(reply?.status).toBe(200);
    const issued = runtime.issued[0]?.caller;
    expect(issued?.kind).toBe('access-grants');
    expect(issued?.roleArn).toBe(RESTRICTED_ROLE);
    expect(issued?.arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/ag-restricted/access-grants-u-carol`);
    expect(issued?.identityContext).toBeUndefined();
    expect(issued?.accessGrantScope?.grantee).toEqual({ type: 'DIRECTORY_USER', id: 'u-carol' });
    const other = await gda(ALICE, { target: 's3://lake/team-a/x', permission: 'READ' });
    expect(other.runtime.issued[0]?.caller.roleArn).toBe(LOCATION_ROLE);
  });

  it('writes the credentials into the reply and keeps them out of the audit log', async () => {
    const { reply, runtime, audits } = await gda(ALICE, { target: 's3://lake/team-a/x', permission: 'READ' });
    const body = String(reply?.body);
    expect(body).toContain('<GetDataAccessResult xmlns="http://awss3control.amazonaws.com/doc/2018-08-20/">');
    const secret = xmlText(body, 'SecretAccessKey') as string;
    const token = xmlText(body, 'SessionToken') as string;
    expect(runtime.credentials.lookup(xmlText(body, 'AccessKeyId') as string)?.secretAccessKey).toBe(secret);
    expect(JSON.stringify(audits)).not.toContain(secret);
    expect(JSON.stringify(audits)).not.toContain(token);
  });
});

describe('GetDataAccess privilege', () => {
  it.each([
    ['Default', 's3://lake/team-a/report.csv', 's3://lake/team-a/*'],
    ['Minimal', 's3://lake/team-a/report.csv', 's3://lake/team-a/report.csv'],
    ['Minimal', 's3://lake/team-a/sub/*', 's3://lake/team-a/sub/*'],
    ['Default', 's3://lake/team-a/sub/*', 's3://lake/team-a/*'],
  ])('%s for %s scopes %s', async (privilege, target, scope) => {
    const { runtime, reply } = await gda(ALICE, { target, permission: 'READ', privilege });
    expect(xmlText(reply?.body, 'MatchedGrantTarget')).toBe('s3://lake/team-a/*');
    expect(runtime.issued[0]?.caller.accessGrantScope?.target).toBe(scope);
  });

  it.each(['minimal', 'Maximal', 'DEFAULT'])('rejects privilege %s', async (privilege) => {
    const { error } = await gda(ALICE, { target: 's3://lake/team-a/x', permission: 'READ', privilege });
    expect(error?.code).toBe('InvalidRequest');
  });

  it('accepts targetType Object only for an object target', async () => {
    const ok = await gda(ALICE, { target: 's3://lake/team-a/x', permission: 'READ', targetType: 'Object' });
    expect(ok.reply?.status).toBe(200);
    const prefix = await gda(ALICE, {
      target: 's3://lake/team-a/*',
      permission: 'READ',
      targetType: 'Object',
    });
    expect(prefix.error?.code).toBe('InvalidRequest');
    const other = await gda(ALICE, {
      target: 's3://lake/team-a/x',
      permission: 'READ',
      targetType: 'Prefix',
    });
    expect(other.error?.code).toBe('InvalidRequest');
  });
});

describe('GetDataAccess duration', () => {
  const NOW = Date.UTC(2026, 0, 1);
  it.each([
    [undefined, 3600],
    ['900', 900],
    ['43200', 43200],
  ])('durationSeconds %s lasts %i s', async (duration, seconds) => {
    const query: Record<string, string> = { target: 's3://lake/team-a/x', permission: 'READ' };
    if (duration) query.durationSeconds = duration;
    const { reply, runtime } = await gda(ALICE, query);
    expect(runtime.issued[0]?.expiresAt).toBe(NOW + seconds * 1000);
    expect(xmlText(reply?.body, 'Expiration')).toBe(new Date(NOW + seconds * 1000).toISOString());
  });

  it.each(['899', '43201', '0', '-1', '1e3', 'abc', '3600.5', '99999999999'])(
    'rejects %s',
    async (duration) => {
      const { error, runtime } = await gda(ALICE, {
        target: 's3://lake/team-a/x',
        permission: 'READ',
        durationSeconds: duration,
      });
      expect(error?.code).toBe('InvalidRequest');
      expect(runtime.issued).toHaveLength(0);
    },
  );
});

describe('GetDataAccess account and caller checks', () => {
  const query = { target: 's3://lake/team-a/x', permission: 'READ' };
  it('requires x-amz-account-id', async () => {
    expect((await gda(ALICE, query, {})).error?.code).toBe('InvalidRequest');
    expect((await gda(ALICE, query, { 'x-amz-account-id': '12345' })).error?.code).toBe('InvalidRequest');
  });

  it('denies another account', async () => {
    const runtime = fakeRuntime();
    const module = await createS3ControlService(runtime);
    const { error } = await call(module, runtime, ALICE, {
      path: PATH,
      query,
      host: 's3-control.us-east-1.amazonaws.com',
      headers: { 'x-amz-account-id': '999999999999' },
    });
    expect(error?.code).toBe('AccessDenied');
    expect(error?.message).toContain(`send AccountId ${ACCOUNT}`);
  });

  it('denies a host label that disagrees with the header', async () => {
    const runtime = fakeRuntime();
    const module = await createS3ControlService(runtime);
    const { error } = await call(module, runtime, ALICE, {
      path: PATH,
      query,
      host: '999999999999.localhost:4566',
      headers: { 'x-amz-account-id': ACCOUNT },
    });
    expect(error?.code).toBe('AccessDenied');
  });

  it('answers AccessGrantsInstanceNotExistsError without an instance', async () => {
    const runtime = fakeRuntime(s3Config(null));
    const module = await createS3ControlService(runtime);
    const { error } = await call(module, runtime, ALICE, {
      path: PATH,
      query,
      headers: { 'x-amz-account-id': ACCOUNT },
    });
    expect(error?.code).toBe('AccessGrantsInstanceNotExistsError');
    expect(error?.status).toBe(404);
  });

  it('honours the IAM decision on the instance', async () => {
    const runtime = fakeRuntime();
    runtime.denied.add('s3:GetDataAccess');
    const module = await createS3ControlService(runtime);
    const { error } = await call(module, runtime, SVC, {
      path: PATH,
      query: { target: 's3://lake/svc/a.txt', permission: 'READ' },
      headers: { 'x-amz-account-id': ACCOUNT },
    });
    expect(error?.code).toBe('AccessDenied');
    expect(runtime.authorizations).toContainEqual({
      action: 's3:GetDataAccess',
      resource: `arn:aws:s3:us-east-1:${ACCOUNT}:access-grants/default`,
    });
  });

  it('lets vended credentials act as nobody', async () => {
    const vended: Caller = {
      accessKeyId: 'ASIAVENDED',
      accountId: ACCOUNT,
      kind: 'access-grants',
      arn: `arn:aws:sts::${ACCOUNT}:assumed-role/ag-location/access-grants-u-alice`,
      roleArn: LOCATION_ROLE,
      accessGrantScope: {
        target: 's3://lake/team-a/*',
        permission: 'READ',
        grantee: { type: 'DIRECTORY_USER', id: 'u-alice' },
      },
    };
    const { error } = await gda(vended, query);
    expect(error?.code).toBe('AccessDenied');
    expect(error?.message).toContain('cannot act as an Access Grants grantee');
  });

  it('resolves only its three GET routes', async () => {
    const module = await createS3ControlService(fakeRuntime());
    const raw = { query: {}, headers: {}, body: Buffer.alloc(0), host: 'h' };
    expect(module.resolveOperation?.({ ...raw, method: 'GET', path: PATH })).toBe('GetDataAccess');
    expect(module.resolveOperation?.({ ...raw, method: 'POST', path: PATH })).toBeUndefined();
    expect(module.resolveOperation?.({ ...raw, method: 'GET', path: `${PATH}/` })).toBeUndefined();
    expect(
      module.resolveOperation?.({ ...raw, method: 'GET', path: '/v20180820/constructor' }),
    ).toBeUndefined();
    expect(
      module.resolveOperation?.({ ...raw, method: 'GET', path: '/v20180820/__proto__' }),
    ).toBeUndefined();
  });
});
