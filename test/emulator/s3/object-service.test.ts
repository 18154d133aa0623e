import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { Caller, RawRequest } from '../../../src/emulator/core/types.js';
import { createS3Service } from '../../../src/emulator/s3/object-service.js';
import { ALICE, call, fakeRuntime, OBJECTS, SVC, vendedCaller, xmlText, xmlTexts } from './helpers.js';

const vended = vendedCaller;

const READ_A = vended('s3://lake/team-a/*', 'READ');
const RW_A = vended('s3://lake/team-a/*', 'READWRITE');

async function setup() {
  const runtime = fakeRuntime();
  const module = await createS3Service(runtime);
  const s3 = (caller: Caller | undefined, request: Partial<RawRequest> & { path: string }) =>
    call(module, runtime, caller, { host: '127.0.0.1:4566', ...request });
  return { runtime, module, s3 };
}

describe('S3 routing', () => {
  it.each([
    ['GET', '/lake/team-a/report.csv', {}, 'GetObject'],
    ['GET', '/lake/team-a/report.csv', { 'x-id': 'GetObject' }, 'GetObject'],
    ['HEAD', '/lake/k', {}, 'HeadObject'],
    ['PUT', '/lake/k', { 'x-id': 'PutObject' }, 'PutObject'],
    ['GET', '/lake', { 'list-type': '2' }, 'ListObjectsV2'],
    ['GET', '/lake/', { 'list-type': '2', prefix: 'a' }, 'ListObjectsV2'],
    ['GET', '/lake', {}, 'ListObjects'],
    ['GET', '/', {}, undefined],
    ['DELETE', '/lake/k', {}, 'DeleteObject'],
    ['DELETE', '/lake', {}, undefined],
    ['POST', '/lake', { delete: '' }, 'DeleteObjects'],
    ['GET', '/lake/k', { acl: '' }, undefined],
    ['GET', '/lake/k', { partNumber: '1' }, undefined],
    ['GET', '/lake/k', { uploadId: 'x' }, 'ListParts'],
    ['POST', '/lake/k', { uploads: '' }, 'CreateMultipartUpload'],
    ['PUT', '/lake/k', { uploadId: 'x', partNumber: '1' }, 'UploadPart'],
    ['PUT', '/lake/k', { uploadId: 'x' }, undefined],
    ['POST', '/lake/k', { uploadId: 'x' }, 'CompleteMultipartUpload'],
    ['DELETE', '/lake/k', { uploadId: 'x' }, 'AbortMultipartUpload'],
  ] as const)('%s %s %j → %s', async (method, path, query, expected) => {
    const { module } = await setup();
    const raw = { method, path, query, headers: {}, body: Buffer.alloc(0), host: 'h' };
    expect(module.resolveOperation?.(raw)).toBe(expected);
  });

  it.each([
    [{}, 'CopyObject'],
    [{ uploadId: 'x', partNumber: '2' }, 'UploadPartCopy'],
  ] as const)('PUT with x-amz-copy-source %j → %s', async (query, expected) => {
    const { module } = await setup();
    const raw = {
      method: 'PUT',
      path: '/lake/k',
      query,
      headers: { 'x-amz-copy-source': 'lake/a' },
      body: Buffer.alloc(0),
      host: 'h',
    };
    expect(module.resolveOperation?.(raw)).toBe(expected);
  });
});

describe('GetObject and HeadObject', () => {
  it('serves an object inside the grant scope with its headers', async () => {
    const { s3 } = await setup();
    const { reply, audits } = await s3(READ_A, { path: '/lake/team-a/report.csv' });
    expect(reply?.status).toBe(200);
    expect(String(reply?.body)).toBe(OBJECTS['team-a/report.csv']);
    expect(reply?.headers['content-length']).toBe('8');
    expect(reply?.headers.etag).toBe(`"${createHash('md5').update('a,b\n1,2\n').digest('hex')}"`);
    expect(reply?.headers['content-type']).toBe('text/plain');
    expect(reply?.headers['last-modified']).toBe(new Date(Date.UTC(2026, 0, 1)).toUTCString());
    expect(audits).toEqual([
      expect.objectContaining({ outcome: 'allowed', resource: 's3://lake/team-a/report.csv' }),
    ]);
  });

  it.each([
    ['/lake/team-b/secret.csv', 'AccessDenied', 403],
    ['/lake/team-a', 'AccessDenied', 403],
    ['/lake/team-ab/x', 'AccessDenied', 403],
    ['/lake/team-b/missing.csv', 'AccessDenied', 403],
    ['/lake/team-a/missing.csv', 'NoSuchKey', 404],
    ['/nope/team-a/report.csv', 'NoSuchBucket', 404],
    ['/lake/team-a/%E0%A4%A', 'InvalidURI', 400],
  ])('GET %s → %s', async (path, code, status) => {
    const { s3 } = await setup();
    const { error } = await s3(READ_A, { path });
    expect(error?.code).toBe(code);
    expect(error?.status).toBe(status);
  });

  it('confines an object scope to its one key', async () => {
    const { s3 } = await setup();
    const only = vended('s3://lake/reports/q1.csv', 'READ');
    expect((await s3(only, { path: '/lake/reports/q1.csv' })).reply?.status).toBe(200);
    expect((await s3(only, { path: '/lake/reports/q1.csv2' })).error?.code).toBe('AccessDenied');
    expect((await s3(only, { path: '/lake/reports/q2.csv' })).error?.code).toBe('AccessDenied');
    const list = await s3(only, { path: '/lake', query: { 'list-type': '2', prefix: 'reports/q1.csv' } });
    expect(list.error?.code).toBe('AccessDenied');
  });

  it('refuses to read with a WRITE scope and fails closed on a garbled scope', async () => {
    const { s3 } = await setup();
    expect(
      (await s3(vended('s3://lake/team-a/*', 'WRITE'), { path: '/lake/team-a/report.csv' })).error?.code,
    ).toBe('AccessDenied');
    expect((await s3(vended('lake/team-a/*', 'READ'), { path: '/lake/team-a/report.csv' })).error?.code).toBe(
      'AccessDenied',
    );
    const noScope: Caller = { ...READ_A, accessGrantScope: undefined };
    expect((await s3(noScope, { path: '/lake/team-a/report.csv' })).error?.code).toBe('AccessDenied');
  });

  it.each([
    ['bytes=0-2', 206, 'a,b', 'bytes 0-2/8'],
    ['bytes=-3', 206, ',2\n', 'bytes 5-7/8'],
    ['bytes=6-', 206, '2\n', 'bytes 6-7/8'],
    ['bytes=4-100', 206, '1,2\n', 'bytes 4-7/8'],
    ['bytes=abc', 200, 'a,b\n1,2\n', undefined],
    ['bytes=0-1,3-4', 200, 'a,b\n1,2\n', undefined],
    ['bytes=5-2', 200, 'a,b\n1,2\n', undefined],
  ])('Range %s → %i', async (range, status, body, contentRange) => {
    const { s3 } = await setup();
    const { reply } = await s3(READ_A, { path: '/lake/team-a/report.csv', headers: { range } });
    expect(reply?.status).toBe(status);
    expect(String(reply?.body)).toBe(body);
    expect(reply?.headers['content-length']).toBe(String(body.length));
    expect(reply?.headers['content-range']).toBe(contentRange);
  });

  it.each(['bytes=8-', 'bytes=100-200', 'bytes=-0'])('Range %s is not satisfiable', async (range) => {
    const { s3 } = await setup();
    const { error } = await s3(READ_A, { path: '/lake/team-a/report.csv', headers: { range } });
    expect(error?.code).toBe('InvalidRange');
    expect(error?.status).toBe(416);
  });

  it('answers HEAD with headers and no body', async () => {
    const { s3 } = await setup();
    const { reply } = await s3(READ_A, { method: 'HEAD', path: '/lake/team-a/report.csv' });
    expect(reply?.status).toBe(200);
    expect(reply?.headers['content-length']).toBe('8');
    expect(String(reply?.body)).toBe('');
    const missing = await s3(READ_A, { method: 'HEAD', path: '/lake/team-a/none' });
    expect(missing.error?.status).toBe(404);
  });

  it('judges IAM callers by policy on the object ARN, and identity-enhanced sessions by the allow-list', async () => {
    const { s3, runtime } = await setup();
    expect((await s3(SVC, { path: '/lake/svc/a.txt' })).reply?.status).toBe(200);
    expect(runtime.authorizations).toContainEqual({
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::lake/svc/a.txt',
    });
    const direct = await s3(ALICE, { path: '/lake/team-a/report.csv' });
    expect(direct.error?.code).toBe('AccessDenied');
    expect(direct.error?.message).toContain('identity-context allow-list');
    runtime.denied.add('s3:GetObject');
    expect((await s3(SVC, { path: '/lake/svc/a.txt' })).error?.code).toBe('AccessDenied');
  });
});

describe('PutObject', () => {
  const crc = (text: string) => {
    const out = Buffer.alloc(4);
    out.writeUInt32BE(crc32(Buffer.from(text)));
    return out.toString('base64');
  };

  it('stores a body inside a READWRITE scope, then serves it', async () => {
    const { s3 } = await setup();
    const put = await s3(RW_A, {
      method: 'PUT',
      path: '/lake/team-a/new%20file.txt',
      headers: { 'content-type': 'text/csv', 'x-amz-checksum-crc32': crc('fresh') },
      body: Buffer.from('fresh'),
    });
    expect(put.reply?.status).toBe(200);
    expect(put.reply?.headers.etag).toBe(`"${createHash('md5').update('fresh').digest('hex')}"`);
    expect(put.reply?.headers['x-amz-checksum-crc32']).toBe(crc('fresh'));
    const get = await s3(RW_A, { path: '/lake/team-a/new%20file.txt' });
    expect(String(get.reply?.body)).toBe('fresh');
    expect(get.reply?.headers['content-type']).toBe('text/csv');
    expect(get.reply?.headers['x-amz-checksum-crc32']).toBeUndefined();
    const checked = await s3(RW_A, {
      path: '/lake/team-a/new%20file.txt',
      headers: { 'x-amz-checksum-mode': 'ENABLED' },
    });
    expect(checked.reply?.headers['x-amz-checksum-crc32']).toBe(crc('fresh'));
    const ranged = await s3(RW_A, {
      path: '/lake/team-a/new%20file.txt',
      headers: { 'x-amz-checksum-mode': 'ENABLED', range: 'bytes=0-1' },
    });
    expect(ranged.reply?.headers['x-amz-checksum-crc32']).toBeUndefined();
  });

  it('refuses a READ scope and keys outside the scope, leaving the store unchanged', async () => {
    const { s3 } = await setup();
    const body = Buffer.from('x');
    expect((await s3(READ_A, { method: 'PUT', path: '/lake/team-a/report.csv', body })).error?.code).toBe(
      'AccessDenied',
    );
    expect((await s3(RW_A, { method: 'PUT', path: '/lake/team-b/secret.csv', body })).error?.code).toBe(
      'AccessDenied',
    );
    expect(String((await s3(RW_A, { path: '/lake/team-a/report.csv' })).reply?.body)).toBe(
      OBJECTS['team-a/report.csv'],
    );
  });

  it.each([
    [{ 'x-amz-checksum-crc32': 'AAAAAA==' }, 'BadDigest'],
    [{ 'x-amz-checksum-sha256': createHash('sha256').update('other').digest('base64') }, 'BadDigest'],
    [{ 'content-md5': createHash('md5').update('other').digest('base64') }, 'BadDigest'],
    [{ 'x-amz-checksum-md4': 'x' }, 'InvalidRequest'],
  ])('rejects %j with %s', async (headers, code) => {
    const { s3 } = await setup();
    const { error } = await s3(RW_A, {
      method: 'PUT',
      path: '/lake/team-a/x',
      headers,
      body: Buffer.from('body'),
    });
    expect(error?.code).toBe(code);
  });

  it('decodes an aws-chunked body and verifies its checksum trailer', async () => {
    const { s3 } = await setup();
    const wire = `5\r\nhello\r\n6\r\n world\r\n0\r\nx-amz-checksum-crc32:${crc('hello world')}\r\n\r\n`;
    const headers = {
      'content-encoding': 'aws-chunked',
      'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
      'x-amz-decoded-content-length': '11',
      'x-amz-trailer': 'x-amz-checksum-crc32',
    };
    const put = await s3(RW_A, {
      method: 'PUT',
      path: '/lake/team-a/c.txt',
      headers,
      body: Buffer.from(wire),
    });
    expect(put.reply?.status).toBe(200);
    expect(String((await s3(RW_A, { path: '/lake/team-a/c.txt' })).reply?.body)).toBe('hello world');
    const bad = wire.replace(crc('hello world'), crc('hello'));
    expect(
      (await s3(RW_A, { method: 'PUT', path: '/lake/team-a/c.txt', headers, body: Buffer.from(bad) })).error
        ?.code,
    ).toBe('BadDigest');
    // A body the HTTP front already decoded keeps the aws-chunked headers.
    const decoded = await s3(RW_A, {
      method: 'PUT',
      path: '/lake/team-a/d.txt',
      headers,
      body: Buffer.from('hello world'),
    });
    expect(decoded.reply?.status).toBe(200);
    expect(String((await s3(RW_A, { path: '/lake/team-a/d.txt' })).reply?.body)).toBe('hello world');
  });
});

describe('ListObjectsV2', () => {
  const list = (query: Record<string, string>) => ({ path: '/lake', query: { 'list-type': '2', ...query } });

  it('lists keys and common prefixes inside the scope', async () => {
    const { s3 } = await setup();
    const flat = await s3(READ_A, list({ prefix: 'team-a/' }));
    expect(xmlTexts(flat.reply?.body, 'Key')).toEqual([
      'team-a/deep/x.csv',
      'team-a/report.csv',
      'team-a/sub/y.csv',
    ]);
    expect(xmlText(flat.reply?.body, 'KeyCount')).toBe('3');
    expect(xmlText(flat.reply?.body, 'IsTruncated')).toBe('false');
    const tree = await s3(READ_A, list({ prefix: 'team-a/', delimiter: '/' }));
    const body = String(tree.reply?.body);
    expect(xmlTexts(body, 'Key')).toEqual(['team-a/report.csv']);
    expect(body).toContain('<CommonPrefixes><Prefix>team-a/deep/</Prefix></CommonPrefixes>');
    expect(body).toContain('<CommonPrefixes><Prefix>team-a/sub/</Prefix></CommonPrefixes>');
    expect(xmlText(body, 'KeyCount')).toBe('3');
    expect(body).toContain('<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">');
  });

  it.each([{}, { prefix: 'team-' }, { prefix: 'team-b/' }, { prefix: 'team-a' }] as Record<string, string>[])(
    'denies listing %j outside the scope',
    async (query) => {
      const { s3 } = await setup();
      const { error, audits } = await s3(READ_A, list(query));
      expect(error?.code).toBe('AccessDenied');
      expect(audits[0]?.outcome).toBe('denied');
    },
  );

  it('pages with max-keys and continuation tokens', async () => {
    const { s3 } = await setup();
    const keys: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const query: Record<string, string> = { prefix: 'team-a/', 'max-keys': '1' };
      if (token) query['continuation-token'] = token;
      const { reply } = await s3(READ_A, list(query));
      keys.push(...xmlTexts(reply?.body, 'Key'));
      token = xmlText(reply?.body, 'NextContinuationToken');
      pages += 1;
    } while (token && pages < 10);
    expect(keys).toEqual(['team-a/deep/x.csv', 'team-a/report.csv', 'team-a/sub/y.csv']);
    expect(pages).toBe(3);
  });

  it.each([
    [{ 'continuation-token': 'nope' }, 'InvalidArgument'],
    [{ 'continuation-token': `lov2.${Buffer.from('{"a":1}').toString('base64url')}` }, 'InvalidArgument'],
    [{ 'max-keys': '-1' }, 'InvalidArgument'],
    [{ 'encoding-type': 'base64' }, 'InvalidArgument'],
  ])('rejects %j', async (query, code) => {
    const { s3 } = await setup();
    const { error } = await s3(READ_A, list({ prefix: 'team-a/', ...query }));
    expect(error?.code).toBe(code);
  });

  it('answers NoSuchBucket for an unknown bucket and lists an empty one', async () => {
    const { s3, runtime } = await setup();
    expect((await s3(SVC, { path: '/nope', query: { 'list-type': '2' } })).error?.code).toBe('NoSuchBucket');
    const empty = await s3(SVC, { path: '/empty-bucket', query: { 'list-type': '2' } });
    expect(xmlText(empty.reply?.body, 'KeyCount')).toBe('0');
    expect(runtime.authorizations).toContainEqual({
      action: 's3:ListBucket',
      resource: 'arn:aws:s3:::empty-bucket',
    });
  });
});

describe('hostile object paths', () => {
  it.each([
    '/lake/team-a/../team-b/secret.csv',
    '/lake/team-a%2F..%2Fteam-b%2Fsecret.csv',
    '/lake/team-a/%2e%2e/team-b/secret.csv',
    '/lake/../lake/team-b/secret.csv',
    '/lake//team-b/secret.csv',
    '/lake/team-b%2Fsecret.csv',
    '/lake%2Fteam-a/team-b/secret.csv',
    '/lake/team-a/x%00',
  ])('%s never serves data outside the scope', async (path) => {
    const { s3 } = await setup();
    const { reply, error } = await s3(READ_A, { path });
    expect(reply).toBeUndefined();
    expect(['AccessDenied', 'NoSuchKey', 'NoSuchBucket']).toContain(error?.code);
  });

  it('serves only keys inside the scope, for any percent-encoded path', async () => {
    const { s3 } = await setup();
    const segment = fc.constantFrom(
      'team-a',
      'team-b',
      '..',
      '.',
      '%2F',
      '%2e%2e',
      '',
      'report.csv',
      'secret.csv',
      '%',
    );
    await fc.assert(
      fc.asyncProperty(fc.array(segment, { maxLength: 5 }), async (segments) => {
        const { reply, audits } = await s3(READ_A, { path: `/lake/${segments.join('/')}` });
        const allowed = audits.find((a) => a.outcome === 'allowed');
        if (reply) expect(allowed?.resource.startsWith('s3://lake/team-a/')).toBe(true);
        if (allowed) expect(allowed.resource.startsWith('s3://lake/team-a/')).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
