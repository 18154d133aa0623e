/**
 * Turns the core's events (exchange, role assumption, cache decisions) into metrics, `tip.exchange` and
 * `tip.assumeRole` spans under the current `tip.forToken` scope, and audit records.
 *
 * @module
 */
import type { TipEvent } from '../session/events.js';
import type { AuditSubject } from './audit.js';
import type { MetricAttributes } from './metrics.js';
import type { Signals } from './signals.js';
import { currentScope } from './tracing.js';

/** The attributes of every cache hit, frozen once (the registry then keys them once, see metrics.ts). */
const CACHE_HIT: MetricAttributes = Object.freeze({ result: 'hit' });

/** The handler of core events for `signals`; it may throw (the caller guards it). */
export function coreEventHandler(signals: Signals): (event: TipEvent) => void {
  const { recorder, tracing, writeAudit } = signals;
  return onEvent;

  function onEvent(event: TipEvent): void {
    if (event.type === 'cache.store') {
      const { cache, outcome, reason } = event;
      recorder.count('tip.cache.store', { cache, outcome, ...(reason ? { reason } : {}) });
      return;
    }
    // Every warm call reports a hit: it reads no clock and builds no audit subject.
    if (event.type === 'cache.hit' || event.type === 'cache.miss') {
      const result = event.type === 'cache.hit' ? 'hit' : 'miss';
      recorder.count(
        'tip.cache.lookups',
        event.type === 'cache.miss' ? { result, reason: event.reason } : CACHE_HIT,
      );
      const scope = currentScope();
      if (scope !== undefined && scope.cache === undefined) scope.cache = result;
      return;
    }
    const now = Date.now();
    const who: AuditSubject = { issuer: event.issuer, subject: event.subject };
    switch (event.type) {
      case 'exchange.succeeded':
      case 'exchange.failed': {
        const code = event.type === 'exchange.failed' ? event.code : undefined;
        const outcome = code === undefined ? 'success' : 'failure';
        recorder.count('tip.exchange.requests', { grant: event.grant, outcome, ...(code ? { code } : {}) });
        recorder.record('tip.exchange.duration', event.durationMs, { grant: event.grant, outcome });
        const idcUserId = event.type === 'exchange.succeeded' ? event.idcUserId : undefined;
        tracing?.finished(
          'tip.exchange',
          now - event.durationMs,
          {
            'tip.issuer': event.issuer,
            'tip.grant': event.grant,
            'tip.idc_user_id': idcUserId,
            'rpc.system': 'aws-api',
            'rpc.service': 'sso-oidc',
            'rpc.method': 'CreateTokenWithIAM',
          },
          code,
        );
        writeAudit({
          who: idcUserId === undefined ? who : { ...who, idcUserId },
          service: 'sso-oidc',
          operation: 'CreateTokenWithIAM',
          outcome,
          ...(code ? { code } : {}),
          durationMs: event.durationMs,
        });
        return;
      }
      case 'assume-role.succeeded':
      case 'assume-role.failed': {
        const code = event.type === 'assume-role.failed' ? event.code : undefined;
        const outcome = code === undefined ? 'success' : 'failure';
        recorder.count('tip.assume_role.requests', { outcome, ...(code ? { code } : {}) });
        recorder.record('tip.assume_role.duration', event.durationMs, { outcome });
        tracing?.finished(
          'tip.assumeRole',
          now - event.durationMs,
          {
            'tip.issuer': event.issuer,
            'tip.idc_user_id': event.idcUserId,
            'tip.role_arn': event.roleArn,
            'rpc.system': 'aws-api',
            'rpc.service': 'sts',
            'rpc.method': 'AssumeRole',
          },
          code,
        );
        writeAudit({
          who: { ...who, idcUserId: event.idcUserId },
          service: 'sts',
          operation: 'AssumeRole',
          resource: event.roleArn,
          outcome,
          ...(code ? { code } : {}),
          durationMs: event.durationMs,
        });
        return;
      }
      case 'cache.refresh':
        recorder.count('tip.cache.refreshes', {
          outcome: event.outcome,
          ...(event.code ? { code: event.code } : {}),
        });
        return;
      default:
        return;
    }
  }
}
