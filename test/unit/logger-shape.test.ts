/**
 * One logger shape everywhere: the same real pino logger, called `(fields, message)`, is accepted by the
 * verifier, the service handles, the HTTP adapters and the trusted identity, and every line it writes keeps
 * its structured fields.
 */
import { http, HttpResponse } from 'msw';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAuthenticator } from '../../src/http/authenticate.js';
import { createJwtVerifier } from '../../src/jwt/verifier.js';
import { createEmit } from '../../src/session/events.js';
import { s3AccessGrants } from '../../src/services/s3/access-grants.js';
import { createTrustedIdentity } from '../../src/tip.js';
import { AUDIENCE, ISSUER, NOW_MS, claims, publishedJwks, signJwt } from '../jwt/kit.js';
import { USER_CREDENTIALS, mswServer, testContext } from '../services/helpers.js';
import { capturePino } from '../support/pino-capture.js';

const server = mswServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

describe('a pino logger', () => {
  it('keeps the JWT verifier fields (issuer, url, key counts) and never sees the token', async () => {
    const { logger, records, lines } = capturePino();
    const jwksUri = 'https://idp.example.com/jwks.json';
    const verifier = createJwtVerifier({
      issuers: [{ issuer: ISSUER, audience: AUDIENCE, algorithms: null, jwksUri }],
      now: () => NOW_MS,
      logger,
      fetch: async () => Response.json(publishedJwks()),
    });
    const token = signJwt(claims());
    await verifier.verify(token);
    expect(records()).toEqual([
      { level: 20, msg: 'tip-sdk: fetching JWKS', issuer: ISSUER, url: jwksUri },
      { level: 20, msg: 'tip-sdk: JWKS loaded', issuer: ISSUER, keys: 5, rejected: 1 },
    ]);
    for (const part of token.split('.')) expect(lines.join('\n')).not.toContain(part);
  });

  it('keeps the service handle fields', async () => {
    const { logger, records } = capturePino();
    const { ctx } = testContext({ logger });
    const control = 'https://:account.s3-control.us-east-1.amazonaws.com/v20180820/accessgrantsinstance';
    server.use(
      http.get(`${control}/prefix`, () =>
        HttpResponse.xml(
          '<GetAccessGrantsInstanceForPrefixResult><AccessGrantsInstanceArn>arn:aws:s3:us-east-1:999988887777:access-grants/default</AccessGrantsInstanceArn></GetAccessGrantsInstanceForPrefixResult>',
        ),
      ),
      http.get(`${control}/dataaccess`, () =>
        HttpResponse.xml(
          `<GetDataAccessResult><Credentials><AccessKeyId>ASIAGRANT1</AccessKeyId><SecretAccessKey>grant-secret</SecretAccessKey><SessionToken>grant-token</SessionToken><Expiration>${new Date(Date.now() + 3_600_000).toISOString()}</Expiration></Credentials><MatchedGrantTarget>s3://lake/*</MatchedGrantTarget></GetDataAccessResult>`,
        ),
      ),
    );
    await s3AccessGrants(ctx).getDataAccess({ target: 's3://lake/a.csv', permission: 'READ' });
    expect(records()).toEqual([
      { level: 20, msg: 's3 access grants instance found', bucket: 'lake', account: '999988887777' },
    ]);
    expect(JSON.stringify(records())).not.toContain(USER_CREDENTIALS.secretAccessKey);
  });

  it('is the logger of the HTTP adapters and of the trusted identity too', async () => {
    const { logger, records } = capturePino();
    const tip = createTrustedIdentity({
      region: 'us-east-1',
      issuers: [{ issuer: ISSUER, audience: AUDIENCE, algorithms: ['RS256'], jwks: publishedJwks() }],
      applicationArn: 'arn:aws:sso::123456789012:application/ssoins-1111222233334444/apl-aaaabbbbccccdddd',
      accessRoleArn: 'arn:aws:iam::123456789012:role/identity-bearer',
      logger,
    });
    const auth = createAuthenticator(tip, { logger });
    await auth.authenticate({ headers: {} }, new AbortController().signal);
    expect(records()).toEqual([
      expect.objectContaining({
        level: 20,
        msg: 'tip-sdk: trusted identity configured',
        region: 'us-east-1',
      }),
      {
        level: 20,
        msg: 'tip-sdk http request refused',
        status: 401,
        code: 'ERR_BEARER_MISSING',
        outcome: 'rejected',
      },
    ]);
  });

  it('gets failures a client token can cause at info, and the others at warn', () => {
    const { logger, records } = capturePino();
    const emit = createEmit(undefined, logger)!;
    const about = { issuer: ISSUER, subject: 'u', grant: 'jwt-bearer' as const, durationMs: 1 };
    emit({ type: 'exchange.failed', code: 'ERR_IDC_INVALID_GRANT', ...about });
    emit({ type: 'exchange.failed', code: 'ERR_IDC_ACCESS_DENIED', ...about });
    emit({ type: 'exchange.failed', code: 'ERR_AWS_THROTTLED', ...about });
    emit({ type: 'exchange.failed', code: 'ERR_IDC_INVALID_CLIENT', ...about });
    emit({ type: 'cache.refresh', outcome: 'failed', issuer: ISSUER, subject: 'u', durationMs: 1 });
    emit({ type: 'exchange.started', issuer: ISSUER, subject: 'u', grant: 'jwt-bearer' });
    expect(records().map((r) => [r.code ?? r.type, r.level])).toEqual([
      ['ERR_IDC_INVALID_GRANT', 30],
      ['ERR_IDC_ACCESS_DENIED', 30],
      ['ERR_AWS_THROTTLED', 40],
      ['ERR_IDC_INVALID_CLIENT', 40],
      ['cache.refresh', 40],
      ['exchange.started', 20],
    ]);
  });
});
