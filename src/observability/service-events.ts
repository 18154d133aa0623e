/**
 * Turns the events of the session's service handles into metrics, spans and audit records: each Athena or
 * Redshift query from start to end, and S3 Access Grants credential lookups.
 *
 * @module
 */
import type { ServiceEvent, ServiceIdentity } from '../services/context.js';
import type { Signals } from './signals.js';

/** The handler of service events for `signals`; it may throw (the caller guards it). */
export function serviceEventHandler(
  signals: Signals,
): (event: ServiceEvent, identity: ServiceIdentity) => void {
  const { recorder, tracing, writeAudit } = signals;
  // Start times of running queries, by service and query id (bounded: a query that never ends is dropped).
  const queries = new Map<string, number>();
  function onServiceEvent(event: ServiceEvent, identity: ServiceIdentity): void {
    if (event.type === 'data-access') {
      recorder.count('tip.s3.data_access', { outcome: event.outcome, permission: event.permission });
      return;
    }
    const key = `${event.service} ${event.queryId}`;
    if (event.type === 'query-started') {
      queries.set(key, Date.now());
      if (queries.size > 10_000) queries.delete(queries.keys().next().value as string);
      return;
    }
    const now = Date.now();
    const startedAt = queries.get(key) ?? now;
    queries.delete(key);
    const code =
      event.type === 'query-failed'
        ? (event.code ?? 'ERR_QUERY_FAILED')
        : event.type === 'query-cancelled'
          ? 'ERR_ABORTED'
          : undefined;
    const outcome = code === undefined ? 'success' : 'failure';
    const service = event.service;
    recorder.count('tip.aws.calls', { service, operation: 'query', outcome, ...(code ? { code } : {}) });
    recorder.record('tip.aws.call.duration', now - startedAt, { service, operation: 'query', outcome });
    const { issuer = '', subject = '', idcUserId } = identity;
    tracing?.finished(
      `${service}.query`,
      startedAt,
      {
        'rpc.system': 'aws-api',
        'rpc.service': service,
        'rpc.method': 'query',
        'tip.query_id': event.queryId,
        'tip.issuer': issuer,
        'tip.idc_user_id': idcUserId,
      },
      code,
    );
    writeAudit({
      who: idcUserId === undefined ? { issuer, subject } : { issuer, subject, idcUserId },
      service,
      operation: 'query',
      resource: event.queryId,
      outcome,
      ...(code ? { code } : {}),
      durationMs: now - startedAt,
    });
  }
  return onServiceEvent;
}
