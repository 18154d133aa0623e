import { AthenaClient, GetWorkGroupCommand, ListWorkGroupsCommand } from '@aws-sdk/client-athena';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateTokenWithIAMCommand, SSOOIDCClient } from '@aws-sdk/client-sso-oidc';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../../src/emulator/start.js';
import { ACCESS_ROLE, ACCOUNT, APP_ARN, baseConfig } from './helpers/config.js';

/** The service principal's policy exactly as docs/aws-setup.md recommends it. */
const DOCS_KEY = { accessKeyId: 'AKIADOCSPOLICY000001', secretAccessKey: 'docs-policy-secret-000000001' };
/** A reader with object permissions on a prefix only. */
const READER_KEY = { accessKeyId: 'AKIALAKEREADER000001', secretAccessKey: 'lake-reader-secret-00000001' };
const DOCS_ARN = `arn:aws:iam::${ACCOUNT}:user/analytics-service`;
const READER_ARN = `arn:aws:iam::${ACCOUNT}:user/lake-reader`;
const WG = (name: string) => `arn:aws:athena:us-east-1:${ACCOUNT}:workgroup/${name}`;

let emu: RunningEmulator;
beforeAll(async () => {
  const base = baseConfig();
  emu = await startEmulator(
    {
      ...base,
      roles: base.roles.map((r) =>
        r.arn === ACCESS_ROLE
          ? {
              ...r,
              trustPolicy: [
                ...r.trustPolicy,
                {
                  Effect: 'Allow' as const,
                  Principal: { AWS: DOCS_ARN },
                  Action: ['sts:AssumeRole', 'sts:SetContext'],
                },
              ],
            }
          : r,
      ),
      callers: [
        ...base.callers,
        {
          ...DOCS_KEY,
          principalArn: DOCS_ARN,
          permissions: [
            { Effect: 'Allow', Action: 'sso-oauth:CreateTokenWithIAM', Resource: APP_ARN },
            { Effect: 'Allow', Action: ['sts:AssumeRole', 'sts:SetContext'], Resource: ACCESS_ROLE },
          ],
        },
        {
          ...READER_KEY,
          principalArn: READER_ARN,
          permissions: [
            { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::lake/team-a/*' },
            { Effect: 'Allow', Action: 'athena:GetWorkGroup', Resource: WG('analysts') },
          ],
        },
      ],
      athena: { workGroups: [{ name: 'analysts' }], tables: [], grants: [] },
      s3: { buckets: [{ name: 'lake', objects: { 'team-a/r.csv': 'a', 'team-b/n.txt': 'b' } }] },
    },
    { quiet: true, services: { 'redshift-data': false } },
  );
});
afterAll(() => emu.stop());

const nameOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'ok',
    (e: { name: string }) => e.name,
  );

describe('IAM evaluates each action on its real resource ARN', () => {
  it('accepts the service policy of docs/aws-setup.md (resource-scoped) for the whole exchange', async () => {
    const sso = new SSOOIDCClient(emu.clientConfig({ credentials: DOCS_KEY }));
    const sts = new STSClient(emu.clientConfig({ credentials: DOCS_KEY }));
    try {
      const tokens = await sso.send(
        new CreateTokenWithIAMCommand({
          clientId: APP_ARN,
          grantType: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
          assertion: await emu.tokenFor('alice'),
        }),
      );
      const session = await sts.send(
        new AssumeRoleCommand({
          RoleArn: ACCESS_ROLE,
          RoleSessionName: 'docs-policy',
          ProvidedContexts: [
            {
              ProviderArn: 'arn:aws:iam::aws:contextProvider/IdentityCenter',
              ContextAssertion: tokens.awsAdditionalDetails!.identityContext!,
            },
          ],
        }),
      );
      expect(session.Credentials?.AccessKeyId).toMatch(/^ASIA/);
      // The scoped Allow was evaluated against the role ARN, not the literal `*`.
      const decisions = emu.auditLog.find({ callerArn: DOCS_ARN, outcome: 'allowed' });
      expect(decisions.map((d) => [d.action, d.resource])).toEqual(
        expect.arrayContaining([
          ['sso-oauth:CreateTokenWithIAM', APP_ARN],
          ['sts:AssumeRole', ACCESS_ROLE],
          ['sts:SetContext', ACCESS_ROLE],
        ]),
      );
      // The same policy does not cover another role.
      expect(
        await nameOf(
          sts.send(
            new AssumeRoleCommand({
              RoleArn: `arn:aws:iam::${ACCOUNT}:role/no-set-context`,
              RoleSessionName: 'other',
            }),
          ),
        ),
      ).toBe('AccessDenied');
    } finally {
      sso.destroy();
      sts.destroy();
    }
  });

  it('evaluates S3 object calls with s3:GetObject on the object ARN and listings with s3:ListBucket', async () => {
    const s3 = new S3Client(emu.clientConfig({ credentials: READER_KEY, service: 's3' }));
    try {
      const got = await s3.send(new GetObjectCommand({ Bucket: 'lake', Key: 'team-a/r.csv' }));
      expect(await got.Body?.transformToString()).toBe('a');
      expect(await nameOf(s3.send(new GetObjectCommand({ Bucket: 'lake', Key: 'team-b/n.txt' })))).toBe(
        'AccessDenied',
      );
      expect(
        await nameOf(s3.send(new PutObjectCommand({ Bucket: 'lake', Key: 'team-a/x', Body: 'x' }))),
      ).toBe('AccessDenied');
      expect(await nameOf(s3.send(new ListObjectsV2Command({ Bucket: 'lake' })))).toBe('AccessDenied');
      const listing = emu.auditLog.find({ callerArn: READER_ARN, operation: 'ListObjectsV2' });
      expect(listing.map((d) => [d.action, d.resource])).toContainEqual([
        's3:ListBucket',
        'arn:aws:s3:::lake',
      ]);
    } finally {
      s3.destroy();
    }
  });

  it('evaluates Athena workgroup actions on the workgroup ARN', async () => {
    const athena = new AthenaClient(emu.clientConfig({ credentials: READER_KEY }));
    try {
      const wg = await athena.send(new GetWorkGroupCommand({ WorkGroup: 'analysts' }));
      expect(wg.WorkGroup?.Name).toBe('analysts');
      expect(await nameOf(athena.send(new GetWorkGroupCommand({ WorkGroup: 'primary' })))).toBe(
        'AccessDeniedException',
      );
      expect(await nameOf(athena.send(new ListWorkGroupsCommand({})))).toBe('AccessDeniedException');
    } finally {
      athena.destroy();
    }
  });
});
