import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AwsServiceError, type RawRequest } from '../../../src/emulator/core/types.js';
import { XmlReadError, readXml } from '../../../src/emulator/core/xml-read.js';
import { createS3Service } from '../../../src/emulator/s3/object-service.js';
import { fakeRuntime, vendedCaller } from './helpers.js';
import { operationContext } from '../support/runtime.js';

const RW = vendedCaller('s3://lake/team-a/*', 'READWRITE');

/** Runs one request through the S3 module as the front would: operation, XML input, handler. */
async function invoke(request: Partial<RawRequest> & { path: string }) {
  const runtime = fakeRuntime();
  const module = await createS3Service(runtime);
  const raw: RawRequest = {
    method: 'GET',
    query: {},
    headers: {},
    body: Buffer.alloc(0),
    host: 'h',
    ...request,
  };
  const operation = module.resolveOperation?.(raw);
  if (!operation) return { operation };
  let input: Record<string, unknown> = {};
  if (raw.body.length > 0 && operation !== 'PutObject' && operation !== 'UploadPart') {
    try {
      input = readXml(raw.body.toString('utf8'));
    } catch (error) {
      if (error instanceof XmlReadError) return { operation, code: 'MalformedXML' };
      throw error;
    }
  }
  const ctx = operationContext({ service: 's3', operation, caller: RW, input, raw, runtime });
  try {
    const reply = await module.handlers[operation]!(ctx);
    return { operation, reply };
  } catch (error) {
    if (error instanceof AwsServiceError) return { operation, code: error.code, status: error.status };
    throw error;
  }
}

const md5 = async (body: string) =>
  (await import('node:crypto')).createHash('md5').update(body).digest('base64');

describe('hostile S3 write requests', () => {
  it.each([
    [
      'DeleteObjects without an integrity header',
      {
        method: 'POST',
        path: '/lake',
        query: { delete: '' },
        body: '<Delete><Object><Key>team-a/x</Key></Object></Delete>',
      },
      'InvalidRequest',
    ],
    [
      'DeleteObjects with no object',
      {
        method: 'POST',
        path: '/lake',
        query: { delete: '' },
        body: '<Delete><Quiet>true</Quiet></Delete>',
        md5: true,
      },
      'MalformedXML',
    ],
    [
      'DeleteObjects with an empty key',
      {
        method: 'POST',
        path: '/lake',
        query: { delete: '' },
        body: '<Delete><Object><Key></Key></Object></Delete>',
        md5: true,
      },
      'MalformedXML',
    ],
    [
      'DeleteObjects with another root',
      {
        method: 'POST',
        path: '/lake',
        query: { delete: '' },
        body: '<Remove><Object><Key>a</Key></Object></Remove>',
        md5: true,
      },
      'MalformedXML',
    ],
    [
      'DeleteObjects with a wrong Content-MD5',
      {
        method: 'POST',
        path: '/lake',
        query: { delete: '' },
        body: '<Delete><Object><Key>a</Key></Object></Delete>',
        headers: { 'content-md5': 'AAAAAAAAAAAAAAAAAAAAAA==' },
      },
      'BadDigest',
    ],
    [
      'a copy source without a key',
      { method: 'PUT', path: '/lake/team-a/c', headers: { 'x-amz-copy-source': 'lake' } },
      'InvalidArgument',
    ],
    [
      'a copy source with a version',
      {
        method: 'PUT',
        path: '/lake/team-a/c',
        headers: { 'x-amz-copy-source': 'lake/team-a/x?versionId=1' },
      },
      'NotImplemented',
    ],
    [
      'a copy source with bad percent-encoding',
      { method: 'PUT', path: '/lake/team-a/c', headers: { 'x-amz-copy-source': 'lake/%E0%A4%A' } },
      'InvalidURI',
    ],
    [
      'a copy source in another bucket that does not exist',
      { method: 'PUT', path: '/lake/team-a/c', headers: { 'x-amz-copy-source': 'nope/k' } },
      'NoSuchBucket',
    ],
    [
      'a part of an unknown upload',
      { method: 'PUT', path: '/lake/team-a/k', query: { uploadId: 'nope', partNumber: '1' }, body: 'x' },
      'NoSuchUpload',
    ],
    [
      'completing an unknown upload',
      {
        method: 'POST',
        path: '/lake/team-a/k',
        query: { uploadId: 'nope' },
        body: '<CompleteMultipartUpload/>',
      },
      'NoSuchUpload',
    ],
    [
      'listing parts of an unknown upload',
      { method: 'GET', path: '/lake/team-a/k', query: { uploadId: '' } },
      'NoSuchUpload',
    ],
  ] as const)('%s → %s', async (_name, request, code) => {
    const { md5: withMd5, body, ...rest } = request as typeof request & { md5?: boolean; body?: string };
    const headers = { ...((rest as { headers?: Record<string, string> }).headers ?? {}) };
    if (withMd5 && body !== undefined) headers['content-md5'] = await md5(body);
    const result = await invoke({
      ...rest,
      headers,
      ...(body === undefined ? {} : { body: Buffer.from(body) }),
    } as Partial<RawRequest> & { path: string });
    expect(result.code).toBe(code);
  });

  it('refuses bad part numbers, a missing part, a wrong ETag and a bad copy range', async () => {
    const runtime = fakeRuntime();
    const module = await createS3Service(runtime);
    const run = async (raw: Partial<RawRequest> & { path: string }, input: Record<string, unknown> = {}) => {
      const full: RawRequest = {
        method: 'GET',
        query: {},
        headers: {},
        body: Buffer.alloc(0),
        host: 'h',
        ...raw,
      };
      const operation = module.resolveOperation!(full)!;
      const ctx = operationContext({ service: 's3', operation, caller: RW, input, raw: full, runtime });
      try {
        return { reply: await module.handlers[operation]!(ctx) };
      } catch (error) {
        return { code: (error as AwsServiceError).code };
      }
    };
    const created = await run({ method: 'POST', path: '/lake/team-a/k', query: { uploads: '' } });
    const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(
      String((created.reply as { body: string }).body),
    )![1]!;
    for (const partNumber of ['0', '10001', '-1', 'x', '1.5']) {
      expect(
        (
          await run({
            method: 'PUT',
            path: '/lake/team-a/k',
            query: { uploadId, partNumber },
            body: Buffer.from('x'),
          })
        ).code,
      ).toBe('InvalidArgument');
    }
    await run({
      method: 'PUT',
      path: '/lake/team-a/k',
      query: { uploadId, partNumber: '1' },
      body: Buffer.from('x'),
    });
    const complete = (parts: unknown) =>
      run(
        { method: 'POST', path: '/lake/team-a/k', query: { uploadId } },
        { CompleteMultipartUpload: { Part: parts } },
      );
    expect((await complete({ PartNumber: '2', ETag: '"00"' })).code).toBe('InvalidPart');
    expect((await complete({ PartNumber: '1', ETag: '"00"' })).code).toBe('InvalidPart');
    expect((await complete({ PartNumber: 'one', ETag: '"00"' })).code).toBe('MalformedXML');
    expect((await complete('text')).code).toBe('MalformedXML');
    for (const range of ['bytes=5-1', 'bytes=0-999999', 'bytes=a-b', 'items=0-1']) {
      const copied = await run({
        method: 'PUT',
        path: '/lake/team-a/k',
        query: { uploadId, partNumber: '2' },
        headers: { 'x-amz-copy-source': 'lake/team-a/report.csv', 'x-amz-copy-source-range': range },
      });
      expect(copied.code).toBe('InvalidArgument');
    }
  });

  it('answer any request with a reply or an S3 error, never a crash', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'PUT', 'POST', 'DELETE', 'HEAD'),
        fc.constantFrom('/lake', '/lake/team-a/k', '/lake/team-b/k', '/nope/k', '/lake/team-a/%ZZ'),
        fc.dictionary(
          fc.constantFrom(
            'uploads',
            'uploadId',
            'partNumber',
            'delete',
            'list-type',
            'marker',
            'max-keys',
            'part-number-marker',
            'max-parts',
          ),
          fc.string({ maxLength: 12 }),
        ),
        fc.dictionary(
          fc.constantFrom(
            'x-amz-copy-source',
            'x-amz-copy-source-range',
            'x-amz-metadata-directive',
            'content-md5',
            'x-amz-checksum-crc32',
          ),
          fc.string({ maxLength: 40 }),
        ),
        fc.oneof(
          fc.constant(''),
          fc.string({ maxLength: 80 }),
          fc.constantFrom(
            '<Delete><Object><Key>team-a/k</Key></Object></Delete>',
            '<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>x</ETag></Part></CompleteMultipartUpload>',
          ),
        ),
        async (method, path, query, headers, body) => {
          const result = await invoke({ method, path, query, headers, body: Buffer.from(body) });
          expect(
            result.operation === undefined || result.reply !== undefined || typeof result.code === 'string',
          ).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});
