import { describe, expect, it } from 'vitest';
import { callerGrantees, resolveAccessGrants } from '../../../src/emulator/s3/grants.js';
import { ACCOUNT, ALICE, ETL, ETL_ROLE, s3Config, SVC, SVC_USER } from './helpers.js';

describe('resolveAccessGrants', () => {
  it('resolves grantees to identity store ids and picks the narrowest location', () => {
    const instance = resolveAccessGrants(s3Config());
    expect(instance?.accountId).toBe(ACCOUNT);
    const carol = instance?.grants.find((g) => g.grantee.id === 'u-carol');
    expect(carol?.location.scopeText).toBe('s3://lake/restricted/');
    expect(instance?.grants.find((g) => g.grantee.id === 'g-analysts')?.location.scopeText).toBe('s3://');
  });

  it('leaves out, and reports, grants that cannot be honoured exactly', () => {
    const instance = resolveAccessGrants(
      s3Config({
        accountId: '210987654321',
        locations: [{ scope: 's3://lake/team-a/' }, { scope: 'lake' }],
        grants: [
          { grantee: 'user:alice', target: 's3://lake/team-a/*', permission: 'READ' },
          { grantee: 'user:alice', target: 's3://lake', permission: 'READ' },
          { grantee: 'user:alice', target: 's3://lake/team-a/../x/*', permission: 'READ' },
          { grantee: 'user:ghost', target: 's3://lake/team-a/*', permission: 'READ' },
          { grantee: 'group:ghosts', target: 's3://lake/team-a/*', permission: 'READ' },
          { grantee: 'iam:not-an-arn', target: 's3://lake/team-a/*', permission: 'READ' },
          { grantee: 'alice', target: 's3://lake/team-a/*', permission: 'READ' },
          { grantee: 'user:alice', target: 's3://lake/team-b/*', permission: 'READ' },
        ],
      }),
    );
    expect(instance?.accountId).toBe('210987654321');
    expect(instance?.arn).toBe('arn:aws:s3:us-east-1:210987654321:access-grants/default');
    expect(instance?.grants.map((g) => g.index)).toEqual([0]);
    expect(instance?.grants[0]?.location.iamRoleArn).toBe(
      'arn:aws:iam::210987654321:role/s3-access-grants-location',
    );
    expect(instance?.ignored.map((i) => i.path)).toEqual([
      's3.accessGrants.locations[1].scope',
      's3.accessGrants.grants[1].target',
      's3.accessGrants.grants[2].target',
      's3.accessGrants.grants[3].grantee',
      's3.accessGrants.grants[4].grantee',
      's3.accessGrants.grants[5].grantee',
      's3.accessGrants.grants[6].grantee',
      's3.accessGrants.grants[7].target',
    ]);
  });

  it('is undefined without an Access Grants section', () => {
    expect(resolveAccessGrants(s3Config(null))).toBeUndefined();
  });
});

describe('callerGrantees', () => {
  it('uses the directory identity of identity-enhanced sessions only', () => {
    expect(callerGrantees(ALICE)).toEqual([
      { type: 'DIRECTORY_USER', id: 'u-alice' },
      { type: 'DIRECTORY_GROUP', id: 'g-analysts' },
    ]);
  });

  it('uses the role ARN of role sessions and the ARN of other principals', () => {
    expect(callerGrantees(ETL)).toEqual([{ type: 'IAM', id: ETL_ROLE }]);
    expect(callerGrantees(SVC)).toEqual([{ type: 'IAM', id: SVC_USER }]);
    expect(callerGrantees({ ...ETL, roleArn: undefined })).toEqual([]);
  });
});
