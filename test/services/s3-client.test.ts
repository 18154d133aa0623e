import { ListBucketsCommand } from '@aws-sdk/client-s3';
import fc from 'fast-check';
import { http, HttpResponse } from 'msw';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isTipError } from '../../src/errors.js';
import { s3AccessGrants } from '../../src/services/s3/access-grants.js';
import { requestScope } from '../../src/services/s3/s3-client.js';
import {
  coveringScopes,
  formatTarget,
  parseS3Target,
  scopeCovers,
  validScope,
} from '../../src/services/s3/uri.js';
import { fakeClock, mswServer, testContext } from './helpers.js';

const server = mswServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const CONTROL = 'https://:account.s3-control.us-east-1.amazonaws.com/v20180820/accessgrantsinstance';

function grantPerBucket(clock: () => number) {
  const calls: string[] = [];
  server.use(
    http.get(`${CONTROL}/dataaccess`, ({ request }) => {
      const url = new URL(request.url);
      const target = url.searchParams.get('target') ?? '';
      calls.push(`${url.searchParams.get('permission')} ${target}`);
      const bucket = target.slice(5).split('/')[0] ?? '';
      if (bucket === 'locked') {
        return new HttpResponse('<Error><Code>AccessDenied</Code><Message>no</Message></Error>', {
          status: 403,
        });
      }
      const exp = new Date(clock() + 3_600_000).toISOString();
      return new HttpResponse(
        `<GetDataAccessResult><Credentials><AccessKeyId>AKID${bucket.toUpperCase()}</AccessKeyId><SecretAccessKey>s-${bucket}</SecretAccessKey><SessionToken>t-${bucket}</SessionToken><Expiration>${exp}</Expiration></Credentials><MatchedGrantTarget>s3://${bucket}/*</MatchedGrantTarget></GetDataAccessResult>`,
        { headers: { 'content-type': 'application/xml' } },
      );
    }),
  );
  return calls;
}

function akid(request: Request): string | undefined {
  return /Credential=([^/]+)\//.exec(request.headers.get('authorization') ?? '')?.[1];
}

describe('S3 client signed per request with Access Grants credentials', () => {
  it('signs each request with the credentials of the grant covering its bucket', async () => {
    const clock = fakeClock();
    const { ctx } = testContext({ clock });
    const s3 = s3AccessGrants(ctx, { instanceAccountId: '444455556666' });
    const calls = grantPerBucket(clock);
    const seen: (string | undefined)[] = [];
    server.use(
      http.get('https://:bucket.s3.us-east-1.amazonaws.com/*', ({ request, params }) => {
        seen.push(akid(request));
        return new HttpResponse(`hello from ${String(params.bucket)}`, {
          headers: { 'content-type': 'text/plain' },
        });
      }),
    );
    const a = await s3.getObject({ Bucket: 'alpha', Key: 'x/1.txt' });
    const b = await s3.getObject({ Bucket: 'beta', Key: 'y/2.txt' });
    await s3.getObject({ Bucket: 'alpha', Key: 'x/3.txt' });
    expect(a.text()).toBe('hello from alpha');
    expect(b.contentType).toBe('text/plain');
    expect(seen).toEqual(['AKIDALPHA', 'AKIDBETA', 'AKIDALPHA']);
    expect(calls).toEqual(['READ s3://alpha/x/1.txt', 'READ s3://beta/y/2.txt']);
  });

  it('asks WRITE for PutObject and READ with the prefix for listing, following continuation tokens', async () => {
    const clock = fakeClock();
    const { ctx } = testContext({ clock });
    const s3 = s3AccessGrants(ctx, { instanceAccountId: '444455556666' });
    const calls = grantPerBucket(clock);
    let put = '';
    server.use(
      http.put('https://lake.s3.us-east-1.amazonaws.com/out/r.csv', async ({ request }) => {
        put = await request.text();
        return new HttpResponse(null, { headers: { etag: '"e1"' } });
      }),
      http.get('https://lake.s3.us-east-1.amazonaws.com/', ({ request }) => {
        const token = new URL(request.url).searchParams.get('continuation-token');
        const page = token === null ? ['in/a', 'in/b'] : ['in/c'];
        const next =
          token === null
            ? '<IsTruncated>true</IsTruncated><NextContinuationToken>p2</NextContinuationToken>'
            : '<IsTruncated>false</IsTruncated>';
        return new HttpResponse(
          `<ListBucketResult>${next}${page.map((k) => `<Contents><Key>${k}</Key><Size>3</Size></Contents>`).join('')}</ListBucketResult>`,
          { headers: { 'content-type': 'application/xml' } },
        );
      }),
    );
    expect(await s3.putObject({ Bucket: 'lake', Key: 'out/r.csv', Body: 'a,b' })).toEqual({ eTag: '"e1"' });
    expect(put).toBe('a,b');
    const listed = await s3.list({ Bucket: 'lake', Prefix: 'in/' });
    expect(listed.map((o) => o.key)).toEqual(['in/a', 'in/b', 'in/c']);
    expect(calls).toEqual(['WRITE s3://lake/out/r.csv', 'READ s3://lake/in/*']);
  });

  it('fails a denied bucket with ERR_ACCESS_DENIED and never sends the S3 request', async () => {
    const clock = fakeClock();
    const { ctx } = testContext({ clock });
    const s3 = s3AccessGrants(ctx, { instanceAccountId: '444455556666' });
    grantPerBucket(clock);
    let sent = 0;
    server.use(
      http.get('https://locked.s3.us-east-1.amazonaws.com/*', () => {
        sent += 1;
        return new HttpResponse('x');
      }),
    );
    const error = await s3.getObject({ Bucket: 'locked', Key: 'k' }).catch((e) => e);
    expect(isTipError(error, 'ERR_ACCESS_DENIED')).toBe(true);
    expect(sent).toBe(0);
  });

  it('refuses keys with . or .. segments before any grant or S3 call, even under a cached grant', async () => {
    const clock = fakeClock();
    const { ctx } = testContext({ clock });
    const s3 = s3AccessGrants(ctx, { instanceAccountId: '444455556666' });
    const calls = grantPerBucket(clock);
    let sent = 0;
    server.use(
      http.get('https://lake.s3.us-east-1.amazonaws.com/*', () => {
        sent += 1;
        return new HttpResponse('data');
      }),
    );
    await s3.getObject({ Bucket: 'lake', Key: 'team-a/ok.csv' });
    expect([calls.length, sent]).toEqual([1, 1]);
    for (const Key of ['team-a/../secret.csv', 'team-a/./x', '../lake-admin/keys']) {
      const error = await s3.getObject({ Bucket: 'lake', Key }).catch((e: unknown) => e);
      expect(isTipError(error, 'ERR_INVALID_ARGUMENT'), Key).toBe(true);
    }
    const listed = await s3.list({ Bucket: 'lake', Prefix: 'team-a/../' }).catch((e: unknown) => e);
    expect(isTipError(listed, 'ERR_INVALID_ARGUMENT')).toBe(true);
    expect([calls.length, sent]).toEqual([1, 1]);
  });

  it('maps NoSuchKey to ERR_NOT_FOUND', async () => {
    const clock = fakeClock();
    const { ctx } = testContext({ clock });
    const s3 = s3AccessGrants(ctx, { instanceAccountId: '444455556666' });
    grantPerBucket(clock);
    server.use(
      http.get(
        'https://lake.s3.us-east-1.amazonaws.com/*',
        () =>
          new HttpResponse(
            '<Error><Code>NoSuchKey</Code><Message>gone</Message><RequestId>r9</RequestId></Error>',
            { status: 404 },
          ),
      ),
    );
    const error = await s3.getObject({ Bucket: 'lake', Key: 'gone' }).catch((e) => e);
    expect(isTipError(error, 'ERR_NOT_FOUND')).toBe(true);
  });

  it('refuses requests without a bucket unless fallback credentials are given', async () => {
    const { ctx } = testContext();
    const s3 = s3AccessGrants(ctx, { instanceAccountId: '444455556666' });
    const error = await s3
      .client()
      .send(new ListBucketsCommand({}))
      .catch((e) => e);
    expect(isTipError(error, 'ERR_ACCESS_DENIED')).toBe(true);
    expect(error.details.reason).toBe('no_target');
    let signedWith: string | undefined;
    server.use(
      http.get('https://s3.us-east-1.amazonaws.com/', ({ request }) => {
        signedWith = akid(request);
        return new HttpResponse('<ListAllMyBucketsResult><Buckets></Buckets></ListAllMyBucketsResult>', {
          headers: { 'content-type': 'application/xml' },
        });
      }),
    );
    const fallback = s3.client({
      fallbackCredentials: async () => ({ accessKeyId: 'AKIDFALLBACK', secretAccessKey: 'x' }),
    });
    await fallback.send(new ListBucketsCommand({}));
    expect(signedWith).toBe('AKIDFALLBACK');
  });
});

describe('request scopes and S3 URIs', () => {
  it.each([
    ['GetObject', { Bucket: 'b1b', Key: 'k/1' }, 'READ', 's3://b1b/k/1'],
    ['HeadObject', { Bucket: 'b1b', Key: 'k' }, 'READ', 's3://b1b/k'],
    ['PutObject', { Bucket: 'b1b', Key: 'k' }, 'WRITE', 's3://b1b/k'],
    ['DeleteObject', { Bucket: 'b1b', Key: 'k' }, 'WRITE', 's3://b1b/k'],
    ['ListObjectsV2', { Bucket: 'b1b', Prefix: 'p/' }, 'READ', 's3://b1b/p/*'],
    ['ListObjectsV2', { Bucket: 'b1b' }, 'READ', 's3://b1b/*'],
    ['ListBuckets', {}, 'READ', undefined],
    ['GetObject', { Bucket: '../etc', Key: 'k' }, 'READ', undefined],
  ])('%s %j → %s %s', (op, input, permission, target) => {
    expect(requestScope(op, input)).toMatchObject({ permission, target });
  });

  it.each(['https://b1b/k', 's3://', 's3://A-Upper/k', 's3://ab/k', 's3://bad..name/k', 's3:/b1b/k'])(
    'rejects a target that is no S3 URI with a bucket, %j, with a TypeError',
    (uri) => {
      expect(() => parseS3Target(uri)).toThrow(TypeError);
    },
  );

  it.each([
    ['s3://b1b/\u0000k', 'control_characters'],
    [`s3://b1b/${'k'.repeat(1025)}`, 'too_long'],
    [`s3://b1b/${'é'.repeat(513)}`, 'too_long'],
    ['s3://b1b/team-a/../secret.csv', 'dot_segment'],
    ['s3://b1b/team-a/./report.csv', 'dot_segment'],
    ['s3://b1b/../*', 'dot_segment'],
    ['s3://b1b/team-a/..*', 'dot_segment'],
    ['s3://b1b/./*', 'dot_segment'],
    ['s3://b1b/..', 'dot_segment'],
    ['s3://b1b/a*b.csv', 'wildcard'],
    ['s3://b1b/a**', 'wildcard'],
    ['s3://b1b/', 'empty_key'],
  ])('refuses key %j, which GetDataAccess refuses, with ERR_INVALID_ARGUMENT (%s)', (uri, reason) => {
    let thrown: unknown;
    try {
      parseS3Target(uri);
    } catch (error) {
      thrown = error;
    }
    expect(isTipError(thrown, 'ERR_INVALID_ARGUMENT')).toBe(true);
    expect((thrown as { details: { reason: string } }).details.reason).toBe(reason);
  });

  it.each(['s3://b1b/team-a/..hidden/x', 's3://b1b/a.b/c..d/...', 's3://b1b/a//b', 's3://b1b/*', 's3://b1b'])(
    'accepts key %j (no dot segment)',
    (uri) => {
      expect(parseS3Target(uri).bucket).toBe('b1b');
    },
  );

  it.each([
    ['s3://lake/team-a/*', true],
    ['s3://lake/report.csv', true],
    ['s3://*', true],
    ['s3://lake*', true],
    ['', false],
    ['https://lake/*', false],
    ['s3://UPPER/*', false],
    ['s3://la/*', false],
    ['s3://lake/a\nb', false],
    [`s3://lake/${'x'.repeat(1200)}`, false],
    [42, false],
    [null, false],
  ])('MatchedGrantTarget %j valid: %s', (scope, ok) => {
    expect(validScope(scope)).toBe(ok);
  });

  it('property: validScope never throws and accepts only s3:// URIs with a valid bucket', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.string().map((t) => `s3://${t}`),
        ),
        (text) => {
          const ok = validScope(text);
          if (ok) expect(text.startsWith('s3://')).toBe(true);
        },
      ),
    );
  });

  it('every covering scope covers its target, and a prefix scope covers nothing outside it', () => {
    const seg = fc.stringMatching(/^[a-z0-9._-]{1,6}$/).filter((x) => x !== '.' && x !== '..');
    fc.assert(
      fc.property(
        fc.array(seg, { minLength: 1, maxLength: 4 }),
        fc.array(seg, { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        (a, b, prefix) => {
          const target = parseS3Target(`s3://lake/${a.join('/')}${prefix ? '/*' : ''}`);
          for (const scope of coveringScopes(target)) expect(scopeCovers(scope, target)).toBe(true);
          const other = parseS3Target(`s3://lake/${b.join('/')}`);
          const scope = `${formatTarget(target).replace(/\*$/, '')}${prefix ? '*' : ''}`;
          const inside = prefix
            ? formatTarget(other).startsWith(scope.slice(0, -1))
            : formatTarget(other) === scope;
          expect(scopeCovers(scope, other)).toBe(inside);
        },
      ),
    );
  });
});
