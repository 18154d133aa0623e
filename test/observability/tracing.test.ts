import * as otelApi from '@opentelemetry/api';
import { GetCallerIdentityCommand, AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/start.js';
import type { AuditRecord } from '../../src/observability/audit.js';
import { loadOpenTelemetry } from '../../src/observability/load-otel.js';
import { createObservability } from '../../src/observability/observe.js';
import type { OtelApi } from '../../src/observability/otel-types.js';
import { createTrustedIdentity } from '../../src/tip.js';
import { ACCOUNT, ROLE, startTestEmulator, tipOptions } from '../http/fixture.js';
import { type MemorySpan, memoryMeterProvider, memoryTracerProvider } from './memory-otel.js';

// The real module satisfies the structural type (a compile-time check).
const api: OtelApi = otelApi;

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(async () => {
  await emu?.stop();
});

function setup() {
  const tracerProvider = memoryTracerProvider();
  const meterProvider = memoryMeterProvider();
  const audit: AuditRecord[] = [];
  const obs = createObservability({ otel: api, tracerProvider, meterProvider, audit: (r) => audit.push(r) });
  const tip = obs.instrument(createTrustedIdentity({ ...tipOptions(emu), events: obs.events }));
  return { obs, tip, spans: tracerProvider.spans, measurements: meterProvider.measurements, audit };
}

const byName = (spans: MemorySpan[], name: string) => spans.filter((s) => s.name === name);
const userId = (u: string) => emu.config.identityCenter.users.find((x) => x.userName === u)?.userId;

describe('spans', () => {
  it('makes tip.forToken with tip.exchange and tip.assumeRole children on a miss, and none on a hit', async () => {
    const { tip, spans, obs } = setup();
    const token = await emu.idp!.tokenFor('user10');
    const session = await tip.forToken(token);
    expect(session.identity.idcUserId).toBe(userId('user10'));
    const [root] = byName(spans, 'tip.forToken');
    expect(root).toMatchObject({
      parentId: undefined,
      kind: 0,
      status: { code: 1 },
      attributes: {
        'tip.issuer': emu.idp!.issuer,
        'tip.idc_user_id': userId('user10'),
        'tip.outcome': 'success',
        'tip.cache': 'miss',
      },
    });
    expect(root?.endTime).toBeGreaterThanOrEqual(root!.startTime);
    const [exchange] = byName(spans, 'tip.exchange');
    expect(exchange).toMatchObject({
      parentId: root!.id,
      kind: 2,
      attributes: {
        'tip.grant': 'jwt-bearer',
        'tip.idc_user_id': userId('user10'),
        'rpc.method': 'CreateTokenWithIAM',
        'tip.outcome': 'success',
      },
    });
    const [assume] = byName(spans, 'tip.assumeRole');
    expect(assume).toMatchObject({
      parentId: root!.id,
      attributes: { 'tip.role_arn': ROLE, 'rpc.method': 'AssumeRole' },
    });

    await tip.forToken(token);
    const roots = byName(spans, 'tip.forToken');
    expect(roots).toHaveLength(2);
    expect(roots[1]?.attributes['tip.cache']).toBe('hit');
    expect(byName(spans, 'tip.exchange')).toHaveLength(1);
    const snap = obs.metrics.snapshot();
    expect(snap.counters['tip.for_token.requests']).toEqual(
      expect.arrayContaining([
        { attributes: { outcome: 'success', cache: 'miss' }, value: 1 },
        { attributes: { outcome: 'success', cache: 'hit' }, value: 1 },
      ]),
    );
    expect(snap.counters['tip.exchange.requests']).toEqual([
      { attributes: { grant: 'jwt-bearer', outcome: 'success' }, value: 1 },
    ]);
    expect(snap.histograms['tip.assume_role.duration']?.[0]?.count).toBe(1);
  });

  it('marks failures with the error code on span, metrics and audit', async () => {
    const { tip, spans, audit, measurements } = setup();
    await expect(tip.forToken(await emu.idp!.tokenFor('outsider'))).rejects.toMatchObject({
      code: 'ERR_IDC_ACCESS_DENIED',
    });
    expect(byName(spans, 'tip.forToken')[0]).toMatchObject({
      status: { code: 2, message: 'ERR_IDC_ACCESS_DENIED' },
      attributes: { 'tip.outcome': 'failure', 'tip.error_code': 'ERR_IDC_ACCESS_DENIED' },
    });
    expect(byName(spans, 'tip.exchange')[0]?.status).toEqual({ code: 2, message: 'ERR_IDC_ACCESS_DENIED' });
    expect(byName(spans, 'tip.assumeRole')).toHaveLength(0);
    expect(audit).toEqual([
      expect.objectContaining({
        service: 'sso-oidc',
        operation: 'CreateTokenWithIAM',
        outcome: 'failure',
        code: 'ERR_IDC_ACCESS_DENIED',
        who: { issuer: emu.idp!.issuer, subject: 'outsider' },
      }),
    ]);
    expect(measurements).toContainEqual({
      instrument: 'tip.exchange.requests',
      kind: 'counter',
      value: 1,
      attributes: { grant: 'jwt-bearer', outcome: 'failure', code: 'ERR_IDC_ACCESS_DENIED' },
    });
  });

  it('observes calls an SDK client makes as the user: span, metrics, one audit record per call', async () => {
    const { tip, obs, spans, audit } = setup();
    const session = await tip.forToken(await emu.idp!.tokenFor('user11'));
    audit.length = 0;
    const sts = obs.instrumentClient(new STSClient(session.clientConfig()), session);
    try {
      const me = await sts.send(new GetCallerIdentityCommand({}));
      const other = `arn:aws:iam::${ACCOUNT}:role/not-there`;
      await expect(
        sts.send(new AssumeRoleCommand({ RoleArn: other, RoleSessionName: 'x1' })),
      ).rejects.toThrow();
      expect(audit).toEqual([
        expect.objectContaining({
          service: 'sts',
          operation: 'GetCallerIdentity',
          outcome: 'success',
          requestId: me.$metadata.requestId,
          who: { issuer: emu.idp!.issuer, subject: 'user11', idcUserId: userId('user11') },
        }),
        expect.objectContaining({
          service: 'sts',
          operation: 'AssumeRole',
          resource: other,
          outcome: 'failure',
        }),
      ]);
      expect(audit[1]?.code).toMatch(/^[A-Za-z]+$/);
      const call = byName(spans, 'sts.GetCallerIdentity')[0];
      expect(call).toMatchObject({
        kind: 2,
        attributes: {
          'rpc.service': 'sts',
          'tip.idc_user_id': userId('user11'),
          'aws.request_id': me.$metadata.requestId,
        },
      });
      expect(obs.metrics.snapshot().counters['tip.aws.calls']).toEqual([
        { attributes: { service: 'sts', operation: 'GetCallerIdentity', outcome: 'success' }, value: 1 },
        {
          attributes: { service: 'sts', operation: 'AssumeRole', outcome: 'failure', code: audit[1]?.code },
          value: 1,
        },
      ]);
    } finally {
      sts.destroy();
    }
  });

  it('works without OpenTelemetry: metrics and audit only, and the module loads when installed', async () => {
    const audit: AuditRecord[] = [];
    const obs = createObservability({ audit: (r) => audit.push(r) });
    const tip = obs.instrument(createTrustedIdentity({ ...tipOptions(emu), events: obs.events }));
    await tip.forToken(await emu.idp!.tokenFor('user12'));
    expect(audit.map((r) => r.operation)).toEqual(['CreateTokenWithIAM', 'AssumeRole']);
    expect(obs.metrics.snapshot().counters['tip.for_token.requests']).toEqual([
      { attributes: { outcome: 'success', cache: 'miss' }, value: 1 },
    ]);
    expect(tip.cachedUsers).toBe(1);
    const loaded = await loadOpenTelemetry();
    expect(typeof loaded?.trace.getTracerProvider).toBe('function');
  });
});
