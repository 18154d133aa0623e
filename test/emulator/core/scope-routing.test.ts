import { AthenaClient, ListWorkGroupsCommand } from '@aws-sdk/client-athena';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../../src/emulator/start.js';
import { SERVICE_KEY, baseConfig } from './helpers/config.js';
import { errorOf } from '../support/sdk.js';
import { send, signHeaders } from './helpers/raw.js';

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startEmulator(
    baseConfig({ s3: { buckets: [{ name: 'lake', objects: { 'a.txt': 'hello' } }] } }),
    { quiet: true, idp: false, services: { 'redshift-data': false } },
  );
});
afterAll(() => emu.stop());

const FORM = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };
const WHO = 'Action=GetCallerIdentity&Version=2011-06-15';
const text = (body: string) => body.replaceAll('&apos;', "'").replaceAll('&quot;', '"');
const codeOf = (body: string) =>
  /<Code>([^<]+)<\/Code>|"__type":"([^"]+)"/.exec(body)?.slice(1).find(Boolean);

describe('a signature scoped to another region', () => {
  it('is SignatureDoesNotMatch 403 on STS and InvalidSignatureException on JSON services', async () => {
    const sts = new STSClient({ ...emu.clientConfig(), region: 'eu-west-1' });
    expect(await errorOf(sts.send(new GetCallerIdentityCommand({})))).toMatchObject({
      name: 'SignatureDoesNotMatch',
      status: 403,
      message: expect.stringContaining("not 'eu-west-1'"),
    });
    const athena = new AthenaClient({ ...emu.clientConfig(), region: 'eu-west-1' });
    expect(await errorOf(athena.send(new ListWorkGroupsCommand({})))).toMatchObject({
      name: 'InvalidSignatureException',
      status: 400,
    });
    sts.destroy();
    athena.destroy();
  });

  it('is AuthorizationHeaderMalformed with the expected <Region> on S3 (what S3 region redirects read)', async () => {
    const url = `http://localhost:${emu.port}`;
    const headers = await signHeaders({
      url,
      service: 's3',
      region: 'eu-west-1',
      method: 'GET',
      path: '/lake',
      query: { 'list-type': '2' },
      credentials: SERVICE_KEY,
    });
    const res = await send(emu.url, { method: 'GET', path: '/lake?list-type=2', headers });
    expect([res.status, codeOf(res.body)]).toEqual([400, 'AuthorizationHeaderMalformed']);
    expect(res.body).toContain('<Region>us-east-1</Region>');
    expect(text(res.body)).toContain("the region 'eu-west-1' is wrong; expecting 'us-east-1'");
  });
});

describe('a signature scoped to another service', () => {
  it('is answered in the protocol of the service the request is for, never JSON on STS', async () => {
    const headers = await signHeaders({
      url: emu.url,
      service: 'athena',
      body: WHO,
      headers: FORM,
      credentials: SERVICE_KEY,
    });
    const res = await send(emu.url, { headers, body: WHO });
    expect([res.status, codeOf(res.body)]).toEqual([403, 'SignatureDoesNotMatch']);
    expect(res.headers['content-type']).toBe('text/xml');
    expect(text(res.body)).toContain("Credential should be scoped to correct service: 'sts'");
  });

  it('is refused by S3 when the host names S3', async () => {
    const host = `lake.s3.us-east-1.amazonaws.com:${emu.port}`;
    const headers = await signHeaders({
      url: `http://${host}`,
      service: 'sts',
      method: 'GET',
      path: '/a.txt',
      credentials: SERVICE_KEY,
    });
    const res = await send(emu.url, { method: 'GET', path: '/a.txt', headers });
    expect([res.status, codeOf(res.body)]).toEqual([400, 'AuthorizationHeaderMalformed']);
    expect(text(res.body)).toContain('incorrect service "sts". This endpoint belongs to "s3".');
  });
});

describe('other scope and header rules', () => {
  it('refuses a scope date other than the x-amz-date day', async () => {
    const headers = await signHeaders({
      url: emu.url,
      service: 'sts',
      body: WHO,
      headers: FORM,
      credentials: SERVICE_KEY,
    });
    const day = headers['x-amz-date']!.slice(0, 8);
    const other = day === '20200101' ? '20200102' : '20200101';
    const forged = { ...headers, authorization: headers.authorization!.replace(`/${day}/`, `/${other}/`) };
    const res = await send(emu.url, { headers: forged, body: WHO });
    expect([res.status, codeOf(res.body)]).toEqual([403, 'SignatureDoesNotMatch']);
    expect(res.body).toContain('Date in Credential scope does not match');
  });

  it('answers an S3 request without x-amz-content-sha256 InvalidRequest 400', async () => {
    const headers = await signHeaders({
      url: `http://localhost:${emu.port}`,
      service: 's3',
      method: 'GET',
      path: '/lake/a.txt',
      credentials: SERVICE_KEY,
      contentSha256: null,
    });
    expect(headers['x-amz-content-sha256']).toBeUndefined();
    const res = await send(emu.url, { method: 'GET', path: '/lake/a.txt', headers });
    expect([res.status, codeOf(res.body)]).toEqual([400, 'InvalidRequest']);
    expect(res.body).toContain('x-amz-content-sha256');
  });

  it('serves the STS query protocol over GET with the parameters in the query string', async () => {
    const headers = await signHeaders({
      url: emu.url,
      service: 'sts',
      method: 'GET',
      query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
      credentials: SERVICE_KEY,
    });
    const res = await send(emu.url, { method: 'GET', path: `/?${WHO}`, headers });
    expect(res.status).toBe(200);
    expect(res.body).toContain('<Arn>arn:aws:iam::123456789012:user/service</Arn>');
  });
});

describe('virtual-hosted S3 addressing on the HTTP server', () => {
  it.each([
    ['<bucket>.localhost', (port: number) => `http://localhost:${port}`],
    [
      '<bucket>.s3.<region>.amazonaws.com through a resolver',
      (port: number) => `http://s3.us-east-1.amazonaws.com:${port}`,
    ],
  ])('serves %s', async (_name, endpoint) => {
    // The loopback handler resolves every name to 127.0.0.1, as a hosts file or resolver would.
    const s3 = new S3Client({
      ...emu.clientConfig({ service: 's3' }),
      endpoint: endpoint(emu.port),
      forcePathStyle: false,
    });
    try {
      const got = await s3.send(new GetObjectCommand({ Bucket: 'lake', Key: 'a.txt' }));
      expect(await got.Body?.transformToString()).toBe('hello');
      await s3.send(new PutObjectCommand({ Bucket: 'lake', Key: 'vh/b.txt', Body: 'virtual' }));
      const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'lake', Prefix: 'vh/' }));
      expect(listed.Contents?.map((o) => o.Key)).toEqual(['vh/b.txt']);
    } finally {
      s3.destroy();
    }
  });
});
