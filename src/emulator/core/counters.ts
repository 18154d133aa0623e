/** Call counters: per `service:Operation`, per caller principal ARN, per IdC user, and per error code. */

/** A point-in-time copy of the counters. */
export interface CounterSnapshot {
  /** `sts:AssumeRole` -> calls (every request routed to the operation, whatever its outcome, SigV4 failures included). */
  readonly operations: Readonly<Record<string, number>>;
  /** Authenticated caller principal ARN -> calls. */
  readonly callers: Readonly<Record<string, number>>;
  /** IdC userName (identity-enhanced sessions) -> calls. */
  readonly users: Readonly<Record<string, number>>;
  /** `service:Operation:ErrorCode` -> error answers. */
  readonly errors: Readonly<Record<string, number>>;
}

/** The counters API. */
export interface Counters {
  /** Calls of `service:Operation` (e.g. `sts:AssumeRole`), or of every service's `Operation` when no `:` is given. */
  get(operation: string): number;
  /** Calls made by a principal ARN. */
  byCaller(arn: string): number;
  /** Calls made for an IdC userName. */
  byUser(userName: string): number;
  /** Every count at once: by operation, caller, user and error. */
  snapshot(): CounterSnapshot;
  /** Sets every counter back to zero. */
  reset(): void;
}

/** Counters with their writer. */
export interface CountersWriter extends Counters {
  countOperation(key: string): void;
  countCaller(callerArn: string, user: string | undefined): void;
  countError(key: string, code: string): void;
}

function bump(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

/** Creates empty counters. */
export function createCounters(): CountersWriter {
  const operations = new Map<string, number>();
  const callers = new Map<string, number>();
  const users = new Map<string, number>();
  const errors = new Map<string, number>();
  return {
    get(operation) {
      if (operation.includes(':')) return operations.get(operation) ?? 0;
      let total = 0;
      for (const [key, n] of operations) if (key.slice(key.indexOf(':') + 1) === operation) total += n;
      return total;
    },
    byCaller: (arn) => callers.get(arn) ?? 0,
    byUser: (userName) => users.get(userName) ?? 0,
    snapshot: () => ({
      operations: Object.fromEntries(operations),
      callers: Object.fromEntries(callers),
      users: Object.fromEntries(users),
      errors: Object.fromEntries(errors),
    }),
    reset() {
      operations.clear();
      callers.clear();
      users.clear();
      errors.clear();
    },
    countOperation(key) {
      bump(operations, key);
    },
    countCaller(callerArn, user) {
      bump(callers, callerArn);
      if (user) bump(users, user);
    },
    countError(key, code) {
      bump(errors, `${key}:${code}`);
    },
  };
}
