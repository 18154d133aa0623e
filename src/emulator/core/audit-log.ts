/**
 * The emulator's audit log: one entry per authorization decision (front-level checks, trust policies,
 * grants). Bounded; entries name principals and resources, never tokens or secrets.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { optionError } from '../../errors.js';
import type { ServiceName } from './types.js';

/** One decision. */
export interface AuditEntry {
  /** Emulator clock, epoch ms. */
  readonly time: number;
  /** The request id answered to the client. */
  readonly requestId: string;
  /** The service, when routing got that far. */
  readonly service: ServiceName | undefined;
  /** The operation, when routing got that far. */
  readonly operation: string | undefined;
  /** Principal ARN of the caller (`…:assumed-role/Role/session` for sessions); undefined when unsigned. */
  readonly callerArn: string | undefined;
  /** IdC userName for identity-enhanced sessions. */
  readonly idcUser: string | undefined;
  /** IAM action evaluated, when the decision was an IAM check. */
  readonly action: string | undefined;
  /** ARN or S3 URI, `*` for the front-level check. */
  readonly resource: string;
  /** The decision. */
  readonly outcome: 'allowed' | 'denied';
  /** Why, for denials, e.g. `SigV4: badSignature`. */
  readonly reason: string | undefined;
}

/** What is known of the request being served, carried across awaits. */
export interface RequestScope {
  readonly requestId: string;
  service: ServiceName | undefined;
  operation: string | undefined;
  callerArn: string | undefined;
  idcUser: string | undefined;
}

/** The scope of the request the current async chain serves. */
export const requestScope = new AsyncLocalStorage<RequestScope>();

/** The audit log API given to users. */
export interface AuditLog {
  /** Entries, oldest first (at most `capacity`). */
  entries(): readonly AuditEntry[];
  /** Entries matching every given field. */
  find(
    filter: Partial<
      Pick<AuditEntry, 'service' | 'operation' | 'outcome' | 'callerArn' | 'idcUser' | 'requestId'>
    >,
  ): AuditEntry[];
  /** Removes every entry. */
  clear(): void;
}

/** The audit log with its writer. */
export interface AuditLogWriter extends AuditLog {
  record(
    entry: Omit<AuditEntry, 'time' | 'requestId' | 'service' | 'operation' | 'callerArn' | 'idcUser'> &
      Partial<AuditEntry>,
  ): void;
}

/** Entries an audit log keeps when no capacity is given. */
export const DEFAULT_AUDIT_CAPACITY = 10_000;

/**
 * Creates an audit log holding the last `capacity` entries (default {@link DEFAULT_AUDIT_CAPACITY}), in a
 * ring: recording is O(1) however long the emulator runs; reading copies the entries, oldest first.
 *
 * @param now - Emulator clock, epoch ms.
 */
export function createAuditLog(now: () => number, capacity = DEFAULT_AUDIT_CAPACITY): AuditLogWriter {
  if (!Number.isSafeInteger(capacity) || capacity < 1) {
    throw optionError('maxAuditEntries', 'must be a positive integer');
  }
  let ring: AuditEntry[] = [];
  /** Where the next entry goes once the ring is full (its oldest entry). */
  let head = 0;
  const list = (): AuditEntry[] =>
    ring.length < capacity || head === 0 ? ring.slice() : [...ring.slice(head), ...ring.slice(0, head)];
  return {
    entries: list,
    find(filter) {
      const fields = Object.entries(filter).filter(([, v]) => v !== undefined);
      return list().filter((e) => fields.every(([k, v]) => e[k as keyof AuditEntry] === v));
    },
    clear() {
      ring = [];
      head = 0;
    },
    record(entry) {
      const scope = requestScope.getStore();
      const frozen = Object.freeze({
        time: now(),
        requestId: entry.requestId ?? scope?.requestId ?? '',
        service: entry.service ?? scope?.service,
        operation: entry.operation ?? scope?.operation,
        callerArn: entry.callerArn ?? scope?.callerArn,
        idcUser: entry.idcUser ?? scope?.idcUser,
        action: entry.action,
        resource: entry.resource,
        outcome: entry.outcome,
        reason: entry.reason,
      });
      if (ring.length < capacity) {
        ring.push(frozen);
        return;
      }
      ring[head] = frozen;
      head = (head + 1) % capacity;
    },
  };
}
