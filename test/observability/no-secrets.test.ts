/**
 * Runs whole flows (success, cache hit, refresh, cookie, and every failure class) through a real Express
 * server with every observability output captured — log lines, events, spans, OTel measurements, the
 * metrics snapshot, audit records and HTTP answers — and searches them for the actual secret values the
 * IdP, IAM Identity Center and STS handed out during the test.
 */
import { SSOOIDCClient } from '@aws-sdk/client-sso-oidc';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import * as otelApi from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/start.js';
import type { AuditRecord } from '../../src/observability/audit.js';
import { createObservability } from '../../src/observability/observe.js';
import type { TipEvent, TipLogger } from '../../src/session/events.js';
import { createTrustedIdentity } from '../../src/tip.js';
import { ACCOUNT, AUDIENCE, startTestEmulator, tipOptions } from '../http/fixture.js';
import { type TestServer, startExpress } from '../http/servers.js';
import { memoryMeterProvider, memoryTracerProvider } from './memory-otel.js';

let emu: RunningEmulator;
let server: TestServer;
const secrets = new Set<string>();
const keep = (value: unknown) => {
  if (typeof value === 'string' && value.length >= 12) secrets.add(value);
};
const logLines: string[] = [];
const events: TipEvent[] = [];
const audit: AuditRecord[] = [];
const answers: string[] = [];
const tracer = memoryTracerProvider();
const meter = memoryMeterProvider();
const obs = createObservability({
  otel: otelApi,
  tracerProvider: tracer,
  meterProvider: meter,
  logger: capturingLogger(),
  audit: (r) => audit.push(r),
  events: (e) => events.push(e),
});

function capturingLogger(): TipLogger {
  const line = (level: string) => (fields: object, message?: string) => {
    logLines.push(`${level} ${message ?? ''} ${JSON.stringify(fields)}`);
  };
  return { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') };
}

/** Wraps a client's `send` to keep every secret the answer carries. */
function capturing<C extends { send: (...args: never[]) => Promise<unknown> }>(client: C): C {
  const send = client.send.bind(client) as (...args: unknown[]) => Promise<Record<string, unknown>>;
  return {
    send: async (...args: unknown[]) => {
      const out = await send(...args);
      keep(out.accessToken);
      keep(out.refreshToken);
      keep(out.idToken);
      keep((out.awsAdditionalDetails as { identityContext?: unknown } | undefined)?.identityContext);
      const creds = out.Credentials as { SecretAccessKey?: unknown; SessionToken?: unknown } | undefined;
      keep(creds?.SecretAccessKey);
      keep(creds?.SessionToken);
      return out;
    },
  } as unknown as C;
}

async function token(user: string, opts?: { audience?: string }) {
  const t = await emu.idp!.tokenFor(user, opts);
  keep(t);
  keep(t.split('.')[2]);
  return t;
}

async function call(path: string, headers: Record<string, string>) {
  const res = await fetch(`${server.url}${path}`, { headers });
  const text = await res.text();
  answers.push(`${res.status} ${JSON.stringify([...res.headers])} ${text}`);
  return res.status;
}

beforeAll(async () => {
  emu = await startTestEmulator();
  keep(emu.credentials.secretAccessKey);
  const base = tipOptions(emu);
  const aws = emu.clientConfig({ service: 'sts' });
  const tip = obs.instrument(
    createTrustedIdentity({
      ...base,
      ssoOidcClient: capturing(new SSOOIDCClient({ ...aws, maxAttempts: 1 })),
      stsClient: capturing(new STSClient({ ...aws, maxAttempts: 1 })),
      events: obs.events,
      ...(obs.logger === undefined ? {} : { logger: obs.logger }),
    }),
  );
  server = await startExpress(tip, {
    realm: 'leaks',
    cookieName: 'tok',
    logger: obs.logger,
    observe: obs.http,
  });

  // Successes: header, repeat (cache hit), cookie, AWS calls as the user, a forced refresh.
  const alice = await token('user20');
  expect(await call('/me', { authorization: `Bearer ${alice}` })).toBe(200);
  expect(await call('/whoami-aws', { authorization: `Bearer ${alice}` })).toBe(200);
  expect(await call('/me', { cookie: `tok=${await token('user21')}` })).toBe(200);
  const session = await tip.forToken(alice);
  const own = await session.credentials();
  keep(own.secretAccessKey);
  keep(own.sessionToken);
  // A forced refresh: the emulator's refresh answer carries no identity context (as AWS documents it),
  // and the JWT was already exchanged, so the refresh fails and the held credentials stay.
  await session.credentials({ forceRefresh: true }).catch(() => undefined);
  const sts = obs.instrumentClient(new STSClient(session.clientConfig()), session);
  await sts.send(new GetCallerIdentityCommand({}));
  await sts
    .send(
      new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${ACCOUNT}:role/none`, RoleSessionName: 'leak-test' }),
    )
    .catch(() => undefined);
  sts.destroy();

  // Failures: missing, malformed, expired, wrong audience, forged, replay-free denial, throttling.
  expect(await call('/me', {})).toBe(401);
  expect(await call('/me', { authorization: `Bearer ${alice} ${alice}` })).toBe(400);
  const expired = await emu.idp!.signToken(
    { sub: 'user22', aud: AUDIENCE, email: 'user22@example.com' },
    { header: { typ: 'at+jwt' }, expiresInSeconds: -60 },
  );
  keep(expired);
  expect(await call('/me', { authorization: `Bearer ${expired}` })).toBe(401);
  expect(
    await call('/me', {
      authorization: `Bearer ${await token('user22', { audience: 'https://elsewhere.example' })}`,
    }),
  ).toBe(401);
  const good = await token('user23');
  const forged = `${good.slice(0, good.lastIndexOf('.') + 1)}${'A'.repeat(342)}`;
  keep(forged);
  expect(await call('/me', { authorization: `Bearer ${forged}` })).toBe(401);
  expect(await call('/me', { authorization: `Bearer ${await token('outsider')}` })).toBe(403);
  emu.faults.inject({ operation: 'sso-oauth:CreateTokenWithIAM', throttle: true });
  expect(await call('/me', { authorization: `Bearer ${await token('user24')}` })).toBe(503);
  emu.faults.inject({ operation: 'sts:AssumeRole', status5xx: 503 });
  expect(await call('/me', { authorization: `Bearer ${await token('user25')}` })).toBe(503);
});

afterAll(async () => {
  await server?.close();
  await emu?.stop();
});

describe('observability outputs hold no secret', () => {
  it('collected the secrets and every kind of output', () => {
    const values = [...secrets];
    // 8 IdP tokens (+ signatures), IdC access/refresh/ID tokens and identity contexts, STS keys and session tokens.
    expect(values.length).toBeGreaterThanOrEqual(30);
    expect(logLines.some((l) => l.startsWith('warn'))).toBe(true);
    expect(logLines.some((l) => l.startsWith('debug'))).toBe(true);
    expect(new Set(events.map((e) => e.type))).toEqual(
      new Set([
        'cache.miss',
        'cache.hit',
        'cache.refresh',
        'exchange.started',
        'exchange.succeeded',
        'exchange.failed',
        'assume-role.succeeded',
        'assume-role.failed',
      ]),
    );
    expect(new Set(tracer.spans.map((s) => s.name))).toEqual(
      new Set(['tip.forToken', 'tip.exchange', 'tip.assumeRole', 'sts.GetCallerIdentity', 'sts.AssumeRole']),
    );
    expect(new Set(audit.map((r) => `${r.operation}:${r.outcome}`))).toEqual(
      new Set([
        'CreateTokenWithIAM:success',
        'CreateTokenWithIAM:failure',
        'AssumeRole:success',
        'AssumeRole:failure',
        'GetCallerIdentity:success',
      ]),
    );
    expect(new Set(answers.map((a) => a.slice(0, 3)))).toEqual(new Set(['200', '400', '401', '403', '503']));
  });

  it('finds none of them in logs, events, spans, metrics, audit records or HTTP answers', () => {
    const outputs: Record<string, string> = {
      logs: logLines.join('\n'),
      events: JSON.stringify(events),
      spans: JSON.stringify(
        tracer.spans.map(({ name, attributes, status }) => ({ name, attributes, status })),
      ),
      measurements: JSON.stringify(meter.measurements),
      metrics: JSON.stringify(obs.metrics.snapshot()),
      audit: JSON.stringify(audit),
      answers: answers.join('\n'),
    };
    const found: string[] = [];
    for (const [where, text] of Object.entries(outputs)) {
      expect(text.length, where).toBeGreaterThan(50);
      for (const secret of secrets) if (text.includes(secret)) found.push(`${where}: ${secret.slice(0, 8)}…`);
      // No compact JWS of any kind, whether or not it was collected above.
      if (/eyJ[\w-]{10,}\.eyJ[\w-]{10,}\./.test(text)) found.push(`${where}: a JWT`);
    }
    expect(found).toEqual([]);
  });
});
