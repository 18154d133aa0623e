import { http, HttpResponse } from 'msw';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSessionServices } from '../../src/services/session-services.js';
import { mswServer } from './helpers.js';

const server = mswServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

/** Credentials close to expiry, so SDK clients ask the provider again on the next call. */
const keys = (id: string) => async () => ({
  accessKeyId: id,
  secretAccessKey: `secret-${id}`,
  sessionToken: `t-${id}`,
  expiration: new Date(Date.now() + 60_000),
});
const akid = (request: Request) =>
  /Credential=([^/]+)\//.exec(request.headers.get('authorization') ?? '')?.[1];

describe('session services', () => {
  it('keeps one set of handles per IdC user and signs with the newest session credentials', async () => {
    const registry = createSessionServices({ region: 'us-east-1', accountId: '111122223333' });
    const signed: (string | undefined)[] = [];
    let tokens = 0;
    server.use(
      http.post('https://redshift-serverless.us-east-1.amazonaws.com/', ({ request }) => {
        signed.push(akid(request));
        tokens += 1;
        return HttpResponse.json(
          { token: `tok-${tokens}`, expirationTime: new Date(Date.now() + 900_000).toISOString() },
          { headers: { 'content-type': 'application/x-amz-json-1.1' } },
        );
      }),
    );
    const first = registry.forUser({ idcUserId: 'u-1' }, keys('ASIAFIRST'));
    const a = await first.redshift.driverToken({ workgroupName: 'wg' });
    const second = registry.forUser({ idcUserId: 'u-1' }, keys('ASIASECOND'));
    expect(second).toBe(first);
    const b = await second.redshift.driverToken({ workgroupName: 'wg' });
    expect(b.token).toBe(a.token);
    await second.redshift.driverToken({ workgroupName: 'other' });
    expect(signed).toEqual(['ASIAFIRST', 'ASIASECOND']);
    const other = registry.forUser({ idcUserId: 'u-2' }, keys('ASIAOTHER'));
    expect(other).not.toBe(first);
    expect((await other.redshift.driverToken({ workgroupName: 'wg' })).token).toBe('tok-3');
  });

  it('does not let an older session object bring back credentials from a JWT that expires sooner', async () => {
    const registry = createSessionServices({ region: 'us-east-1' });
    const signed: (string | undefined)[] = [];
    server.use(
      http.post('https://redshift-serverless.us-east-1.amazonaws.com/', ({ request }) => {
        signed.push(akid(request));
        return HttpResponse.json(
          { token: `tok-${signed.length}`, expirationTime: new Date(Date.now() + 900_000).toISOString() },
          { headers: { 'content-type': 'application/x-amz-json-1.1' } },
        );
      }),
    );
    const now = Date.now();
    registry.forUser({ idcUserId: 'u-1', expiresAt: now + 120_000 }, keys('ASIANEWER'));
    await registry
      .forUser({ idcUserId: 'u-1', expiresAt: now + 60_000 }, keys('ASIAOLDER'))
      .redshift.driverToken({ workgroupName: 'a' });
    await registry
      .forUser({ idcUserId: 'u-1', expiresAt: now + 180_000 }, keys('ASIANEWEST'))
      .redshift.driverToken({ workgroupName: 'b' });
    expect(signed).toEqual(['ASIANEWER', 'ASIANEWEST']);
  });

  it('gives the event listener only the non-secret identity facts, never the token claims', async () => {
    const seen: unknown[] = [];
    const registry = createSessionServices({
      region: 'us-east-1',
      s3: { instanceAccountId: '444455556666' },
      onEvent: (_event, identity) => seen.push(identity),
    });
    server.use(
      http.get(
        'https://:account.s3-control.us-east-1.amazonaws.com/v20180820/accessgrantsinstance/dataaccess',
        () =>
          new HttpResponse(
            '<?xml version="1.0"?><Error><Code>AccessDenied</Code><Message>no grant</Message></Error>',
            { status: 403, headers: { 'content-type': 'application/xml' } },
          ),
      ),
    );
    const identity = {
      idcUserId: 'u-1',
      issuer: 'https://idp.example.com',
      subject: 'alice',
      expiresAt: Date.now() + 60_000,
      claims: { email: 'alice@example.com', groups: ['finance'] },
    };
    const s3 = registry.forUser(identity, keys('ASIAEVENTS')).s3;
    await expect(s3.getDataAccess({ target: 's3://bucket/a.csv', permission: 'READ' })).rejects.toMatchObject(
      {
        code: 'ERR_ACCESS_DENIED',
      },
    );
    expect(seen).toEqual([{ idcUserId: 'u-1', issuer: 'https://idp.example.com', subject: 'alice' }]);
  });

  it('bounds the users kept and forgets everything on clear()', async () => {
    const registry = createSessionServices({ region: 'us-east-1', maxUsers: 2 });
    const one = registry.forUser({ idcUserId: 'u-1' }, keys('A'));
    registry.forUser({ idcUserId: 'u-2' }, keys('B'));
    registry.forUser({ idcUserId: 'u-3' }, keys('C'));
    expect(registry.forUser({ idcUserId: 'u-1' }, keys('A'))).not.toBe(one);
    const again = registry.forUser({ idcUserId: 'u-1' }, keys('A'));
    registry.clear();
    expect(registry.forUser({ idcUserId: 'u-1' }, keys('A'))).not.toBe(again);
  });
});
