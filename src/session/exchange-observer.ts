/**
 * The `exchange.*` events of one subject's IdC exchanges (never a token: the issuer, subject, grant, IdC
 * user id, durations and attempts).
 *
 * @module
 */
import type { ExchangeObserver } from '../identity-center/obtain-token.js';
import type { Emit } from './events.js';

/** Reports the exchanges made for (`issuer`, `subject`) to `emit`; `undefined` without a listener. */
export function exchangeObserver(
  emit: Emit | undefined,
  issuer: string,
  subject: string,
): ExchangeObserver | undefined {
  if (emit === undefined) return undefined;
  return {
    started: (grant) => emit({ type: 'exchange.started', issuer, subject, grant }),
    succeeded: (grant, result, durationMs, attempts) =>
      emit({
        type: 'exchange.succeeded',
        issuer,
        subject,
        grant,
        idcUserId: result.identity.idcUserId,
        durationMs,
        attempts,
      }),
    failed: (grant, error, durationMs) =>
      emit({ type: 'exchange.failed', issuer, subject, grant, code: error.code, durationMs }),
  };
}
