/**
 * What the event handlers write to: metrics, spans (when tracing) and audit records.
 *
 * @module
 */
import type { AuditRecord } from './audit.js';
import type { MetricsRecorder } from './metrics.js';
import type { Tracing } from './tracing.js';

/** The outputs shared by every handler of one observability instance. */
export interface Signals {
  readonly recorder: MetricsRecorder;
  readonly tracing: Tracing | undefined;
  /** Writes one audit record (the time is added); never throws. */
  readonly writeAudit: (record: Omit<AuditRecord, 'time'>) => void;
}
