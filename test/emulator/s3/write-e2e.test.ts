import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsCommand,
  ListPartsCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { GetDataAccessCommand, S3ControlClient } from '@aws-sdk/client-s3-control';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmulatorConfigInput } from '../../../src/emulator/config/types.js';
import { type RunningEmulator, startEmulator } from '../../../src/emulator/start.js';
import { ACCOUNT, BEARER_ROLE_ARN, BEARER_TRUST, e2eDirectory } from '../support/identities.js';
import { clientTracker, errorOf } from '../support/sdk.js';
import { type SessionKeys, identitySession, keysOf } from '../support/sessions.js';

const MiB = 1024 * 1024;

const config: EmulatorConfigInput = {
  ...e2eDirectory(['alice'], 'service-secret-key-0001'),
  roles: [{ arn: BEARER_ROLE_ARN, trustPolicy: BEARER_TRUST }],
  s3: {
    maxObjectBytes: 6 * MiB,
    buckets: [
      {
        name: 'lake',
        objects: { 'team-a/report.csv': 'read only', 'team-a/deep/x.csv': 'deep', 'team-a/deep/y.csv': 'y' },
      },
    ],
    accessGrants: {
      locations: [{ scope: 's3://' }],
      grants: [
        { grantee: 'user:alice', target: 's3://lake/team-a/*', permission: 'READ' },
        { grantee: 'user:alice', target: 's3://lake/team-a/deep/*', permission: 'READWRITE' },
      ],
    },
  },
};

let emu: RunningEmulator;
let readOnly: S3Client;
let readWrite: S3Client;
const { track, destroyAll } = clientTracker();

async function vended(permission: 'READ' | 'READWRITE', target: string): Promise<SessionKeys> {
  const alice = (await identitySession(emu, 'alice', { track })).keys;
  const control = track(new S3ControlClient(emu.clientConfig({ service: 's3-control', credentials: alice })));
  const out = await control.send(
    new GetDataAccessCommand({ AccountId: ACCOUNT, Target: target, Permission: permission }),
  );
  return keysOf(out.Credentials);
}

beforeAll(async () => {
  emu = await startEmulator(config, {
    quiet: true,
    services: { athena: false, 'redshift-data': false, redshift: false, 'redshift-serverless': false },
  });
  const s3 = (keys: SessionKeys) =>
    track(new S3Client(emu.clientConfig({ service: 's3', credentials: keys })));
  readOnly = s3(await vended('READ', 's3://lake/team-a/*'));
  readWrite = s3(await vended('READWRITE', 's3://lake/team-a/deep/*'));
}, 60_000);
afterAll(async () => {
  destroyAll();
  await emu?.stop();
});

const text = async (client: S3Client, Key: string) =>
  (await client.send(new GetObjectCommand({ Bucket: 'lake', Key }))).Body?.transformToString();

describe('S3 writes with Access Grants credentials', () => {
  it('puts a body far above 1 MiB, and refuses one above s3.maxObjectBytes with EntityTooLarge', async () => {
    const body = Buffer.alloc(3 * MiB, 7);
    await readWrite.send(new PutObjectCommand({ Bucket: 'lake', Key: 'team-a/deep/big.bin', Body: body }));
    const got = await readWrite.send(new GetObjectCommand({ Bucket: 'lake', Key: 'team-a/deep/big.bin' }));
    expect(got.ContentLength).toBe(3 * MiB);
    const tooBig = await errorOf(
      readWrite.send(
        new PutObjectCommand({ Bucket: 'lake', Key: 'team-a/deep/huge.bin', Body: Buffer.alloc(7 * MiB) }),
      ),
    );
    expect(tooBig).toMatchObject({ name: 'EntityTooLarge', status: 400 });
  });

  it('runs a multipart upload: parts, ListParts, Complete with the S3 ETag; refuses a small middle part', async () => {
    const Key = 'team-a/deep/multi.bin';
    const { UploadId } = await readWrite.send(new CreateMultipartUploadCommand({ Bucket: 'lake', Key }));
    const first = Buffer.alloc(5 * MiB, 1);
    const second = Buffer.from('tail');
    const p1 = await readWrite.send(
      new UploadPartCommand({ Bucket: 'lake', Key, UploadId, PartNumber: 1, Body: first }),
    );
    const p2 = await readWrite.send(
      new UploadPartCommand({ Bucket: 'lake', Key, UploadId, PartNumber: 2, Body: second }),
    );
    const parts = await readWrite.send(new ListPartsCommand({ Bucket: 'lake', Key, UploadId }));
    expect(parts.Parts?.map((p) => [p.PartNumber, p.Size])).toEqual([
      [1, 5 * MiB],
      [2, 4],
    ]);
    const wrongOrder = await errorOf(
      readWrite.send(
        new CompleteMultipartUploadCommand({
          Bucket: 'lake',
          Key,
          UploadId,
          MultipartUpload: {
            Parts: [
              { PartNumber: 2, ETag: p2.ETag },
              { PartNumber: 1, ETag: p1.ETag },
            ],
          },
        }),
      ),
    );
    expect(wrongOrder).toMatchObject({ name: 'InvalidPartOrder', status: 400 });
    const done = await readWrite.send(
      new CompleteMultipartUploadCommand({
        Bucket: 'lake',
        Key,
        UploadId,
        MultipartUpload: {
          Parts: [
            { PartNumber: 1, ETag: p1.ETag },
            { PartNumber: 2, ETag: p2.ETag },
          ],
        },
      }),
    );
    expect(done.ETag).toMatch(/^"[0-9a-f]{32}-2"$/);
    const got = await readWrite.send(new GetObjectCommand({ Bucket: 'lake', Key }));
    expect(got.ContentLength).toBe(5 * MiB + 4);
    // The upload is finished: its id is gone.
    expect(
      await errorOf(readWrite.send(new ListPartsCommand({ Bucket: 'lake', Key, UploadId }))),
    ).toMatchObject({
      name: 'NoSuchUpload',
      status: 404,
    });

    const small = await readWrite.send(
      new CreateMultipartUploadCommand({ Bucket: 'lake', Key: 'team-a/deep/s' }),
    );
    const s1 = await readWrite.send(
      new UploadPartCommand({
        Bucket: 'lake',
        Key: 'team-a/deep/s',
        UploadId: small.UploadId,
        PartNumber: 1,
        Body: 'a',
      }),
    );
    const s2 = await readWrite.send(
      new UploadPartCommand({
        Bucket: 'lake',
        Key: 'team-a/deep/s',
        UploadId: small.UploadId,
        PartNumber: 2,
        Body: 'b',
      }),
    );
    const tooSmall = await errorOf(
      readWrite.send(
        new CompleteMultipartUploadCommand({
          Bucket: 'lake',
          Key: 'team-a/deep/s',
          UploadId: small.UploadId,
          MultipartUpload: {
            Parts: [
              { PartNumber: 1, ETag: s1.ETag },
              { PartNumber: 2, ETag: s2.ETag },
            ],
          },
        }),
      ),
    );
    expect(tooSmall).toMatchObject({ name: 'EntityTooSmall', status: 400 });
    await readWrite.send(
      new AbortMultipartUploadCommand({ Bucket: 'lake', Key: 'team-a/deep/s', UploadId: small.UploadId }),
    );
    expect(
      await errorOf(
        readWrite.send(
          new ListPartsCommand({ Bucket: 'lake', Key: 'team-a/deep/s', UploadId: small.UploadId }),
        ),
      ),
    ).toMatchObject({ name: 'NoSuchUpload' });
  });

  it('copies inside the grant, deletes one and several keys, and lists with ListObjects (v1)', async () => {
    await readWrite.send(
      new CopyObjectCommand({
        Bucket: 'lake',
        Key: 'team-a/deep/copy.csv',
        CopySource: 'lake/team-a/deep/x.csv',
      }),
    );
    expect(await text(readWrite, 'team-a/deep/copy.csv')).toBe('deep');
    // The source must be inside the grant too.
    expect(
      await errorOf(
        readWrite.send(
          new CopyObjectCommand({
            Bucket: 'lake',
            Key: 'team-a/deep/c2.csv',
            CopySource: 'lake/team-a/report.csv',
          }),
        ),
      ),
    ).toMatchObject({ name: 'AccessDenied', status: 403 });
    const v1 = await readWrite.send(new ListObjectsCommand({ Bucket: 'lake', Prefix: 'team-a/deep/c' }));
    expect(v1.Contents?.map((o) => o.Key)).toEqual(['team-a/deep/copy.csv']);
    await readWrite.send(new DeleteObjectCommand({ Bucket: 'lake', Key: 'team-a/deep/copy.csv' }));
    expect(await errorOf(text(readWrite, 'team-a/deep/copy.csv'))).toMatchObject({ name: 'NoSuchKey' });
    const batch = await readWrite.send(
      new DeleteObjectsCommand({
        Bucket: 'lake',
        Delete: { Objects: [{ Key: 'team-a/deep/y.csv' }, { Key: 'team-a/report.csv' }] },
      }),
    );
    expect(batch.Deleted?.map((d) => d.Key)).toEqual(['team-a/deep/y.csv']);
    expect(batch.Errors?.map((e) => [e.Key, e.Code])).toEqual([['team-a/report.csv', 'AccessDenied']]);
    expect(await text(readOnly, 'team-a/report.csv')).toBe('read only');
  });

  it('refuses every write with READ credentials', async () => {
    const refused = async (p: Promise<unknown>) => (await errorOf(p)).name;
    expect(
      await refused(readOnly.send(new CreateMultipartUploadCommand({ Bucket: 'lake', Key: 'team-a/m' }))),
    ).toBe('AccessDenied');
    expect(
      await refused(readOnly.send(new DeleteObjectCommand({ Bucket: 'lake', Key: 'team-a/report.csv' }))),
    ).toBe('AccessDenied');
    expect(
      await refused(
        readOnly.send(
          new CopyObjectCommand({ Bucket: 'lake', Key: 'team-a/c', CopySource: 'lake/team-a/report.csv' }),
        ),
      ),
    ).toBe('AccessDenied');
    const batch = await readOnly.send(
      new DeleteObjectsCommand({ Bucket: 'lake', Delete: { Objects: [{ Key: 'team-a/report.csv' }] } }),
    );
    expect(batch.Errors?.map((e) => e.Code)).toEqual(['AccessDenied']);
    expect(await text(readOnly, 'team-a/report.csv')).toBe('read only');
  });
});
