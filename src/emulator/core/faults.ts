/**
 * Fault injection, applied by the front to matching calls after authentication: added latency,
 * throttling (each protocol's code), a 5xx, or a given error, for the next `times` calls.
 */
import { SERVICE_PROFILES, frontError } from './profiles.js';
import { AwsServiceError, type ServiceName } from './types.js';

/** One fault rule. */
export interface FaultSpec {
  /** `service:Operation` (e.g. `sts:AssumeRole`), a bare `Operation` (any service), or `*` (every call). */
  readonly operation: string;
  /** Delay before answering, milliseconds. Default 0. */
  readonly latencyMs?: number;
  /** Answer the service's throttling error (`ThrottlingException`, `Throttling`, `SlowDown`). */
  readonly throttle?: boolean;
  /** Answer a server error with this status (500..599): `InternalServerException`/`InternalFailure`/`InternalError`, or the unavailable code for 503. */
  readonly status5xx?: number;
  /** Answer this error instead of calling the handler. */
  readonly error?: {
    /** The AWS error code, e.g. `AccessDeniedException`. */
    readonly code: string;
    /** The error message. */
    readonly message: string;
    /** The HTTP status. */
    readonly status: number;
  };
  /** How many matching calls it applies to. Default 1; `Infinity` for all. */
  readonly times?: number;
}

/** What the front does for one call. */
export interface FaultAction {
  readonly latencyMs: number;
  readonly kind: 'none' | 'throttle' | '5xx' | 'error';
  readonly status?: number;
  readonly error?: { readonly code: string; readonly message: string; readonly status: number };
}

/** The fault API given to users. */
export interface Faults {
  /** Adds a rule; rules apply in order, the first match wins. Returns a function that removes it. */
  inject(spec: FaultSpec): () => void;
  /** Removes every rule. */
  clear(): void;
  /** Rules still active. */
  readonly active: number;
}

/** Faults with the front's hook. */
export interface FaultsController extends Faults {
  /** Consumes one use of the first rule matching `service:operation`. */
  take(service: string, operation: string): FaultAction;
}

interface Rule {
  spec: FaultSpec;
  left: number;
}

function checkSpec(spec: FaultSpec): void {
  if (typeof spec?.operation !== 'string' || spec.operation.length === 0) {
    throw new TypeError('faults.inject: `operation` must be a non-empty string such as `sts:AssumeRole`');
  }
  const times = spec.times ?? 1;
  if (!(times >= 1)) throw new TypeError('faults.inject: `times` must be at least 1');
  if (spec.latencyMs !== undefined && !(spec.latencyMs >= 0 && spec.latencyMs <= 600_000)) {
    throw new TypeError('faults.inject: `latencyMs` must be 0..600000');
  }
  if (
    spec.status5xx !== undefined &&
    !(Number.isInteger(spec.status5xx) && spec.status5xx >= 500 && spec.status5xx <= 599)
  ) {
    throw new TypeError('faults.inject: `status5xx` must be an integer 500..599');
  }
  if (spec.error && !(spec.error.status >= 400 && spec.error.status <= 599 && spec.error.code)) {
    throw new TypeError('faults.inject: `error` needs a `code` and a `status` 400..599');
  }
}

/** Creates an empty fault table. */
export function createFaults(): FaultsController {
  let rules: Rule[] = [];
  return {
    get active() {
      return rules.length;
    },
    inject(spec) {
      checkSpec(spec);
      const rule: Rule = { spec: { ...spec }, left: spec.times ?? 1 };
      rules.push(rule);
      return () => {
        rules = rules.filter((r) => r !== rule);
      };
    },
    clear() {
      rules = [];
    },
    take(service, operation) {
      const full = `${service}:${operation}`;
      const rule = rules.find(
        (r) => r.spec.operation === '*' || r.spec.operation === full || r.spec.operation === operation,
      );
      if (!rule) return { latencyMs: 0, kind: 'none' };
      rule.left -= 1;
      if (rule.left <= 0) rules = rules.filter((r) => r !== rule);
      const { spec } = rule;
      const latencyMs = spec.latencyMs ?? 0;
      if (spec.error) return { latencyMs, kind: 'error', error: spec.error };
      if (spec.throttle) return { latencyMs, kind: 'throttle' };
      if (spec.status5xx !== undefined) return { latencyMs, kind: '5xx', status: spec.status5xx };
      return { latencyMs, kind: 'none' };
    },
  };
}

/** The error an injected fault answers for `service`; undefined when the call proceeds. */
export function faultError(service: ServiceName, fault: FaultAction): AwsServiceError | undefined {
  if (fault.kind === 'throttle') return frontError(service, 'throttling', 'Rate exceeded');
  if (fault.kind === '5xx') {
    const shape = SERVICE_PROFILES[service].failures[fault.status === 503 ? 'unavailable' : 'internal'];
    return new AwsServiceError(shape.code, 'Injected server error.', fault.status ?? shape.status);
  }
  if (fault.kind === 'error' && fault.error) {
    return new AwsServiceError(fault.error.code, fault.error.message, fault.error.status);
  }
  return undefined;
}
