import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSsoOidcClient } from '../../src/aws/clients.js';
import { resolveRetry } from '../../src/aws/retry.js';
import { isTipError } from '../../src/errors.js';
import type { TipError } from '../../src/errors.js';
import { createTokenWithIam } from '../../src/identity-center/exchange.js';
import type { IdcGrant } from '../../src/identity-center/types.js';
import {
  APP_ARN,
  OIDC_URL,
  REGION,
  SERVICE_CREDENTIALS,
  idToken,
  STORE_ID,
} from '../core-flow/helpers/fake-aws.js';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const NOW = Date.now();
const CONTEXT = 'ctx-secret-identity-context-value';
const ASSERTION = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl';
const okBody = {
  accessToken: 'at-secret',
  tokenType: 'Bearer',
  expiresIn: 3600,
  refreshToken: 'rt-secret',
  idToken: idToken({
    sub: 'u-alice',
    aud: APP_ARN,
    exp: Math.floor(NOW / 1000) + 3600,
    'sts:identity_context': CONTEXT,
    'aws:identity_store_id': STORE_ID,
  }),
  awsAdditionalDetails: { identityContext: CONTEXT },
};

function context(retry = {}) {
  return {
    client: createSsoOidcClient(REGION, { credentials: SERVICE_CREDENTIALS }),
    applicationArn: APP_ARN,
    scopes: undefined,
    retry: resolveRetry({ baseDelayMs: 1, maxDelayMs: 2, timeoutMs: 3000, ...retry }),
    clock: Date.now,
  };
}

function awsError(status: number, code: string, extra: Record<string, string> = {}) {
  return HttpResponse.json(
    { error: 'x', error_description: `${code} happened`, ...extra },
    { status, headers: { 'x-amzn-errortype': code, 'x-amzn-requestid': `req-${code}` } },
  );
}

async function failWith(grant: IdcGrant = { type: 'jwt-bearer', assertion: ASSERTION }, retry = {}) {
  const error = await createTokenWithIam(context(retry), grant).catch((e: unknown) => e);
  expect(isTipError(error)).toBe(true);
  return error as TipError;
}

describe('createTokenWithIam', () => {
  it.each<[string, IdcGrant, Record<string, unknown>]>([
    [
      'jwt-bearer',
      { type: 'jwt-bearer', assertion: ASSERTION },
      { grantType: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: ASSERTION },
    ],
    [
      'refresh_token',
      { type: 'refresh-token', refreshToken: 'rt-0' },
      { grantType: 'refresh_token', refreshToken: 'rt-0' },
    ],
    [
      'token-exchange',
      { type: 'token-exchange', subjectToken: 'at-other' },
      {
        grantType: 'urn:ietf:params:oauth:grant-type:token-exchange',
        subjectToken: 'at-other',
        subjectTokenType: 'urn:ietf:params:oauth:token-type:access_token',
        requestedTokenType: 'urn:ietf:params:oauth:token-type:access_token',
      },
    ],
    [
      'authorization_code',
      {
        type: 'authorization-code',
        code: 'c-1',
        redirectUri: 'http://127.0.0.1:7890/cb',
        codeVerifier: 'v'.repeat(43),
      },
      {
        grantType: 'authorization_code',
        code: 'c-1',
        redirectUri: 'http://127.0.0.1:7890/cb',
        codeVerifier: 'v'.repeat(43),
      },
    ],
  ])('sends the %s grant as IdC expects and parses the answer', async (_name, grant, wire) => {
    let seen: Record<string, unknown> | undefined;
    let url = '';
    let auth = '';
    server.use(
      http.post(OIDC_URL, async ({ request }) => {
        seen = (await request.json()) as Record<string, unknown>;
        url = request.url;
        auth = request.headers.get('authorization') ?? '';
        return HttpResponse.json(okBody);
      }),
    );
    const set = await createTokenWithIam(context(), grant);
    expect(seen).toEqual({ clientId: APP_ARN, ...wire });
    expect(url).toContain('aws_iam=t');
    expect(auth).toMatch(/\/us-east-1\/sso-oauth\/aws4_request/);
    expect(set.identity.idcUserId).toBe('u-alice');
    expect(set.identityContext).toBe(CONTEXT);
  });

  const mapped: [string, number, string, RegExp][] = [
    ['InvalidGrantException', 400, 'ERR_IDC_INVALID_GRANT', /trusted token issuer/],
    ['AccessDeniedException', 400, 'ERR_IDC_ACCESS_DENIED', /Is the user assigned to the application/],
    ['InvalidClientException', 401, 'ERR_IDC_INVALID_CLIENT', /applicationArn/],
    ['UnauthorizedClientException', 400, 'ERR_IDC_UNAUTHORIZED_CLIENT', /enable the grant/],
    ['UnsupportedGrantTypeException', 400, 'ERR_IDC_UNSUPPORTED_GRANT_TYPE', /add the grant/],
    ['InvalidScopeException', 400, 'ERR_IDC_INVALID_SCOPE', /scopes/],
    ['InvalidRequestException', 400, 'ERR_IDC_INVALID_REQUEST', /malformed/],
    ['ExpiredTokenException', 400, 'ERR_IDC_EXPIRED_TOKEN', /fresh JWT/],
    ['AuthorizationPendingException', 400, 'ERR_IDC_INVALID_GRANT', /pending/],
    ['SlowDownException', 400, 'ERR_AWS_THROTTLED', /throttled/],
    ['InternalServerException', 500, 'ERR_AWS_UNAVAILABLE', /try again later/],
    ['UnrecognizedClientException', 403, 'ERR_AWS_CREDENTIALS', /credential chain/],
    ['InvalidSignatureException', 403, 'ERR_AWS_CREDENTIALS', /credential chain/],
    ['SomethingNewException', 400, 'ERR_AWS_UNKNOWN', /SomethingNewException/],
  ];

  it.each(mapped)(
    'maps %s to %s with advice, cause and request id',
    async (code, status, tipCode, advice) => {
      server.use(http.post(OIDC_URL, () => awsError(status, code, { reason: 'KMS_AccessDeniedException' })));
      const error = await failWith(undefined, { maxAttempts: 1 });
      expect(error.code).toBe(tipCode);
      expect(error.message).toMatch(advice);
      expect(error.requestId).toBe(`req-${code}`);
      expect((error.cause as { name?: string }).name).toBe(code);
      expect(error.details).toMatchObject({
        service: 'sso-oidc',
        operation: 'CreateTokenWithIAM',
        awsErrorCode: code,
      });
      expect(JSON.stringify(error.toJSON())).not.toContain(ASSERTION);
      if (code === 'InvalidRequestException') expect(error.details.reason).toBe('KMS_AccessDeniedException');
    },
  );

  it('maps InvalidRequestRegionException to ERR_IDC_WRONG_REGION with region and endpoint', async () => {
    server.use(
      http.post(OIDC_URL, () =>
        awsError(400, 'InvalidRequestRegionException', {
          region: 'eu-west-1',
          endpoint: 'https://oidc.eu-west-1.amazonaws.com',
        }),
      ),
    );
    const error = await failWith();
    expect(error.code).toBe('ERR_IDC_WRONG_REGION');
    expect(error.details).toMatchObject({
      region: 'eu-west-1',
      endpoint: 'https://oidc.eu-west-1.amazonaws.com',
    });
  });

  it('retries throttling, then succeeds', async () => {
    let calls = 0;
    server.use(
      http.post(OIDC_URL, () => {
        calls += 1;
        return calls <= 2 ? awsError(429, 'ThrottlingException') : HttpResponse.json(okBody);
      }),
    );
    let attempts = 0;
    const set = await createTokenWithIam(
      context(),
      { type: 'jwt-bearer', assertion: ASSERTION },
      {
        onAttempts: (n) => {
          attempts = n;
        },
      },
    );
    expect(set.identity.idcUserId).toBe('u-alice');
    expect(calls).toBe(3);
    expect(attempts).toBe(3);
  });

  it('gives up after a burst of 5xx with ERR_AWS_UNAVAILABLE after maxAttempts', async () => {
    let calls = 0;
    server.use(
      http.post(OIDC_URL, () => {
        calls += 1;
        return awsError(503, 'ServiceUnavailable');
      }),
    );
    const error = await failWith(undefined, { maxAttempts: 4 });
    expect(error.code).toBe('ERR_AWS_UNAVAILABLE');
    expect(calls).toBe(4);
  });

  it('does not retry a client error', async () => {
    let calls = 0;
    server.use(
      http.post(OIDC_URL, () => {
        calls += 1;
        return awsError(400, 'AccessDeniedException');
      }),
    );
    await failWith();
    expect(calls).toBe(1);
  });

  it('fails with ERR_TIMEOUT when the deadline passes (no hang)', async () => {
    server.use(
      http.post(OIDC_URL, async () => {
        await new Promise((r) => setTimeout(r, 2_000));
        return HttpResponse.json(okBody);
      }),
    );
    const error = await failWith(undefined, { timeoutMs: 50 });
    expect(error.code).toBe('ERR_TIMEOUT');
  });

  it('fails with ERR_ABORTED when the caller aborts', async () => {
    server.use(
      http.post(OIDC_URL, async () => {
        await new Promise((r) => setTimeout(r, 2_000));
        return HttpResponse.json(okBody);
      }),
    );
    const controller = new AbortController();
    const pending = createTokenWithIam(
      context(),
      { type: 'jwt-bearer', assertion: ASSERTION },
      {
        signal: controller.signal,
      },
    ).catch((e: unknown) => e);
    setTimeout(() => controller.abort(), 20);
    expect(isTipError(await pending, 'ERR_ABORTED')).toBe(true);
  });

  it.each([
    ['non-JSON body', '<html>oops</html>', 'ERR_IDC_RESPONSE_INVALID'],
    ['empty object', '{}', 'ERR_IDC_RESPONSE_INVALID'],
    ['wrong types', '{"accessToken":1,"idToken":[]}', 'ERR_IDC_RESPONSE_INVALID'],
  ])('answers a malformed response (%s) with a typed error', async (_n, body, code) => {
    server.use(
      http.post(OIDC_URL, () => new HttpResponse(body, { headers: { 'content-type': 'application/json' } })),
    );
    const error = await failWith();
    expect(error.code).toBe(code);
  });
});
