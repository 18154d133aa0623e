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
  ])('answers a malformed response (%s) with ERR_STS_RESPONSE_INVALID', async (_n, response) => {
    server.use(http.post(STS_URL, () => response.clone()));
    const error = await fail();
    expect(error.code).toBe('ERR_STS_RESPONSE_INVALID');
  });
});

describe('parseStsCredentials', () => {
  const exp = new Date(Date.now() + 60_000);
  const base = {
    AccessKeyId: 'ASIAEXAMPLE000000001',
    SecretAccessKey: 's'.repeat(30),
    SessionToken: 't',
    Expiration: exp,
  };
  it.each([
    ['null', null],
    ['no Credentials', {}],
    ['lowercase key id', { Credentials: { ...base, AccessKeyId: 'asia..' } }],
    ['short secret', { Credentials: { ...base, SecretAccessKey: 'x' } }],
    ['empty session token', { Credentials: { ...base, SessionToken: '' } }],
    ['string expiration', { Credentials: { ...base, Expiration: exp.toISOString() } }],
    ['invalid date', { Credentials: { ...base, Expiration: new Date('x') } }],
    ['assumed user arn not a string', { Credentials: base, AssumedRoleUser: { Arn: 5 } }],
  ])('refuses %s', (_n, output) => {
    expect(() => parseStsCredentials(output, 'AssumeRole', Date.now(), 'tip-u-1')).toThrow(
      expect.objectContaining({ code: 'ERR_STS_RESPONSE_INVALID' }),
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
