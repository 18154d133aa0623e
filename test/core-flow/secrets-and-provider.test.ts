import { inspect } from 'node:util';
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { http, HttpResponse } from 'msw';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fromTrustedIdentity } from '../../src/credentials/from-trusted-identity.js';
import { isTipError } from '../../src/errors.js';
import {
  APP_ARN,
  REGION,
  ROLE_ARN,
  SERVICE_CREDENTIALS,
  STS_URL,
  createFakeAws,
  fakeJwt,
  idcUserIdOf,
  manualClock,
  shapedJwt,
  userOfSessionToken,
} from './helpers/fake-aws.js';
import { capturePino } from '../support/pino-capture.js';
import { fakeTip } from './helpers/tip.js';

const clock = manualClock(Date.now());
const aws = createFakeAws({ now: clock });
beforeAll(() => aws.server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => aws.server.resetHandlers());
afterAll(() => aws.server.close());
beforeEach(() => aws.reset());

function recordingLogger() {
  const lines: string[] = [];
  const log = (fields: object, message?: string) => lines.push(JSON.stringify({ fields, message }));
  return { lines, logger: { debug: log, info: log, warn: log, error: log } };
}

describe('no secrets in events, logs, errors or keys', () => {
  it('events and log lines carry issuer, subject, IdC user id and durations only', async () => {
    const { lines, logger } = recordingLogger();
    const { tip, events } = fakeTip(clock, { logger });
    const jwt = fakeJwt('sam', 'secret-jti-value');
    const session = await tip.forToken(jwt);
    const creds = await session.credentials();
    clock.advance(3_600_001);
    await tip.forToken(fakeJwt('sam', 'secret-jti-2'));
    aws.faults.oidc.push({ status: 400, code: 'AccessDeniedException' });
    await tip.forToken(fakeJwt('zed', 'z1')).catch(() => undefined);
    const everything = JSON.stringify(events) + lines.join('\n');
    expect(events.length).toBeGreaterThan(5);
    expect(lines.length).toBe(events.length + 1); // + the configuration decision line
    expect(lines[0]).toContain('service credentials');
    for (const secret of [
      jwt,
      'secret-jti',
      'ctx:',
      'at-u-',
      'rt-u-',
      creds.secretAccessKey,
      creds.sessionToken!,
      creds.accessKeyId,
    ]) {
      expect(everything).not.toContain(secret);
    }
    expect(everything).toContain(idcUserIdOf('sam'));
    expect(events.find((e) => e.type === 'exchange.failed')).toMatchObject({
      code: 'ERR_IDC_ACCESS_DENIED',
      subject: 'zed',
    });
  });

  it('errors keep no secret AWS echoed: not in message, cause, util.inspect, JSON or a pino record', async () => {
    const { tip } = fakeTip(clock);
    const renderings = (error: unknown): Record<string, string> => {
      const pino = capturePino();
      pino.logger.error({ err: error }, 'forToken failed');
      return {
        inspect: inspect(error, { depth: 10 }),
        cause: inspect((error as Error).cause, { depth: 10, showHidden: true }),
        json: JSON.stringify(error),
        string: String(error),
        pino: pino.lines.join('\n'),
      };
    };
    const failures: { secret: string; error: unknown }[] = [];

    // IdC echoes the assertion in its message and in OAuth members of the body.
    const assertion = fakeJwt('ada', 'echoed-jti-0001');
    aws.faults.oidc.push({
      status: 400,
      code: 'InvalidRequestException',
      message: `Assertion ${assertion} is not valid`,
      extra: { reason: assertion, error: `invalid ${assertion}` },
    });
    failures.push({ secret: assertion, error: await tip.forToken(assertion).catch((e: unknown) => e) });

    // STS echoes the identity context in a validation message, as its validation errors do.
    let context = '';
    aws.server.use(
      http.post(STS_URL, async ({ request }) => {
        context = new URLSearchParams(await request.text()).get(
          'ProvidedContexts.member.1.ContextAssertion',
        )!;
        return new HttpResponse(
          `<ErrorResponse><Error><Type>Sender</Type><Code>ValidationError</Code><Message>1 validation error detected: Value '${context}' at 'providedContexts.1.member.contextAssertion' failed to satisfy constraint; received ${context.slice(0, 30)}</Message></Error><RequestId>req-sts-echo</RequestId></ErrorResponse>`,
          { status: 400, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': 'req-sts-echo' } },
        );
      }),
    );
    const second = await tip.forToken(fakeJwt('bea', 'b1')).catch((e: unknown) => e);
    expect(context).toMatch(/^ctx:/);
    failures.push({ secret: context, error: second });

    for (const { secret, error } of failures) {
      expect(isTipError(error)).toBe(true);
      const cause = (error as Error).cause as Record<string, unknown>;
      expect(cause).toBeInstanceOf(Error);
      expect(cause.$metadata).toMatchObject({ httpStatusCode: 400 });
      for (const [where, text] of Object.entries(renderings(error))) {
        expect(text.length, where).toBeGreaterThan(10);
        expect(text, where).not.toContain(secret);
        expect(text, where).not.toContain(secret.slice(0, 14));
      }
    }
    // What is not secret stays readable.
    const sts = renderings(failures[1]!.error);
    expect(sts.pino).toContain('ValidationError');
    expect(sts.pino).toContain('req-sts-echo');
    expect(sts.inspect).toContain('providedContexts.1.member.contextAssertion');
  });

  it('a throwing listener or logger does not break resolution', async () => {
    const { tip } = fakeTip(clock, {
      events: () => {
        throw new Error('listener bug');
      },
      logger: {
        debug: () => {
          throw new Error('logger bug');
        },
        info: () => undefined,
        warn: () => undefined,
        error: () => undefined,
      },
    });
    expect((await tip.forToken(fakeJwt('tom', 't1'))).identity.subject).toBe('tom');
  });
});

describe('fromTrustedIdentity', () => {
  // On the test clock, which earlier tests moved forward: the provider stops at a token's `exp`.
  const inAnHour = () => Math.floor(clock() / 1000) + 3600;
  const providerOf = (token: () => string) =>
    fromTrustedIdentity({
      region: REGION,
      token,
      applicationArn: APP_ARN,
      accessRoleArn: ROLE_ARN,
      clientConfig: { credentials: SERVICE_CREDENTIALS },
      clock,
    });

  it('is a credential provider an SDK client uses, cached across calls', async () => {
    let token = shapedJwt('uma', 'u1', inAnHour());
    const provider = providerOf(() => token);
    const a = await provider();
    token = shapedJwt('uma', 'u2', inAnHour());
    const b = await provider();
    expect(b).toEqual(a);
    expect(userOfSessionToken(a.sessionToken)).toBe(idcUserIdOf('uma'));
    expect(aws.counts).toMatchObject({ jwtBearer: 1, assumeRole: 1 });

    let auth = '';
    aws.server.use(
      http.post(STS_URL, async ({ request }) => {
        auth = request.headers.get('authorization') ?? '';
        return new HttpResponse(
          '<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:aws:sts::123456789012:assumed-role/identity-bearer/x</Arn><UserId>AROA:x</UserId><Account>123456789012</Account></GetCallerIdentityResult></GetCallerIdentityResponse>',
          { headers: { 'content-type': 'text/xml' } },
        );
      }),
    );
    const client = new STSClient({ region: REGION, credentials: provider });
    await client.send(new GetCallerIdentityCommand({}));
    expect(auth).toContain(`Credential=${a.accessKeyId}/`);
  });

  it('serves one user: a token naming another user never reaches cached credentials', async () => {
    let token = shapedJwt('vic', 'v1', inAnHour());
    const provider = providerOf(() => token);
    const first = await provider();
    expect(userOfSessionToken(first.sessionToken)).toBe(idcUserIdOf('vic'));
    token = shapedJwt('mallory', 'm1', inAnHour());
    const refused = await provider().catch((e: unknown) => e);
    expect(isTipError(refused, 'ERR_JWT_CLAIM')).toBe(true);
    expect((refused as { details: { reason?: string } }).details.reason).toBe('another_user');
    expect(aws.counts).toMatchObject({ jwtBearer: 1, assumeRole: 1 });
    token = shapedJwt('vic', 'v2', inAnHour());
    expect(await provider()).toEqual(first);
  });

  it("stops at the token's exp (ERR_JWT_EXPIRED) unless sessionExpiry is 'refresh-token'", async () => {
    const token = shapedJwt('wes', 'w1', inAnHour());
    const provider = providerOf(() => token);
    const first = await provider();
    clock.advance(3_600_001);
    const error = await provider().catch((e: unknown) => e);
    expect(isTipError(error, 'ERR_JWT_EXPIRED')).toBe(true);
    expect(aws.counts).toMatchObject({ jwtBearer: 1, assumeRole: 1 });
    const lasting = fromTrustedIdentity({
      region: REGION,
      token: shapedJwt('xia', 'x1', inAnHour()),
      applicationArn: APP_ARN,
      accessRoleArn: ROLE_ARN,
      clientConfig: { credentials: SERVICE_CREDENTIALS },
      clock,
      sessionExpiry: 'refresh-token',
    });
    await lasting();
    clock.advance(3_600_001);
    expect(userOfSessionToken((await lasting()).sessionToken)).toBe(idcUserIdOf('xia'));
    expect(aws.counts.refresh).toBe(1);
    expect(first.accessKeyId).toBeTruthy();
  });

  it('rejects a token without sub with ERR_JWT_CLAIM and garbage with ERR_JWT_INVALID', async () => {
    const base = { region: REGION, applicationArn: APP_ARN, accessRoleArn: ROLE_ARN, clock };
    const noSub = `${Buffer.from('{"alg":"RS256"}').toString('base64url')}.${Buffer.from('{"iss":"x"}').toString('base64url')}.c2ln`;
    expect(
      isTipError(await fromTrustedIdentity({ ...base, token: noSub })().catch((e) => e), 'ERR_JWT_CLAIM'),
    ).toBe(true);
    expect(
      isTipError(await fromTrustedIdentity({ ...base, token: 'nope' })().catch((e) => e), 'ERR_JWT_INVALID'),
    ).toBe(true);
    expect(() => fromTrustedIdentity({ ...base, token: 5 as never })).toThrow(/`token`/);
  });
});
