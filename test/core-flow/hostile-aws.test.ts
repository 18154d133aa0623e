import { http, HttpResponse } from 'msw';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isTipError } from '../../src/errors.js';
import {
  APP_ARN,
  OIDC_URL,
  STS_URL,
  createFakeAws,
  fakeJwt,
  idToken,
  idcUserIdOf,
  manualClock,
  userOfSessionToken,
} from './helpers/fake-aws.js';
import { fakeTip } from './helpers/tip.js';

const clock = manualClock(Date.now());
const aws = createFakeAws({ now: clock });
beforeAll(() => aws.server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => aws.server.resetHandlers());
afterAll(() => aws.server.close());
beforeEach(() => aws.reset());

const idc = (over: Record<string, unknown>) => ({
  accessToken: 'at',
  expiresIn: 3600,
  idToken: idToken({
    sub: 'u-x',
    aud: APP_ARN,
    exp: Math.floor(clock() / 1000) + 3600,
    'sts:identity_context': 'ctx:u-x:1:abcdef',
    'aws:identity_store_id': 'd-1234567890',
  }),
  ...over,
});

describe('hostile or broken AWS answers in the full flow', () => {
  it.each([
    [
      'an ID token for another application',
      () =>
        HttpResponse.json(
          idc({
            idToken: idToken({
              sub: 'u-x',
              aud: 'arn:aws:sso::1:application/other',
              'aws:identity_store_id': 'd-1234567890',
            }),
          }),
        ),
      'ERR_IDC_RESPONSE_INVALID',
    ],
    [
      'truncated JSON',
      () =>
        new HttpResponse('{"accessToken":"at","idTok', { headers: { 'content-type': 'application/json' } }),
      'ERR_IDC_RESPONSE_INVALID',
    ],
    [
      'no identity context at all',
      () =>
        HttpResponse.json(
          idc({ idToken: idToken({ sub: 'u-x', aud: APP_ARN, 'aws:identity_store_id': 'd-1234567890' }) }),
        ),
      'ERR_IDC_RESPONSE_INVALID',
    ],
    [
      'an HTML error page with 502',
      () => new HttpResponse('<html>bad gateway</html>', { status: 502 }),
      'ERR_AWS_UNAVAILABLE',
    ],
  ])('IdC answering %s gives a typed error and no session', async (_n, reply, code) => {
    aws.server.use(http.post(OIDC_URL, reply));
    const { tip } = fakeTip(clock);
    const error = await tip.forToken(fakeJwt('ann', `a-${code}-${_n.length}`)).catch((e: unknown) => e);
    expect(isTipError(error, code as never)).toBe(true);
    expect(tip.cachedUsers).toBe(0); // a failed load leaves no entry (and takes no LRU slot)
    // Nothing was cached: the next call tries AWS again (and the real fake answers).
    aws.server.resetHandlers();
    const session = await tip.forToken(fakeJwt('ann', `a2-${code}-${_n.length}`));
    expect(userOfSessionToken((await session.credentials()).sessionToken)).toBe(idcUserIdOf('ann'));
  });

  it('STS answering for another session is refused, never handed out', async () => {
    aws.server.use(
      http.post(
        STS_URL,
        () =>
          new HttpResponse(
            `<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIAOTHERUSER0000001</AccessKeyId><SecretAccessKey>other-secret-0000000000</SecretAccessKey><SessionToken>st|someone-else|1</SessionToken><Expiration>${new Date(clock() + 3_600_000).toISOString()}</Expiration></Credentials><AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/identity-bearer/tip-someone-else</Arn><AssumedRoleId>AROA:x</AssumedRoleId></AssumedRoleUser></AssumeRoleResult></AssumeRoleResponse>`,
            { headers: { 'content-type': 'text/xml' } },
          ),
      ),
    );
    const { tip } = fakeTip(clock);
    const error = await tip.forToken(fakeJwt('ben', 'b1')).catch((e: unknown) => e);
    expect(isTipError(error, 'ERR_STS_RESPONSE_INVALID')).toBe(true);
  });

  it('a hanging AWS call ends with ERR_TIMEOUT within the deadline', async () => {
    aws.server.use(http.post(OIDC_URL, () => new Promise<Response>(() => undefined)));
    const { tip } = fakeTip(clock, { timeouts: { timeoutMs: 100 } });
    const error = await tip.forToken(fakeJwt('cat', 'c1')).catch((e: unknown) => e);
    expect(isTipError(error, 'ERR_TIMEOUT')).toBe(true);
  });

  it('an aborted forToken rejects with ERR_ABORTED and a later call succeeds', async () => {
    aws.faults.oidc.push({ delayMs: 300 });
    const { tip } = fakeTip(clock);
    const controller = new AbortController();
    const pending = tip
      .forToken(fakeJwt('dan', 'd1'), { signal: controller.signal })
      .catch((e: unknown) => e);
    setTimeout(() => controller.abort(), 20);
    expect(isTipError(await pending, 'ERR_ABORTED')).toBe(true);
    const session = await tip.forToken(fakeJwt('dan', 'd2'));
    expect(session.identity.idcUserId).toBe(idcUserIdOf('dan'));
  });
});
