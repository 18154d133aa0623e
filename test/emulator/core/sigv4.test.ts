import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import {
  GetIdentityCenterAuthTokenCommand,
  RedshiftServerlessClient,
} from '@aws-sdk/client-redshift-serverless';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../../src/emulator/start.js';
import { NO_CONTEXT_ROLE, SERVICE_KEY, baseConfig } from './helpers/config.js';
import { send, signHeaders } from './helpers/raw.js';

let emu: RunningEmulator;
type Creds = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };

async function failure(promise: Promise<unknown>): Promise<{ name: string; status: number | undefined }> {
  try {
    await promise;
  } catch (err) {
    const e = err as { name: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, status: e.$metadata?.httpStatusCode };
  }
  throw new Error('expected the call to fail');
}

const clients = {
  sts: (credentials: Creds, extra = {}) => {
    const c = new STSClient({ ...emu.clientConfig({ credentials }), ...extra });
    return () => c.send(new GetCallerIdentityCommand({}));
  },
  json: (credentials: Creds, extra = {}) => {
    const c = new RedshiftServerlessClient({ ...emu.clientConfig({ credentials }), ...extra });
    return () => c.send(new GetIdentityCenterAuthTokenCommand({ workgroupNames: ['wg-one'] }));
  },
  s3: (credentials: Creds, extra = {}) => {
    const c = new S3Client({ ...emu.clientConfig({ credentials, service: 's3' }), ...extra });
    return () => c.send(new ListObjectsV2Command({ Bucket: 'lake' }));
  },
};

beforeAll(async () => {
  emu = await startEmulator(
    baseConfig({ s3: { buckets: [{ name: 'lake', objects: { 'a.txt': 'hello' } }] } }),
    {
      quiet: true,
      services: { 'redshift-data': false },
    },
  );
});
afterAll(async () => {
  await emu.stop();
});

describe('valid signatures', () => {
  it('are accepted by every protocol family', async () => {
    const who = await clients.sts(SERVICE_KEY)();
    expect(who.Arn).toContain(':user/service');
    const listed = await clients.s3(SERVICE_KEY)();
    expect(listed.Contents?.map((o) => o.Key)).toEqual(['a.txt']);
    const s3 = new S3Client(emu.clientConfig({ service: 's3' }));
    const got = await s3.send(new GetObjectCommand({ Bucket: 'lake', Key: 'a.txt' }));
    expect(await got.Body?.transformToString()).toBe('hello');
  });
});

describe('S3 uploads', () => {
  it('accept the SDK default flexible checksums (aws-chunked, unsigned payload with trailer)', async () => {
    const base = emu.clientConfig({ service: 's3' });
    const s3 = new S3Client({
      ...base,
      requestChecksumCalculation: 'WHEN_SUPPORTED',
      responseChecksumValidation: 'WHEN_SUPPORTED',
    });
    await s3.send(new PutObjectCommand({ Bucket: 'lake', Key: 'up/chunked.txt', Body: 'chunked body' }));
    const got = await s3.send(new GetObjectCommand({ Bucket: 'lake', Key: 'up/chunked.txt' }));
    expect(await got.Body?.transformToString()).toBe('chunked body');
  });
});

describe('SigV4 failures answer each service its own auth error', () => {
  const wrongSecret = { ...SERVICE_KEY, secretAccessKey: 'wrong-secret-key-00000000000' };
  const unknownKey = { accessKeyId: 'AKIAUNKNOWN000000000', secretAccessKey: 'x'.repeat(30) };

  it.each([
    ['sts', 'SignatureDoesNotMatch', 403],
    ['json', 'InvalidSignatureException', 400],
    ['s3', 'SignatureDoesNotMatch', 403],
  ] as const)('bad signature on %s', async (kind, name, status) => {
    expect(await failure(clients[kind](wrongSecret)())).toEqual({ name, status });
  });

  it.each([
    ['sts', 'InvalidClientTokenId', 403],
    ['json', 'UnrecognizedClientException', 400],
    ['s3', 'InvalidAccessKeyId', 403],
  ] as const)('unknown key on %s', async (kind, name, status) => {
    expect(await failure(clients[kind](unknownKey)())).toEqual({ name, status });
  });

  it.each([
    ['sts', 'SignatureDoesNotMatch', 403],
    ['json', 'InvalidSignatureException', 400],
    ['s3', 'RequestTimeTooSkewed', 403],
  ] as const)('clock skew beyond 15 minutes on %s', async (kind, name, status) => {
    expect(await failure(clients[kind](SERVICE_KEY, { systemClockOffset: -20 * 60_000 })())).toEqual({
      name,
      status,
    });
    // Within the allowed skew the signature is accepted (the Redshift handler then wants an identity context).
    const within = await clients[kind](SERVICE_KEY, { systemClockOffset: -10 * 60_000 })().then(
      () => 'ok',
      (err: Error) => err.name,
    );
    expect(within).toBe(kind === 'json' ? 'AccessDeniedException' : 'ok');
  });

  it.each([
    ['sts', 'InvalidClientTokenId', 403],
    ['json', 'UnrecognizedClientException', 400],
    ['s3', 'InvalidToken', 400],
  ] as const)('wrong session token on %s', async (kind, name, status) => {
    const sts = new STSClient(emu.clientConfig());
    const out = await sts.send(new AssumeRoleCommand({ RoleArn: NO_CONTEXT_ROLE, RoleSessionName: 'tok' }));
    const creds = {
      accessKeyId: out.Credentials!.AccessKeyId!,
      secretAccessKey: out.Credentials!.SecretAccessKey!,
    };
    expect(await failure(clients[kind]({ ...creds, sessionToken: 'IQoJb3JpZ2luX2VjEforged' })())).toEqual({
      name,
      status,
    });
    // A session key without its token, and a long-term key with a token, are refused the same way.
    expect(await failure(clients[kind](creds)())).toEqual({ name, status });
    expect(
      await failure(clients[kind]({ ...SERVICE_KEY, sessionToken: out.Credentials!.SessionToken! })()),
    ).toEqual({ name, status });
  });

  it.each([
    ['sts', 'ExpiredToken', 403],
    ['json', 'ExpiredTokenException', 400],
    ['s3', 'ExpiredToken', 400],
  ] as const)('expired session on %s', async (kind, name, status) => {
    const sts = new STSClient(emu.clientConfig());
    const out = await sts.send(
      new AssumeRoleCommand({ RoleArn: NO_CONTEXT_ROLE, RoleSessionName: 'old', DurationSeconds: 900 }),
    );
    const creds = {
      accessKeyId: out.Credentials!.AccessKeyId!,
      secretAccessKey: out.Credentials!.SecretAccessKey!,
      sessionToken: out.Credentials!.SessionToken!,
    };
    emu.clock.advance(900_000);
    try {
      expect(await failure(clients[kind](creds)())).toEqual({ name, status });
    } finally {
      emu.clock.reset();
    }
  });
});

describe('body hash', () => {
  it('refuses a body that does not match a signed x-amz-content-sha256 (sts)', async () => {
    const signedBody = 'Action=GetCallerIdentity&Version=2011-06-15';
    const sentBody = `Action=AssumeRole&Version=2011-06-15&RoleArn=${encodeURIComponent(NO_CONTEXT_ROLE)}&RoleSessionName=swap`;
    const headers = await signHeaders({
      url: emu.url,
      service: 'sts',
      body: signedBody,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      credentials: SERVICE_KEY,
    });
    const res = await send(emu.url, { headers, body: sentBody });
    expect(res.status).toBe(403);
    expect(res.body).toContain('<Code>SignatureDoesNotMatch</Code>');
    // The honest request passes.
    const ok = await send(emu.url, { headers, body: signedBody });
    expect(ok.status).toBe(200);
    expect(ok.body).toContain('<GetCallerIdentityResult>');
  });

  it('answers XAmzContentSHA256Mismatch on s3', async () => {
    const base = `http://localhost:${emu.port}`;
    const headers = await signHeaders({
      url: base,
      service: 's3',
      method: 'GET',
      path: '/lake',
      query: { 'list-type': '2' },
      credentials: SERVICE_KEY,
      contentSha256: 'e'.repeat(64),
    });
    const res = await send(emu.url, { method: 'GET', path: '/lake?list-type=2', headers });
    expect(res.status).toBe(400);
    expect(res.body).toContain('<Code>XAmzContentSHA256Mismatch</Code>');
    expect(res.headers['x-amz-request-id']).toBeTruthy();
  });

  it('accepts UNSIGNED-PAYLOAD for s3 only', async () => {
    const s3Headers = await signHeaders({
      url: `http://localhost:${emu.port}`,
      service: 's3',
      method: 'GET',
      path: '/lake',
      query: { 'list-type': '2' },
      credentials: SERVICE_KEY,
      contentSha256: 'UNSIGNED-PAYLOAD',
    });
    const s3 = await send(emu.url, { method: 'GET', path: '/lake?list-type=2', headers: s3Headers });
    expect(s3.status).toBe(200);
    const stsHeaders = await signHeaders({
      url: emu.url,
      service: 'sts',
      body: 'Action=GetCallerIdentity&Version=2011-06-15',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      credentials: SERVICE_KEY,
      contentSha256: 'UNSIGNED-PAYLOAD',
    });
    const sts = await send(emu.url, {
      headers: stsHeaders,
      body: 'Action=GetCallerIdentity&Version=2011-06-15',
    });
    expect(sts.status).toBe(403);
    expect(sts.body).toContain('SignatureDoesNotMatch');
  });
});
