import { Readable } from 'node:stream';
import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import {
  GetAccessGrantsInstanceForPrefixCommand,
  GetDataAccessCommand,
  type GetDataAccessCommandInput,
  ListCallerAccessGrantsCommand,
  paginateListCallerAccessGrants,
  S3ControlClient,
} from '@aws-sdk/client-s3-control';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmulatorConfigInput } from '../../../src/emulator/config/types.js';
import { type RunningEmulator, startEmulator } from '../../../src/emulator/start.js';
import { ACCOUNT, BEARER_ROLE_ARN, BEARER_TRUST, SERVICE_ARN, e2eDirectory } from '../support/identities.js';
import { clientTracker, errorOf } from '../support/sdk.js';
import { type SessionKeys, identitySession, keysOf } from '../support/sessions.js';

const BEARER = BEARER_ROLE_ARN;
const ETL = `arn:aws:iam::${ACCOUNT}:role/etl`;
const LOCATION_ROLE = `arn:aws:iam::${ACCOUNT}:role/access-grants-location`;

const config: EmulatorConfigInput = {
  ...e2eDirectory(['alice', 'bob'], 'service-secret-key-0001'),
  roles: [
    { arn: BEARER, trustPolicy: BEARER_TRUST },
    {
      arn: ETL,
      trustPolicy: [{ Effect: 'Allow', Principal: { AWS: SERVICE_ARN }, Action: 'sts:AssumeRole' }],
    },
    {
      arn: LOCATION_ROLE,
      trustPolicy: [
        {
          Effect: 'Allow',
          Principal: { Service: 'access-grants.s3.amazonaws.com' },
          Action: 'sts:AssumeRole',
        },
      ],
    },
  ],
  s3: {
    buckets: [
      {
        name: 'lake',
        objects: {
          'team-a/report.csv': 'region,amount\neu,10\n',
          'team-a/2026/jan.csv': 'jan',
          'team-a/deep/x.csv': 'deep',
          'team-b/secret.csv': 'secret',
          'shared/readme.txt': 'hello analysts',
        },
      },
    ],
    accessGrants: {
      locations: [{ scope: 's3://', iamRoleArn: LOCATION_ROLE }],
      grants: [
        { grantee: 'user:alice', target: 's3://lake/team-a/*', permission: 'READ' },
        { grantee: 'user:alice', target: 's3://lake/team-a/deep/*', permission: 'READWRITE' },
        { grantee: 'group:analysts', target: 's3://lake/shared/*', permission: 'READ' },
        { grantee: `iam:${ETL}`, target: 's3://lake/team-b/*', permission: 'READ' },
      ],
    },
  },
};

type Keys = SessionKeys;

let emu: RunningEmulator;
const { track, destroyAll } = clientTracker();

beforeAll(async () => {
  emu = await startEmulator(config, {
    quiet: true,
    services: { athena: false, 'redshift-data': false, redshift: false, 'redshift-serverless': false },
  });
}, 60_000);

afterAll(async () => {
  destroyAll();
  await emu?.stop();
});

/** Identity-enhanced credentials of `user`, through STS AssumeRole with an IdC identity context. */
async function sessionOf(user: string): Promise<Keys> {
  return (await identitySession(emu, user, { contextTtlMs: 3600_000, track })).keys;
}

function control(keys: Keys): S3ControlClient {
  return track(new S3ControlClient(emu.clientConfig({ service: 's3-control', credentials: keys })));
}

function s3(keys: Keys, extra: Record<string, unknown> = {}): S3Client {
  return track(new S3Client({ ...emu.clientConfig({ service: 's3', credentials: keys }), ...extra }));
}

async function dataAccess(keys: Keys, input: Omit<GetDataAccessCommandInput, 'AccountId'>) {
  return control(keys).send(new GetDataAccessCommand({ AccountId: ACCOUNT, ...input }));
}

describe('S3 Access Grants through the AWS SDK', () => {
  it('vends READ credentials for a user grant that read inside the grant only', async () => {
    const alice = await sessionOf('alice');
    const before = emu.clock.now();
    const out = await dataAccess(alice, {
      Target: 's3://lake/team-a/*',
      Permission: 'READ',
      DurationSeconds: 900,
    });
    const after = emu.clock.now();
    expect(out.MatchedGrantTarget).toBe('s3://lake/team-a/*');
    expect(out.Grantee).toEqual({ GranteeType: 'DIRECTORY_USER', GranteeIdentifier: 'u-alice' });
    // The emulator clock follows real time: the expiry is 900 s after the moment of the call.
    const expiry = out.Credentials?.Expiration?.getTime() ?? 0;
    expect(expiry).toBeGreaterThanOrEqual(before + 900_000);
    expect(expiry).toBeLessThanOrEqual(after + 900_000);
    const client = s3(keysOf(out.Credentials));

    const got = await client.send(new GetObjectCommand({ Bucket: 'lake', Key: 'team-a/report.csv' }));
    expect(await got.Body?.transformToString()).toBe('region,amount\neu,10\n');
    expect(got.ContentLength).toBe(20);
    expect(got.ETag).toMatch(/^"[0-9a-f]{32}"$/);
    const ranged = await client.send(
      new GetObjectCommand({ Bucket: 'lake', Key: 'team-a/report.csv', Range: 'bytes=0-5' }),
    );
    expect(await ranged.Body?.transformToString()).toBe('region');
    expect(ranged.ContentRange).toBe('bytes 0-5/20');

    const outside = await errorOf(
      client.send(new GetObjectCommand({ Bucket: 'lake', Key: 'team-b/secret.csv' })),
    );
    expect(outside).toMatchObject({ name: 'AccessDenied', status: 403 });
    const missing = await errorOf(
      client.send(new GetObjectCommand({ Bucket: 'lake', Key: 'team-a/none.csv' })),
    );
    expect(missing).toMatchObject({ name: 'NoSuchKey', status: 404 });
    const head = await errorOf(
      client.send(new HeadObjectCommand({ Bucket: 'lake', Key: 'team-a/none.csv' })),
    );
    expect(head).toMatchObject({ name: 'NotFound', status: 404 });
    const write = await errorOf(
      client.send(new PutObjectCommand({ Bucket: 'lake', Key: 'team-a/new.csv', Body: 'x' })),
    );
    expect(write).toMatchObject({ name: 'AccessDenied', status: 403 });
  });

  it('lists inside the granted prefix and refuses listings outside it', async () => {
    const alice = await sessionOf('alice');
    const out = await dataAccess(alice, { Target: 's3://lake/team-a/*', Permission: 'READ' });
    const client = s3(keysOf(out.Credentials));
    const listed = await client.send(
      new ListObjectsV2Command({ Bucket: 'lake', Prefix: 'team-a/', Delimiter: '/' }),
    );
    expect(listed.Contents?.map((o) => o.Key)).toEqual(['team-a/report.csv']);
    expect(listed.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['team-a/2026/', 'team-a/deep/']);
    expect(listed.KeyCount).toBe(3);
    const paged: string[] = [];
    let token: string | undefined;
    do {
      const page = await client.send(
        new ListObjectsV2Command({ Bucket: 'lake', Prefix: 'team-a/', MaxKeys: 2, ContinuationToken: token }),
      );
      paged.push(...(page.Contents ?? []).map((o) => o.Key as string));
      token = page.NextContinuationToken;
    } while (token);
    expect(paged).toEqual(['team-a/2026/jan.csv', 'team-a/deep/x.csv', 'team-a/report.csv']);
    const whole = await errorOf(client.send(new ListObjectsV2Command({ Bucket: 'lake' })));
    expect(whole).toMatchObject({ name: 'AccessDenied', status: 403 });
  });

  it('refuses WRITE with only a READ grant at GetDataAccess, and writes with a READWRITE grant', async () => {
    const alice = await sessionOf('alice');
    const denied = await errorOf(
      dataAccess(alice, { Target: 's3://lake/team-a/report.csv', Permission: 'WRITE' }),
    );
    expect(denied).toMatchObject({ name: 'AccessDenied', status: 403 });
    expect(denied.message).toContain('allow only READ, not WRITE');

    const out = await dataAccess(alice, { Target: 's3://lake/team-a/deep/*', Permission: 'READWRITE' });
    expect(out.MatchedGrantTarget).toBe('s3://lake/team-a/deep/*');
    const client = s3(keysOf(out.Credentials));
    await client.send(new PutObjectCommand({ Bucket: 'lake', Key: 'team-a/deep/new.csv', Body: 'fresh' }));
    const got = await client.send(new GetObjectCommand({ Bucket: 'lake', Key: 'team-a/deep/new.csv' }));
    expect(await got.Body?.transformToString()).toBe('fresh');
    const sibling = await errorOf(
      client.send(new PutObjectCommand({ Bucket: 'lake', Key: 'team-a/new.csv', Body: 'fresh' })),
    );
    expect(sibling).toMatchObject({ name: 'AccessDenied' });
  });

  it('accepts uploads with the SDK default checksums, as a header and as an aws-chunked trailer', async () => {
    const alice = await sessionOf('alice');
    const out = await dataAccess(alice, { Target: 's3://lake/team-a/deep/*', Permission: 'READWRITE' });
    const client = s3(keysOf(out.Credentials), {
      requestChecksumCalculation: 'WHEN_SUPPORTED',
      responseChecksumValidation: 'WHEN_SUPPORTED',
    });
    const put = await client.send(
      new PutObjectCommand({ Bucket: 'lake', Key: 'team-a/deep/h.txt', Body: 'header' }),
    );
    expect(put.ChecksumCRC32).toBeDefined();
    await client.send(
      new PutObjectCommand({
        Bucket: 'lake',
        Key: 'team-a/deep/s.txt',
        Body: Readable.from([Buffer.from('streamed '), Buffer.from('body')]),
        ContentLength: 13,
      }),
    );
    const got = await client.send(new GetObjectCommand({ Bucket: 'lake', Key: 'team-a/deep/s.txt' }));
    expect(await got.Body?.transformToString()).toBe('streamed body');
    const checked = await client.send(new GetObjectCommand({ Bucket: 'lake', Key: 'team-a/deep/h.txt' }));
    expect(await checked.Body?.transformToString()).toBe('header');
  });

  it('serves a group grant to a member and not to a non-member', async () => {
    const member = await dataAccess(await sessionOf('alice'), {
      Target: 's3://lake/shared/readme.txt',
      Permission: 'READ',
    });
    expect(member.Grantee).toEqual({ GranteeType: 'DIRECTORY_GROUP', GranteeIdentifier: 'g-analysts' });
    const got = await s3(keysOf(member.Credentials)).send(
      new GetObjectCommand({ Bucket: 'lake', Key: 'shared/readme.txt' }),
    );
    expect(await got.Body?.transformToString()).toBe('hello analysts');
    const other = await errorOf(
      dataAccess(await sessionOf('bob'), { Target: 's3://lake/shared/readme.txt', Permission: 'READ' }),
    );
    expect(other).toMatchObject({ name: 'AccessDenied', status: 403 });
  });

  it('scopes Minimal credentials to exactly the target', async () => {
    const out = await dataAccess(await sessionOf('alice'), {
      Target: 's3://lake/team-a/report.csv',
      Permission: 'READ',
      Privilege: 'Minimal',
      TargetType: 'Object',
    });
    expect(out.MatchedGrantTarget).toBe('s3://lake/team-a/*');
    const client = s3(keysOf(out.Credentials));
    expect(
      (await client.send(new HeadObjectCommand({ Bucket: 'lake', Key: 'team-a/report.csv' }))).ContentLength,
    ).toBe(20);
    const sibling = await errorOf(
      client.send(new GetObjectCommand({ Bucket: 'lake', Key: 'team-a/2026/jan.csv' })),
    );
    expect(sibling).toMatchObject({ name: 'AccessDenied' });
  });

  it('denies an identity-enhanced session calling S3 directly', async () => {
    const alice = await sessionOf('alice');
    const direct = await errorOf(
      s3(alice).send(new GetObjectCommand({ Bucket: 'lake', Key: 'team-a/report.csv' })),
    );
    expect(direct).toMatchObject({ name: 'AccessDenied', status: 403 });
  });

  it('matches IAM grants by the role of a plain role session', async () => {
    const sts = track(new STSClient(emu.clientConfig({ service: 'sts' })));
    const role = await sts.send(new AssumeRoleCommand({ RoleArn: ETL, RoleSessionName: 'nightly' }));
    const out = await dataAccess(keysOf(role.Credentials), {
      Target: 's3://lake/team-b/*',
      Permission: 'READ',
    });
    expect(out.Grantee).toEqual({ GranteeType: 'IAM', GranteeIdentifier: ETL });
    const got = await s3(keysOf(out.Credentials)).send(
      new GetObjectCommand({ Bucket: 'lake', Key: 'team-b/secret.csv' }),
    );
    expect(await got.Body?.transformToString()).toBe('secret');
  });

  it('finds the instance for a prefix and lists the caller grants', async () => {
    const alice = await sessionOf('alice');
    const instance = await control(alice).send(
      new GetAccessGrantsInstanceForPrefixCommand({ AccountId: ACCOUNT, S3Prefix: 's3://lake/team-a/' }),
    );
    expect(instance).toMatchObject({
      AccessGrantsInstanceArn: `arn:aws:s3:us-east-1:${ACCOUNT}:access-grants/default`,
      AccessGrantsInstanceId: 'default',
    });
    const listed = await control(alice).send(new ListCallerAccessGrantsCommand({ AccountId: ACCOUNT }));
    expect(listed.CallerAccessGrantsList).toEqual([
      { Permission: 'READ', GrantScope: 's3://lake/team-a/*' },
      { Permission: 'READWRITE', GrantScope: 's3://lake/team-a/deep/*' },
      { Permission: 'READ', GrantScope: 's3://lake/shared/*' },
    ]);
    const scopes: string[] = [];
    for await (const page of paginateListCallerAccessGrants(
      { client: control(alice), pageSize: 1 },
      { AccountId: ACCOUNT },
    )) {
      scopes.push(...(page.CallerAccessGrantsList ?? []).map((g) => g.GrantScope as string));
    }
    expect(scopes).toEqual(['s3://lake/team-a/*', 's3://lake/team-a/deep/*', 's3://lake/shared/*']);
  });

  it('denies another account and vended credentials calling S3 Control', async () => {
    const alice = await sessionOf('alice');
    const other = await errorOf(
      control(alice).send(
        new GetDataAccessCommand({
          AccountId: '210987654321',
          Target: 's3://lake/team-a/*',
          Permission: 'READ',
        }),
      ),
    );
    expect(other).toMatchObject({ name: 'AccessDenied', status: 403 });
    const out = await dataAccess(alice, { Target: 's3://lake/team-a/*', Permission: 'READ' });
    const again = await errorOf(
      dataAccess(keysOf(out.Credentials), { Target: 's3://lake/team-a/*', Permission: 'READ' }),
    );
    expect(again).toMatchObject({ name: 'AccessDenied', status: 403 });
  });

  it('audits grant decisions by S3 URI and never records the vended secrets', async () => {
    emu.auditLog.clear();
    const out = await dataAccess(await sessionOf('alice'), {
      Target: 's3://lake/team-a/*',
      Permission: 'READ',
    });
    await errorOf(dataAccess(await sessionOf('bob'), { Target: 's3://lake/team-a/*', Permission: 'READ' }));
    const entries = emu.auditLog.entries();
    expect(
      entries.filter((e) => e.resource === 's3://lake/team-a/*').map((e) => [e.idcUser, e.outcome]),
    ).toEqual([
      ['alice', 'allowed'],
      ['bob', 'denied'],
    ]);
    const text = JSON.stringify(entries);
    expect(text).not.toContain(out.Credentials?.SecretAccessKey as string);
    expect(text).not.toContain(out.Credentials?.SessionToken as string);
  });
});
