import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isTipError } from '../../src/errors.js';
import {
  APP_ROLE_ARN,
  SERVICE_CREDENTIALS,
  createFakeAws,
  fakeJwt,
  idcUserIdOf,
  manualClock,
  stubVerifier,
  userOfSessionToken,
} from './helpers/fake-aws.js';
import { fakeTip } from './helpers/tip.js';

const clock = manualClock();
const aws = createFakeAws({ now: clock });

beforeAll(() => aws.server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => aws.server.close());
beforeEach(() => aws.reset());
afterEach(() => aws.server.resetHandlers());

describe('forToken', () => {
  it('exchanges, assumes the role and returns the user identity and credentials', async () => {
    const { tip, events } = fakeTip(clock);
    const session = await tip.forToken(fakeJwt('alice', 'j-a1'));
    const flowEvents = events.map((e) => e.type);
    expect(session.identity).toMatchObject({
      issuer: 'https://idp.example.com',
      subject: 'alice',
      idcUserId: idcUserIdOf('alice'),
      identityStoreId: 'd-1234567890',
    });
    const creds = await session.credentials();
    expect(userOfSessionToken(creds.sessionToken)).toBe(idcUserIdOf('alice'));
    expect(creds.expiration?.getTime()).toBe(clock() + 3_600_000);
    expect(aws.counts).toMatchObject({ jwtBearer: 1, assumeRole: 1 });
    const sts = aws.requests.sts.at(-1)!;
    expect(sts.get('RoleSessionName')).toBe(`tip-${idcUserIdOf('alice')}`);
    expect(sts.get('DurationSeconds')).toBe('3600');
    expect(flowEvents).toEqual([
      'cache.miss',
      'exchange.started',
      'exchange.succeeded',
      'assume-role.succeeded',
    ]);
    const config = session.clientConfig();
    expect(config.region).toBe('us-east-1');
    // The service's own credentials are never handed to the user's clients.
    expect(config.credentials).toBe(session.credentials);
    expect(JSON.stringify(config)).not.toContain('AKIASERVICE');
    expect(await config.credentials()).toEqual(creds);
    expect(events.at(-1)).toEqual({
      type: 'cache.hit',
      issuer: 'https://idp.example.com',
      subject: 'alice',
      idcUserId: idcUserIdOf('alice'),
    });
  });

  it('passes clientConfig settings through to the user clients', async () => {
    const { tip } = fakeTip(clock, {
      clientConfig: { credentials: SERVICE_CREDENTIALS, customUserAgent: 'analytics-app/1.0' },
    });
    const session = await tip.forToken(fakeJwt('pat', 'p1'));
    expect(session.clientConfig()).toMatchObject({
      region: 'us-east-1',
      customUserAgent: 'analytics-app/1.0',
    });
    expect(Object.isFrozen(session)).toBe(true);
    expect(Object.isFrozen(session.identity)).toBe(true);
  });

  it('reuses cached credentials for a new JWT of the same user (no second exchange)', async () => {
    const { tip } = fakeTip(clock);
    const a = await tip.forToken(fakeJwt('bob', 'j-b1'));
    const b = await tip.forToken(fakeJwt('bob', 'j-b2'));
    expect(await b.credentials()).toEqual(await a.credentials());
    expect(aws.counts).toMatchObject({ exchange: 1, assumeRole: 1 });
  });

  it('single-flights 200 concurrent calls for one user', async () => {
    const { tip } = fakeTip(clock);
    const sessions = await Promise.all(
      Array.from({ length: 200 }, (_, i) => tip.forToken(fakeJwt('carol', `j-c${i}`))),
    );
    expect(aws.counts).toMatchObject({ exchange: 1, assumeRole: 1 });
    expect(new Set(sessions.map((s) => s.identity.idcUserId))).toEqual(new Set([idcUserIdOf('carol')]));
  });

  it('uses the session name function, source identity and tags', async () => {
    const { tip } = fakeTip(clock, {
      sessionName: (i) => `app:${i.subject} with spaces/and/slashes`,
      sourceIdentity: (i) => `src-${i.idcUserId.slice(0, 10)}`,
      sessionTags: () => [{ Key: 'team', Value: 'blue' }],
      durationSeconds: 900,
    });
    await tip.forToken(fakeJwt('dave', 'j-d1'));
    const sts = aws.requests.sts.at(-1)!;
    expect(sts.get('RoleSessionName')).toBe('app-dave-with-spaces-and-slashes');
    expect(sts.get('SourceIdentity')).toBe(`src-${idcUserIdOf('dave').slice(0, 10)}`);
    expect(sts.get('Tags.member.1.Key')).toBe('team');
    expect(sts.get('DurationSeconds')).toBe('900');
  });

  it('signs the exchange with bootstrap credentials from AssumeRoleWithWebIdentity', async () => {
    const { tip } = fakeTip(clock, { applicationRoleArn: APP_ROLE_ARN });
    const session = await tip.forToken(fakeJwt('erin', 'j-e1'));
    expect(aws.counts).toMatchObject({ webIdentity: 1, jwtBearer: 1, assumeRole: 1 });
    expect(aws.requests.sts[0]!.get('WebIdentityToken')).toBe(fakeJwt('erin', 'j-e1'));
    expect(aws.requests.sts[0]!.get('RoleArn')).toBe(APP_ROLE_ARN);
    // The exchange was signed with the bootstrap key (issued for `web-erin`), not the service key.
    expect(aws.requests.oidcAuth[0]).toMatch(/Credential=ASIA[0-9A-F]+\//);
    expect(aws.requests.oidcAuth[0]).not.toContain('AKIASERVICE');
    expect(session.identity.idcUserId).toBe(idcUserIdOf('erin'));
    await tip.forToken(fakeJwt('erin', 'j-e2'));
    expect(aws.counts.webIdentity).toBe(1);
  });

  it('rejects a token without the expected shape with the verifier error', async () => {
    const { tip } = fakeTip(clock);
    const error = await tip.forToken('garbage').catch((e: unknown) => e);
    expect(isTipError(error, 'ERR_JWT_INVALID')).toBe(true);
    expect(aws.counts.exchange).toBe(0);
  });

  it('refuses a custom verifier result without an issuer, so users of different issuers never share a cache entry', async () => {
    const stub = stubVerifier(clock);
    const verifier = {
      verify: async (token: string) => ({
        ...(await stub.verify(token)),
        issuer: undefined as unknown as string,
      }),
    };
    const { tip } = fakeTip(clock, { verifier });
    const error = await tip.forToken(fakeJwt('ivy', 'i1')).catch((e: unknown) => e);
    expect(isTipError(error, 'ERR_JWT_ISSUER')).toBe(true);
    expect(aws.counts.exchange).toBe(0);
  });

  it('validates options with TypeErrors naming the option', () => {
    expect(() => fakeTip(clock, { region: 'nowhere' })).toThrow(/`region`/);
    expect(() => fakeTip(clock, { applicationArn: 'arn:aws:sso::1:application/x' })).toThrow(
      /`applicationArn`/,
    );
    expect(() => fakeTip(clock, { accessRoleArn: 'role' })).toThrow(/`accessRoleArn`/);
    expect(() => fakeTip(clock, { durationSeconds: 7200 })).toThrow(/`durationSeconds`/);
    expect(() => fakeTip(clock, { cache: { maxUsers: 0 } })).toThrow(/`cache.maxUsers`/);
    expect(() => fakeTip(clock, { issuers: [] })).toThrow(/`issuers`/);
    expect(() => fakeTip(clock, { logger: {} as never })).toThrow(/`logger`/);
  });

  it('a resent token gets the same session object, with no AWS call', async () => {
    const { tip } = fakeTip(clock);
    const first = await tip.forToken(fakeJwt('rita', 'j-r1'));
    const result = await stubVerifier(clock).verify(fakeJwt('rita', 'j-r1'));
    const { tip: cached } = fakeTip(clock, { verifier: { verify: async () => result } });
    const a = await cached.forToken(fakeJwt('rita', 'j-r2'));
    expect(await cached.forToken(fakeJwt('rita', 'j-r2'))).toBe(a);
    expect(a.identity).toEqual({ ...first.identity, claims: result.claims });
    expect(aws.counts).toMatchObject({ jwtBearer: 2, assumeRole: 2 });
  });

  it('a verifier that returns one result object for two tokens still exchanges each token itself', async () => {
    const verified = await stubVerifier(clock).verify(fakeJwt('sven', 'j-s1'));
    // No jti: each token is then told apart by its own digest.
    const result = Object.freeze({ ...verified, claims: Object.freeze({ sub: 'sven' }) });
    const { tip } = fakeTip(clock, { verifier: { verify: async () => result } });
    await tip.forToken(fakeJwt('sven', 'j-s1'));
    tip.clearCache();
    await tip.forToken(fakeJwt('sven', 'j-s2'));
    expect(aws.requests.oidc.map((body) => body.assertion)).toEqual([
      fakeJwt('sven', 'j-s1'),
      fakeJwt('sven', 'j-s2'),
    ]);
  });
});
