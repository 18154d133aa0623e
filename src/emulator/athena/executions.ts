import type { SqlResult } from '../sql/types.js';
import type { AthenaType } from './column-info.js';
import type { AthenaFailure } from './errors.js';
import type { WorkGroup } from './workgroups.js';

/** Query states as Athena reports them. */
export type QueryState = 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';

/** Who may see an execution: the account, and for Identity Center workgroups the same IdC user. */
export interface ExecutionOwner {
  readonly accountId: string;
  readonly idcUserId: string | undefined;
}

/** A query execution. The SQL runs when it is submitted; the states it reports follow the emulator clock. */
export interface Execution {
  readonly id: string;
  readonly query: string;
  readonly workGroup: WorkGroup;
  readonly database: string | undefined;
  readonly catalog: string | undefined;
  readonly executionParameters: readonly string[] | undefined;
  readonly outputLocation: string;
  readonly owner: ExecutionOwner;
  /** Epoch ms. */
  readonly submittedAt: number;
  readonly queuedMs: number;
  readonly runningMs: number;
  readonly statementType: 'DDL' | 'DML' | 'UTILITY';
  readonly substatementType: string;
  readonly outcome:
    | { readonly kind: 'succeeded'; readonly result: SqlResult; readonly types: readonly AthenaType[] }
    | { readonly kind: 'failed'; readonly failure: AthenaFailure };
  /** Epoch ms of StopQueryExecution while QUEUED or RUNNING. */
  cancelledAt?: number;
}

/** The state of `execution` at `now` (epoch ms), and when it completed (if it did). */
export function stateAt(execution: Execution, now: number): { state: QueryState; completedAt?: number } {
  if (execution.cancelledAt !== undefined) return { state: 'CANCELLED', completedAt: execution.cancelledAt };
  const queuedEnd = execution.submittedAt + execution.queuedMs;
  if (now < queuedEnd) return { state: 'QUEUED' };
  const doneAt = queuedEnd + execution.runningMs;
  if (now < doneAt) return { state: 'RUNNING' };
  return { state: execution.outcome.kind === 'succeeded' ? 'SUCCEEDED' : 'FAILED', completedAt: doneAt };
}

/** Statement and substatement type from the query's first keyword. */
export function statementTypes(firstWord: string | undefined): {
  type: Execution['statementType'];
  sub: string;
} {
  switch (firstWord) {
    case 'select':
    case 'with':
    case 'values':
    case 'table':
      return { type: 'DML', sub: 'SELECT' };
    case 'insert':
    case 'update':
    case 'delete':
    case 'merge':
      return { type: 'DML', sub: firstWord.toUpperCase() };
    case 'create':
    case 'drop':
    case 'alter':
      return { type: 'DDL', sub: `${firstWord.toUpperCase()}` };
    default:
      return { type: 'UTILITY', sub: (firstWord ?? 'UNKNOWN').toUpperCase() };
  }
}

/** Bounded store of executions: the oldest are forgotten past `max` (Athena keeps 45 days; tests need less). */
export class ExecutionStore {
  private readonly byId = new Map<string, Execution>();
  private readonly tokens = new Map<string, { id: string; fingerprint: string }>();

  constructor(private readonly max = 10_000) {}

  add(execution: Execution): void {
    this.byId.set(execution.id, execution);
    while (this.byId.size > this.max) {
      const oldest = this.byId.keys().next().value as string;
      this.byId.delete(oldest);
    }
  }

  get(id: string): Execution | undefined {
    return this.byId.get(id);
  }

  /** The execution already started with this idempotency key, if any. */
  byToken(key: string): { id: string; fingerprint: string } | undefined {
    return this.tokens.get(key);
  }

  rememberToken(key: string, id: string, fingerprint: string): void {
    this.tokens.set(key, { id, fingerprint });
    while (this.tokens.size > this.max) this.tokens.delete(this.tokens.keys().next().value as string);
  }
}
