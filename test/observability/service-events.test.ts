import * as otelApi from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../src/observability/audit.js';
import { createObservability } from '../../src/observability/observe.js';
import { memoryTracerProvider } from './memory-otel.js';

const who = {
  issuer: 'https://idp.example.com',
  subject: 'alice',
  idcUserId: 'u-alice',
  identityStoreId: 'd-1',
  // The session identity also carries claims; none of them may reach an audit record.
  claims: { email: 'alice@example.com', scope: 'private' },
} as const;

describe('service events', () => {
  it('turns a query into a span, call metrics and one audit record with the user', () => {
    const tracer = memoryTracerProvider();
    const audit: AuditRecord[] = [];
    const obs = createObservability({
      otel: otelApi,
      tracerProvider: tracer,
      meterProvider: null,
      audit: (r) => audit.push(r),
    });
    obs.serviceEvents({ type: 'query-started', service: 'athena', queryId: 'q-1' }, who);
    obs.serviceEvents({ type: 'query-started', service: 'redshift-data', queryId: 'q-2' }, who);
    obs.serviceEvents({ type: 'query-finished', service: 'athena', queryId: 'q-1' }, who);
    obs.serviceEvents({ type: 'query-failed', service: 'redshift-data', queryId: 'q-2' }, who);
    obs.serviceEvents({ type: 'query-cancelled', service: 'athena', queryId: 'q-3' }, who);

    expect(audit.map(({ time: _t, durationMs: _d, ...r }) => r)).toEqual([
      {
        who: { issuer: who.issuer, subject: 'alice', idcUserId: 'u-alice' },
        service: 'athena',
        operation: 'query',
        resource: 'q-1',
        outcome: 'success',
      },
      {
        who: { issuer: who.issuer, subject: 'alice', idcUserId: 'u-alice' },
        service: 'redshift-data',
        operation: 'query',
        resource: 'q-2',
        outcome: 'failure',
        code: 'ERR_QUERY_FAILED',
      },
      {
        who: { issuer: who.issuer, subject: 'alice', idcUserId: 'u-alice' },
        service: 'athena',
        operation: 'query',
        resource: 'q-3',
        outcome: 'failure',
        code: 'ERR_ABORTED',
      },
    ]);
    expect(JSON.stringify(audit)).not.toContain('private');
    expect(tracer.spans.map((s) => [s.name, s.attributes['tip.query_id'], s.status?.code])).toEqual([
      ['athena.query', 'q-1', 1],
      ['redshift-data.query', 'q-2', 2],
      ['athena.query', 'q-3', 2],
    ]);
    expect(tracer.spans.every((s) => s.endTime !== undefined && s.endTime >= s.startTime)).toBe(true);
    expect(obs.metrics.snapshot().counters['tip.aws.calls']).toEqual([
      { attributes: { service: 'athena', operation: 'query', outcome: 'success' }, value: 1 },
      {
        attributes: {
          service: 'redshift-data',
          operation: 'query',
          outcome: 'failure',
          code: 'ERR_QUERY_FAILED',
        },
        value: 1,
      },
      {
        attributes: { service: 'athena', operation: 'query', outcome: 'failure', code: 'ERR_ABORTED' },
        value: 1,
      },
    ]);
  });

  it('counts S3 Access Grants lookups by outcome and survives a throwing audit sink', () => {
    const obs = createObservability({
      audit: () => {
        throw new Error('sink down');
      },
    });
    for (const outcome of ['hit', 'hit', 'miss', 'denied-cached'] as const) {
      obs.serviceEvents({ type: 'data-access', outcome, target: 's3://lake/a/*', permission: 'READ' }, who);
    }
    obs.serviceEvents({ type: 'query-started', service: 'athena', queryId: 'q' }, who);
    expect(() =>
      obs.serviceEvents({ type: 'query-finished', service: 'athena', queryId: 'q' }, who),
    ).not.toThrow();
    expect(obs.metrics.snapshot().counters['tip.s3.data_access']).toEqual([
      { attributes: { outcome: 'hit', permission: 'READ' }, value: 2 },
      { attributes: { outcome: 'miss', permission: 'READ' }, value: 1 },
      { attributes: { outcome: 'denied-cached', permission: 'READ' }, value: 1 },
    ]);
  });
});
