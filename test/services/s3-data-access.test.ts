import fc from 'fast-check';
import { S3ControlClient } from '@aws-sdk/client-s3-control';
import { http, HttpResponse } from 'msw';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isTipError } from '../../src/errors.js';
import { createMemo } from '../../src/cache/memo.js';
import type { Memo } from '../../src/cache/types.js';
import type { MemoFactory } from '../../src/services/context.js';
import { s3AccessGrants } from '../../src/services/s3/access-grants.js';
import { USER_CREDENTIALS, fakeClock, mswServer, testContext } from './helpers.js';

const server = mswServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const CONTROL = 'https://:account.s3-control.us-east-1.amazonaws.com/v20180820/accessgrantsinstance';

interface Grant {
  readonly scope: string;
  readonly permission: 'READ' | 'WRITE' | 'READWRITE';
}

/** A GetDataAccess endpoint over a fixed grant list; records every call. */
function grantsEndpoint(grants: Grant[], clock: () => number) {
  const calls: { target: string; permission: string; privilege: string; account: string }[] = [];
  let n = 0;
  server.use(
    http.get(`${CONTROL}/dataaccess`, ({ request, params }) => {
      const url = new URL(request.url);
      const target = url.searchParams.get('target') ?? '';
      const permission = url.searchParams.get('permission') ?? '';
      const privilege = url.searchParams.get('privilege') ?? '';
      calls.push({ target, permission, privilege, account: String(params.account) });
      const stem = (s: string) => (s.endsWith('*') ? s.slice(0, -1) : s);
      const grant = grants.find(
        (g) =>
          (g.permission === permission || g.permission === 'READWRITE') &&
          (g.scope.endsWith('*') ? stem(target).startsWith(stem(g.scope)) : g.scope === target),
      );
      if (!grant) {
        return new HttpResponse(
          '<?xml version="1.0"?><Error><Code>AccessDenied</Code><Message>no grant</Message><RequestId>req-denied</RequestId></Error>',
          { status: 403, headers: { 'content-type': 'application/xml' } },
        );
      }
      n += 1;
      const scope = privilege === 'Minimal' ? target : grant.scope;
      const expiration = new Date(clock() + 3_600_000).toISOString();
      return new HttpResponse(
        `<?xml version="1.0"?><GetDataAccessResult><Credentials><AccessKeyId>ASIAGRANT${n}</AccessKeyId><SecretAccessKey>grant-secret-${n}</SecretAccessKey><SessionToken>grant-token-${n}</SessionToken><Expiration>${expiration}</Expiration></Credentials><MatchedGrantTarget>${grant.scope}</MatchedGrantTarget><Grantee><GranteeType>DIRECTORY_USER</GranteeType><GranteeIdentifier>u-0001</GranteeIdentifier></Grantee></GetDataAccessResult>`.replace(
          `<MatchedGrantTarget>${grant.scope}`,
          `<MatchedGrantTarget>${privilege === 'Minimal' ? grant.scope : scope}`,
        ),
        { headers: { 'content-type': 'application/xml' } },
      );
    }),
  );
  return calls;
}

function handle(clock = fakeClock(), options = {}) {
  const { ctx, events } = testContext({ clock });
  return { s3: s3AccessGrants(ctx, { instanceAccountId: '444455556666', ...options }), events, clock };
}

describe('S3 Access Grants cache', () => {
  it('serves every key under a granted prefix from one GetDataAccess call', async () => {
    const { s3, clock } = handle();
    const calls = grantsEndpoint([{ scope: 's3://lake/team-a/*', permission: 'READ' }], clock);
    for (const key of ['a.csv', 'b.csv', 'deep/er/c.csv']) {
      const access = await s3.getDataAccess({ target: `s3://lake/team-a/${key}`, permission: 'READ' });
      expect(access.scope).toBe('s3://lake/team-a/*');
      expect(access.credentials.accessKeyId).toBe('ASIAGRANT1');
    }
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ target: 's3://lake/team-a/a.csv', account: '444455556666' });
  });

  it('property: a key GetDataAccess refuses is refused before the cache, never served from a wider grant', async () => {
    const { s3, clock, events } = handle();
    const calls = grantsEndpoint([{ scope: 's3://lake/*', permission: 'READ' }], clock);
    await s3.getDataAccess({ target: 's3://lake/warm.csv', permission: 'READ' });
    expect(calls).toHaveLength(1);
    const segment = fc.oneof(
      fc.constantFrom('.', '..', '', 'a', 'team-a', '..x', 'x..', '.x', '...', '*', 'a*b', 'é'),
      fc.stringMatching(/^[a-z0-9._*-]{1,5}$/),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(segment, { minLength: 1, maxLength: 5 }),
        fc.boolean(),
        async (segments, prefix) => {
          // As S3 Access Grants reads a target: a trailing `*` makes it a prefix.
          const text = `${segments.join('/')}${prefix ? '*' : ''}`;
          const isPrefix = text.endsWith('*');
          const stem = isPrefix ? text.slice(0, -1) : text;
          const refused =
            stem.split('/').some((x) => x === '.' || x === '..') ||
            stem.includes('*') ||
            (!isPrefix && stem.length === 0);
          const hitsBefore = events.filter((e) => e.type === 'data-access' && e.outcome === 'hit').length;
          const out = await s3.getDataAccess({ target: `s3://lake/${text}`, permission: 'READ' }).then(
            (access) => access.scope,
            (error: unknown) => (isTipError(error) ? error.code : String(error)),
          );
          const hitsAfter = events.filter((e) => e.type === 'data-access' && e.outcome === 'hit').length;
          if (refused) {
            expect(out).toBe('ERR_INVALID_ARGUMENT');
            expect(hitsAfter).toBe(hitsBefore);
          } else {
            expect(out).toBe('s3://lake/*');
          }
        },
      ),
      { numRuns: 300 },
    );
    // Every accepted key was served by the one cached grant; no refused key reached AWS.
    expect(calls).toHaveLength(1);
  });

  it('does not serve a sibling prefix or another bucket from a prefix grant', async () => {
    const { s3, clock } = handle();
    const calls = grantsEndpoint(
      [
        { scope: 's3://lake/team-a/*', permission: 'READ' },
        { scope: 's3://lake/team-ab/*', permission: 'READ' },
        { scope: 's3://other/team-a/*', permission: 'READ' },
      ],
      clock,
    );
    await s3.getDataAccess({ target: 's3://lake/team-a/x', permission: 'READ' });
    await s3.getDataAccess({ target: 's3://lake/team-ab/x', permission: 'READ' });
    await s3.getDataAccess({ target: 's3://other/team-a/x', permission: 'READ' });
    expect(calls.map((c) => c.target)).toEqual([
      's3://lake/team-a/x',
      's3://lake/team-ab/x',
      's3://other/team-a/x',
    ]);
  });

  it('serves READ and WRITE from cached READWRITE credentials, but not READWRITE from READ', async () => {
    const { s3, clock } = handle();
    const calls = grantsEndpoint([{ scope: 's3://lake/*', permission: 'READWRITE' }], clock);
    await s3.getDataAccess({ target: 's3://lake/k1', permission: 'READWRITE' });
    await s3.getDataAccess({ target: 's3://lake/k2', permission: 'READ' });
    await s3.getDataAccess({ target: 's3://lake/k3', permission: 'WRITE' });
    expect(calls).toHaveLength(1);
    const { s3: other } = handle(clock);
    const calls2 = grantsEndpoint([{ scope: 's3://lake/*', permission: 'READWRITE' }], clock);
    await other.getDataAccess({ target: 's3://lake/k1', permission: 'READ' });
    await other.getDataAccess({ target: 's3://lake/k1', permission: 'READWRITE' });
    await other.getDataAccess({ target: 's3://lake/k1', permission: 'WRITE' });
    expect(calls2.map((c) => c.permission)).toEqual(['READ', 'READWRITE']);
  });

  it('caches an object-level grant for that object only', async () => {
    const { s3, clock } = handle();
    const calls = grantsEndpoint(
      [
        { scope: 's3://lake/shared/report.csv', permission: 'READ' },
        { scope: 's3://lake/shared/other.csv', permission: 'READ' },
      ],
      clock,
    );
    await s3.getDataAccess({ target: 's3://lake/shared/report.csv', permission: 'READ' });
    await s3.getDataAccess({ target: 's3://lake/shared/report.csv', permission: 'READ' });
    expect(calls).toHaveLength(1);
    await s3.getDataAccess({ target: 's3://lake/shared/other.csv', permission: 'READ' });
    expect(calls).toHaveLength(2);
    expect(calls[0]?.target).toBe('s3://lake/shared/report.csv');
  });

  it('makes one call for concurrent misses on the same target', async () => {
    const { s3, clock } = handle();
    const calls = grantsEndpoint([{ scope: 's3://lake/team-a/*', permission: 'READ' }], clock);
    const all = await Promise.all(
      Array.from({ length: 20 }, () =>
        s3.getDataAccess({ target: 's3://lake/team-a/x', permission: 'READ' }),
      ),
    );
    expect(calls).toHaveLength(1);
    expect(new Set(all.map((a) => a.credentials.accessKeyId)).size).toBe(1);
  });

  it('makes one call for a cold burst of different keys under one prefix', async () => {
    const { s3, clock } = handle();
    const calls = grantsEndpoint([{ scope: 's3://lake/team-a/*', permission: 'READWRITE' }], clock);
    const all = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        s3.getDataAccess({
          target: `s3://lake/team-a/k${i}`,
          permission: i % 2 === 0 ? 'READWRITE' : 'READ',
        }),
      ),
    );
    expect(calls).toHaveLength(1);
    expect(new Set(all.map((a) => a.credentials.accessKeyId)).size).toBe(1);
  });

  it('after waiting for a call that does not cover the target, asks for its own', async () => {
    const { s3, clock } = handle();
    const calls = grantsEndpoint(
      [
        { scope: 's3://lake/a/*', permission: 'READ' },
        { scope: 's3://lake/b/*', permission: 'READ' },
      ],
      clock,
    );
    const [a, b] = await Promise.all([
      s3.getDataAccess({ target: 's3://lake/a/x', permission: 'READ' }),
      s3.getDataAccess({ target: 's3://lake/b/x', permission: 'READ' }),
    ]);
    expect([a.scope, b.scope]).toEqual(['s3://lake/a/*', 's3://lake/b/*']);
    expect(calls.map((c) => c.target)).toEqual(['s3://lake/a/x', 's3://lake/b/x']);
  });

  it('asks again when cached credentials come within minRemainingMs of expiry', async () => {
    const { s3, clock } = handle();
    const calls = grantsEndpoint([{ scope: 's3://lake/team-a/*', permission: 'READ' }], clock);
    await s3.getDataAccess({ target: 's3://lake/team-a/x', permission: 'READ' });
    clock.advance(3_600_000 - 59_000);
    const fresh = await s3.getDataAccess({ target: 's3://lake/team-a/y', permission: 'READ' });
    expect(calls).toHaveLength(2);
    expect(fresh.credentials.accessKeyId).toBe('ASIAGRANT2');
  });

  it('with Minimal privilege caches only the exact target', async () => {
    const { s3, clock } = handle(fakeClock(), { privilege: 'Minimal' });
    const calls = grantsEndpoint([{ scope: 's3://lake/team-a/*', permission: 'READ' }], clock);
    const a = await s3.getDataAccess({ target: 's3://lake/team-a/x', permission: 'READ' });
    expect(a.scope).toBe('s3://lake/team-a/x');
    expect(a.matchedGrantTarget).toBe('s3://lake/team-a/*');
    await s3.getDataAccess({ target: 's3://lake/team-a/x', permission: 'READ' });
    await s3.getDataAccess({ target: 's3://lake/team-a/y', permission: 'READ' });
    expect(calls.map((c) => c.privilege)).toEqual(['Minimal', 'Minimal']);
  });

  it('never answers a Minimal request with cached credentials of a wider grant', async () => {
    const { s3, clock } = handle();
    const calls = grantsEndpoint([{ scope: 's3://lake/team-a/*', permission: 'READWRITE' }], clock);
    const wide = await s3.getDataAccess({ target: 's3://lake/team-a/x', permission: 'READ' });
    expect(wide.scope).toBe('s3://lake/team-a/*');
    const narrow = await s3.getDataAccess({
      target: 's3://lake/team-a/y',
      permission: 'READ',
      privilege: 'Minimal',
    });
    expect(narrow.scope).toBe('s3://lake/team-a/y');
    expect(narrow.credentials.accessKeyId).not.toBe(wide.credentials.accessKeyId);
    const again = await s3.getDataAccess({
      target: 's3://lake/team-a/y',
      permission: 'READ',
      privilege: 'Minimal',
    });
    expect(again.credentials.accessKeyId).toBe(narrow.credentials.accessKeyId);
    expect(calls.map((c) => c.privilege)).toEqual(['Default', 'Minimal']);
  });

  it('keeps users apart in a memo shared across handles, and refuses a shared memo without a user', async () => {
    const clock = fakeClock();
    const shared = new Map<string, Memo<unknown>>();
    const memo = (<V>(name: string, options: Parameters<MemoFactory>[1]) => {
      if (!shared.has(name)) shared.set(name, createMemo<unknown>(options as never));
      return shared.get(name) as Memo<V>;
    }) as MemoFactory;
    const calls = grantsEndpoint([{ scope: 's3://lake/team-a/*', permission: 'READ' }], clock);
    const forUser = (idcUserId: string) =>
      s3AccessGrants(testContext({ clock, memo, identity: { idcUserId } }).ctx, {
        instanceAccountId: '444455556666',
      });
    const a = await forUser('u-a').getDataAccess({ target: 's3://lake/team-a/x', permission: 'READ' });
    const b = await forUser('u-b').getDataAccess({ target: 's3://lake/team-a/x', permission: 'READ' });
    expect(b.credentials.accessKeyId).not.toBe(a.credentials.accessKeyId);
    expect(calls).toHaveLength(2);
    expect(() => testContext({ clock, memo, identity: {} })).toThrow(/identity/);
    // Without an IdC user id, the same subject at two issuers is two users.
    const bySubject = (issuer: string) =>
      s3AccessGrants(testContext({ clock, memo, identity: { issuer, subject: 'alice' } }).ctx, {
        instanceAccountId: '444455556666',
      });
    const one = await bySubject('https://one.example').getDataAccess({
      target: 's3://lake/team-a/x',
      permission: 'READ',
    });
    const two = await bySubject('https://two.example').getDataAccess({
      target: 's3://lake/team-a/x',
      permission: 'READ',
    });
    expect(two.credentials.accessKeyId).not.toBe(one.credentials.accessKeyId);
    expect(calls).toHaveLength(4);
  });

  it('maps AccessDenied to ERR_ACCESS_DENIED and remembers the denial for deniedTtlMs', async () => {
    const { s3, clock, events } = handle();
    const calls = grantsEndpoint([], clock);
    const first = await s3
      .getDataAccess({ target: 's3://lake/secret/x', permission: 'READ' })
      .catch((e) => e);
    expect(isTipError(first, 'ERR_ACCESS_DENIED')).toBe(true);
    expect(first.requestId).toBe('req-denied');
    expect(first.details).toMatchObject({
      target: 's3://lake/secret/x',
      permission: 'READ',
      awsErrorCode: 'AccessDenied',
    });
    const second = await s3
      .getDataAccess({ target: 's3://lake/secret/x', permission: 'READ' })
      .catch((e) => e);
    expect(isTipError(second, 'ERR_ACCESS_DENIED')).toBe(true);
    expect(calls).toHaveLength(1);
    expect(
      events.filter((e) => e.type === 'data-access').map((e) => (e as { outcome: string }).outcome),
    ).toEqual(['miss', 'denied-cached']);
    clock.advance(30_001);
    await s3.getDataAccess({ target: 's3://lake/secret/x', permission: 'READ' }).catch((e) => e);
    expect(calls).toHaveLength(2);
  });

  it('does not cache denials when deniedTtlMs is 0', async () => {
    const { s3, clock } = handle(fakeClock(), { deniedTtlMs: 0 });
    const calls = grantsEndpoint([], clock);
    for (let i = 0; i < 3; i++)
      await s3.getDataAccess({ target: 's3://lake/x', permission: 'READ' }).catch(() => 0);
    expect(calls).toHaveLength(3);
  });

  it('rejects incomplete credentials with ERR_SERVICE_RESPONSE_INVALID and caches nothing', async () => {
    const { s3 } = handle();
    let hits = 0;
    server.use(
      http.get(`${CONTROL}/dataaccess`, () => {
        hits += 1;
        return new HttpResponse(
          '<GetDataAccessResult><Credentials><AccessKeyId>A</AccessKeyId></Credentials><MatchedGrantTarget>s3://lake/*</MatchedGrantTarget></GetDataAccessResult>',
          { headers: { 'content-type': 'application/xml' } },
        );
      }),
    );
    for (let i = 0; i < 2; i++) {
      const error = await s3.getDataAccess({ target: 's3://lake/x', permission: 'READ' }).catch((e) => e);
      expect(isTipError(error, 'ERR_SERVICE_RESPONSE_INVALID')).toBe(true);
    }
    expect(hits).toBe(2);
  });

  it('does not index a MatchedGrantTarget that fails to cover the request', async () => {
    const { s3, clock } = handle();
    const calls = grantsEndpoint([{ scope: 's3://elsewhere/*', permission: 'READ' }], clock);
    server.use(
      http.get(`${CONTROL}/dataaccess`, () => {
        calls.push({ target: 'x', permission: 'READ', privilege: '', account: '' });
        const exp = new Date(clock() + 3_600_000).toISOString();
        return new HttpResponse(
          `<GetDataAccessResult><Credentials><AccessKeyId>A</AccessKeyId><SecretAccessKey>S</SecretAccessKey><SessionToken>T</SessionToken><Expiration>${exp}</Expiration></Credentials><MatchedGrantTarget>s3://elsewhere/*</MatchedGrantTarget></GetDataAccessResult>`,
          { headers: { 'content-type': 'application/xml' } },
        );
      }),
    );
    await s3.getDataAccess({ target: 's3://lake/a', permission: 'READ' });
    await s3.getDataAccess({ target: 's3://lake/b', permission: 'READ' });
    expect(calls).toHaveLength(2);
  });

  it('finds the owning account once per bucket with GetAccessGrantsInstanceForPrefix', async () => {
    const clock = fakeClock();
    const { ctx } = testContext({ clock });
    const s3 = s3AccessGrants(ctx);
    const lookups: { account: string; prefix: string | null }[] = [];
    server.use(
      http.get(`${CONTROL}/prefix`, ({ request, params }) => {
        lookups.push({
          account: String(params.account),
          prefix: new URL(request.url).searchParams.get('s3prefix'),
        });
        return new HttpResponse(
          '<GetAccessGrantsInstanceForPrefixResult><AccessGrantsInstanceArn>arn:aws:s3:us-east-1:999988887777:access-grants/default</AccessGrantsInstanceArn><AccessGrantsInstanceId>default</AccessGrantsInstanceId></GetAccessGrantsInstanceForPrefixResult>',
          { headers: { 'content-type': 'application/xml' } },
        );
      }),
    );
    const calls = grantsEndpoint(
      [
        { scope: 's3://lake/*', permission: 'READ' },
        { scope: 's3://lake/x/*', permission: 'WRITE' },
      ],
      clock,
    );
    await s3.getDataAccess({ target: 's3://lake/a', permission: 'READ' });
    await s3.getDataAccess({ target: 's3://lake/x/b', permission: 'WRITE' });
    expect(lookups).toEqual([{ account: USER_CREDENTIALS.accountId, prefix: 's3://lake/a' }]);
    expect(calls.map((c) => c.account)).toEqual(['999988887777', '999988887777']);
  });

  it('validates options with TypeErrors', async () => {
    const { ctx } = testContext();
    expect(() => s3AccessGrants(ctx, { durationSeconds: 60 })).toThrow(TypeError);
    expect(() => s3AccessGrants(ctx, { accountId: '12' })).toThrow(TypeError);
    expect(() => s3AccessGrants(ctx, { privilege: 'All' as 'Default' })).toThrow(TypeError);
    const s3 = s3AccessGrants(ctx, { instanceAccountId: '444455556666' });
    await expect(s3.getDataAccess({ target: 'https://lake/x', permission: 'READ' })).rejects.toThrow(
      TypeError,
    );
    await expect(s3.getDataAccess({ target: 's3://lake/x', permission: 'ALL' as 'READ' })).rejects.toThrow(
      TypeError,
    );
  });

  it('keeps credentials out of errors and events', async () => {
    const { s3, clock, events } = handle();
    grantsEndpoint([{ scope: 's3://lake/ok/*', permission: 'READ' }], clock);
    await s3.getDataAccess({ target: 's3://lake/ok/x', permission: 'READ' });
    const error = await s3.getDataAccess({ target: 's3://lake/no/x', permission: 'READ' }).catch((e) => e);
    const text = JSON.stringify([events, error, String(error)]);
    for (const secret of [
      'grant-secret',
      'grant-token',
      USER_CREDENTIALS.secretAccessKey,
      USER_CREDENTIALS.sessionToken,
    ])
      expect(text).not.toContain(secret);
  });

  it('uses an injected S3 Control client', async () => {
    const { ctx } = testContext();
    const client = new S3ControlClient({
      region: 'us-east-1',
      credentials: async () => USER_CREDENTIALS,
      maxAttempts: 1,
    });
    const sent: string[] = [];
    client.middlewareStack.add(
      (next, context) => (args) => {
        sent.push(String(context.commandName));
        return next(args);
      },
      { step: 'initialize' },
    );
    const clock = fakeClock();
    grantsEndpoint([{ scope: 's3://lake/*', permission: 'READ' }], clock);
    const s3 = s3AccessGrants(ctx, { instanceAccountId: '444455556666', s3ControlClient: client });
    await s3.getDataAccess({ target: 's3://lake/x', permission: 'READ' });
    expect(sent).toEqual(['GetDataAccessCommand']);
  });
});
