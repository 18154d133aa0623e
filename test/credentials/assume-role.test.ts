import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createStsClient } from '../../src/aws/clients.js';
import { resolveRetry } from '../../src/aws/retry.js';
import { assumeRoleWithContext } from '../../src/credentials/assume-role.js';
import { parseStsCredentials } from '../../src/credentials/parse-credentials.js';
import { defaultSessionName, sanitizeSessionName } from '../../src/credentials/session-name.js';
import { isTipError } from '../../src/errors.js';
import type { TipError } from '../../src/errors.js';
import { REGION, ROLE_ARN, SERVICE_CREDENTIALS, STS_URL } from '../core-flow/helpers/fake-aws.js';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const CONTEXT = 'secret-identity-context-abcdefghijklmnopqrstuvwxyz';
const sts = createStsClient(REGION, { credentials: SERVICE_CREDENTIALS });
const retry = resolveRetry({ baseDelayMs: 1, maxDelayMs: 2, timeoutMs: 3000 });
const input = { roleArn: ROLE_ARN, identityContext: CONTEXT, sessionName: 'tip-u-1', durationSeconds: 3600 };

function okXml(session = 'tip-u-1', expiration = new Date(Date.now() + 3_600_000).toISOString()) {
  return new HttpResponse(
    `<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIAEXAMPLE000000001</AccessKeyId><SecretAccessKey>secretsecretsecretsecret</SecretAccessKey><SessionToken>token-1</SessionToken><Expiration>${expiration}</Expiration></Credentials><AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/identity-bearer/${session}</Arn><AssumedRoleId>AROA:${session}</AssumedRoleId></AssumedRoleUser></AssumeRoleResult><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></AssumeRoleResponse>`,
    { headers: { 'content-type': 'text/xml' } },
  );
}

function xmlError(status: number, code: string) {
  return new HttpResponse(
    `<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>${code} for ${CONTEXT}</Message></Error><RequestId>req-${code}</RequestId></ErrorResponse>`,
    { status, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': `req-${code}` } },
  );
}

async function fail(maxAttempts = 4): Promise<TipError> {
  const e = await assumeRoleWithContext(sts, input, { ...retry, maxAttempts }, Date.now).catch(
    (x: unknown) => x,
  );
  expect(isTipError(e)).toBe(true);
  return e as TipError;
}

describe('assumeRoleWithContext', () => {
  it('sends ProvidedContexts with the IdentityCenter provider and returns credentials with expiration', async () => {
    let form: URLSearchParams | undefined;
    server.use(
      http.post(STS_URL, async ({ request }) => {
        form = new URLSearchParams(await request.text());
        return okXml();
      }),
    );
    const creds = await assumeRoleWithContext(
      sts,
      { ...input, sourceIdentity: 'si', tags: [{ Key: 'k', Value: 'v' }] },
      retry,
      Date.now,
    );
    expect(form?.get('Action')).toBe('AssumeRole');
    expect(form?.get('ProvidedContexts.member.1.ProviderArn')).toBe(
      'arn:aws:iam::aws:contextProvider/IdentityCenter',
    );
    expect(form?.get('ProvidedContexts.member.1.ContextAssertion')).toBe(CONTEXT);
    expect(form?.get('RoleSessionName')).toBe('tip-u-1');
    expect(form?.get('SourceIdentity')).toBe('si');
    expect(form?.get('Tags.member.1.Value')).toBe('v');
    expect(creds.accessKeyId).toBe('ASIAEXAMPLE000000001');
    expect(creds.expiration).toBeInstanceOf(Date);
  });

  it.each([
    ['AccessDenied', 403, 'ERR_STS_ACCESS_DENIED', /sts:SetContext/],
    ['ExpiredTokenException', 400, 'ERR_STS_CONTEXT_REJECTED', /expired/],
    ['InvalidParameterValue', 400, 'ERR_STS_CONTEXT_REJECTED', /parameter/],
    ['ValidationError', 400, 'ERR_STS_CONTEXT_REJECTED', /parameter/],
    ['InvalidContextAssertion', 400, 'ERR_STS_CONTEXT_REJECTED', /identity context/],
    ['RegionDisabledException', 403, 'ERR_STS_ACCESS_DENIED', /not activated/],
    ['Throttling', 400, 'ERR_AWS_THROTTLED', /throttled/],
    ['InternalFailure', 500, 'ERR_AWS_UNAVAILABLE', /try again/],
    ['InvalidClientTokenId', 403, 'ERR_AWS_CREDENTIALS', /credential/],
    ['ExpiredToken', 403, 'ERR_AWS_CREDENTIALS', /credential/],
    ['SignatureDoesNotMatch', 403, 'ERR_AWS_CREDENTIALS', /credential/],
  ])('maps %s to %s without echoing the context', async (code, status, tipCode, advice) => {
    server.use(http.post(STS_URL, () => xmlError(status, code)));
    const error = await fail(1);
    expect(error.code).toBe(tipCode);
    expect(error.message).toMatch(advice);
    expect(error.requestId).toBe(`req-${code}`);
    expect(error.message).not.toContain(CONTEXT);
    expect(JSON.stringify(error.toJSON())).not.toContain(CONTEXT);
  });

  it('caches no longer than asked for: an Expiration 100 years ahead is clamped to DurationSeconds', async () => {
    const hundredYears = new Date(Date.now() + 100 * 365 * 86_400_000).toISOString();
    server.use(http.post(STS_URL, () => okXml('tip-u-1', hundredYears)));
    const before = Date.now();
    const creds = await assumeRoleWithContext(sts, { ...input, durationSeconds: 900 }, retry, Date.now);
    expect(creds.expiration.getTime()).toBeGreaterThanOrEqual(before + 900_000);
    expect(creds.expiration.getTime()).toBeLessThanOrEqual(Date.now() + 900_000);
  });

  it('retries throttling then succeeds', async () => {
    let calls = 0;
    server.use(http.post(STS_URL, () => (++calls < 3 ? xmlError(400, 'Throttling') : okXml())));
    expect((await assumeRoleWithContext(sts, input, retry, Date.now)).sessionToken).toBe('token-1');
    expect(calls).toBe(3);
  });

  it('refuses an answer for another session (never another user’s credentials)', async () => {
    server.use(http.post(STS_URL, () => okXml('tip-u-someone-else')));
    const error = await fail();
    expect(error.code).toBe('ERR_STS_RESPONSE_INVALID');
    expect(error.message).toMatch(/another session/);
  });

  it.each([
    ['not XML', new HttpResponse('{"nope":1}', { headers: { 'content-type': 'text/xml' } })],
    [
      'no credentials',
      new HttpResponse('<AssumeRoleResponse><AssumeRoleResult/></AssumeRoleResponse>', {
        headers: { 'content-type': 'text/xml' },
      }),
    ],
    ['expired credentials', okXml('tip-u-1', new Date(Date.now() - 1000).toISOString())],
    [
      'no AssumedRoleUser',
      new HttpResponse(
        `<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIAEXAMPLE000000001</AccessKeyId><SecretAccessKey>secretsecretsecretsecret</SecretAccessKey><SessionToken>token-1</SessionToken><Expiration>${new Date(Date.now() + 3_600_000).toISOString()}</Expiration></Credentials></AssumeRoleResult></AssumeRoleResponse>`,
        { headers: { 'content-type': 'text/xml' } },
      ),
    ],
  ])('answers a malformed response (%s) with ERR_STS_RESPONSE_INVALID', async (_n, response) => {
    server.use(http.post(STS_URL, () => response.clone()));
    const error = await fail();
    expect(error.code).toBe('ERR_STS_RESPONSE_INVALID');
  });
});

describe('parseStsCredentials', () => {
  const now = Date.now();
  const exp = new Date(now + 60_000);
  const user = {
    Arn: 'arn:aws:sts::123456789012:assumed-role/identity-bearer/tip-u-1',
    AssumedRoleId: 'AROAEXAMPLE:tip-u-1',
  };
  const base = {
    AccessKeyId: 'ASIAEXAMPLE000000001',
    SecretAccessKey: 's'.repeat(30),
    SessionToken: 't',
    Expiration: exp,
  };
  const expect900 = { now, sessionName: 'tip-u-1', durationSeconds: 900 };
  const parse = (output: unknown) => parseStsCredentials(output, 'AssumeRole', expect900);

  it.each([
    ['null', null],
    ['a string', 'Credentials'],
    ['no Credentials', { AssumedRoleUser: user }],
    ['Credentials an array', { Credentials: [base], AssumedRoleUser: user }],
    ['lowercase key id', { Credentials: { ...base, AccessKeyId: 'asia..' }, AssumedRoleUser: user }],
    ['short secret', { Credentials: { ...base, SecretAccessKey: 'x' }, AssumedRoleUser: user }],
    ['empty session token', { Credentials: { ...base, SessionToken: '' }, AssumedRoleUser: user }],
    ['string expiration', { Credentials: { ...base, Expiration: exp.toISOString() }, AssumedRoleUser: user }],
    ['invalid date', { Credentials: { ...base, Expiration: new Date('x') }, AssumedRoleUser: user }],
    ['expired', { Credentials: { ...base, Expiration: new Date(now - 1) }, AssumedRoleUser: user }],
    ['no AssumedRoleUser', { Credentials: base }],
    ['AssumedRoleUser null', { Credentials: base, AssumedRoleUser: null }],
    [
      'AssumedRoleUser without Arn',
      { Credentials: base, AssumedRoleUser: { AssumedRoleId: 'AROA:tip-u-1' } },
    ],
    ['assumed user arn not a string', { Credentials: base, AssumedRoleUser: { Arn: 5 } }],
    [
      'an ARN of another session',
      { Credentials: base, AssumedRoleUser: { ...user, Arn: `${user.Arn.slice(0, -7)}tip-u-2` } },
    ],
    [
      'an ARN that only ends like the session',
      { Credentials: base, AssumedRoleUser: { ...user, Arn: 'arn:aws:sts::1:x/evil/tip-u-1' } },
    ],
    ['an ARN of another kind', { Credentials: base, AssumedRoleUser: { ...user, Arn: 'tip-u-1' } }],
    [
      'a role id of another session',
      { Credentials: base, AssumedRoleUser: { ...user, AssumedRoleId: 'AROA:x' } },
    ],
    ['a role id not a string', { Credentials: base, AssumedRoleUser: { ...user, AssumedRoleId: 7 } }],
  ])('refuses %s with ERR_STS_RESPONSE_INVALID', (_n, output) => {
    expect(() => parse(output)).toThrow(expect.objectContaining({ code: 'ERR_STS_RESPONSE_INVALID' }));
  });

  it('clamps an Expiration beyond what was asked for to now + DurationSeconds', () => {
    const far = new Date(now + 100 * 365 * 86_400_000);
    const creds = parse({ Credentials: { ...base, Expiration: far }, AssumedRoleUser: user });
    expect(creds.expiration.getTime()).toBe(now + 900_000);
    // A shorter answer is kept as it is.
    expect(parse({ Credentials: base, AssumedRoleUser: user }).expiration.getTime()).toBe(exp.getTime());
  });

  it('property: any answer gives a typed error or credentials that expire within what was asked for', () => {
    const anything = fc.oneof(
      fc.anything(),
      fc.date({ noInvalidDate: false }),
      fc.constantFrom(base.AccessKeyId, user.Arn, user.AssumedRoleId),
    );
    const answer = fc.record(
      {
        Credentials: fc.oneof(
          anything,
          fc.record(
            {
              AccessKeyId: fc.oneof(anything, fc.constant(base.AccessKeyId)),
              SecretAccessKey: fc.oneof(anything, fc.constant(base.SecretAccessKey)),
              SessionToken: fc.oneof(anything, fc.constant('t')),
              Expiration: fc.oneof(anything, fc.date({ noInvalidDate: false })),
            },
            { requiredKeys: [] },
          ),
        ),
        AssumedRoleUser: fc.oneof(
          anything,
          fc.constant(user),
          fc.record({ Arn: anything, AssumedRoleId: anything }),
        ),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(answer, (output) => {
        let creds: ReturnType<typeof parse> | undefined;
        try {
          creds = parse(output);
        } catch (error) {
          expect(isTipError(error, 'ERR_STS_RESPONSE_INVALID')).toBe(true);
          return;
        }
        expect(creds.expiration.getTime()).toBeGreaterThan(now);
        expect(creds.expiration.getTime()).toBeLessThanOrEqual(now + 900_000);
        expect(Object.isFrozen(creds)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('session names', () => {
  it('default to tip-<IdC user id>', () => {
    expect(defaultSessionName({ idcUserId: '906787e1b6-1b2c', identityStoreId: 'd-1' })).toBe(
      'tip-906787e1b6-1b2c',
    );
  });

  it('always satisfy STS rules, for any input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (raw) => {
        expect(sanitizeSessionName(raw)).toMatch(/^[\w+=,.@-]{2,64}$/);
      }),
      { numRuns: 500 },
    );
  });
});
