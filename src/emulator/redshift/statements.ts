/**
 * Data API statements: who owns them, and their lifecycle on the emulator's clock.
 *
 * A statement is SUBMITTED for `submittedMs`, PICKED for `pickedMs`, STARTED for `runningMs`, then runs its
 * SQL and is FINISHED or FAILED. The SQL runs at the end of the STARTED window (on the first look after
 * it, or by a timer), so a statement cancelled while SUBMITTED, PICKED or STARTED never touched the
 * database: ABORTED means nothing happened, as on Redshift where a cancelled transaction rolls back.
 */
import { randomUUID } from 'node:crypto';
import type { RedshiftTarget } from './targets.js';
import type { RunnerResult, RunnerStatement } from './sql-runner.js';
import type { SqlParameter } from './parameters.js';

/** Data API statement status. */
export type StatementStatus = 'SUBMITTED' | 'PICKED' | 'STARTED' | 'FINISHED' | 'FAILED' | 'ABORTED';

/** Who ran a statement; describe, results and cancel are for the same owner only. */
export interface StatementOwner {
  readonly accountId: string;
  /** Role ARN of a role session, else the principal ARN. */
  readonly principal: string;
  /** The IdC user id for identity-enhanced sessions. */
  readonly idcUserId?: string;
}

/** Statement timing, milliseconds. */
export interface StatementTiming {
  readonly submittedMs: number;
  readonly pickedMs: number;
  readonly runningMs: number;
}

/** One SQL text of a statement (a batch has several). */
export interface SubStatement {
  /** The SQL as the caller sent it. */
  readonly queryString: string;
  /** The SQL to run, placeholders bound. */
  readonly bound: RunnerStatement;
  status?: 'FINISHED' | 'FAILED' | 'ABORTED';
  result?: RunnerResult;
  error?: string;
  readonly queryId: number;
}

/** A statement as the store keeps it. */
export interface Statement {
  readonly id: string;
  readonly owner: StatementOwner;
  readonly target: RedshiftTarget;
  readonly database: string;
  /** The database user the SQL runs as, e.g. `AWSIDC:alice`. */
  readonly dbUser: string;
  /** DbUser as the caller gave it (plain IAM callers), echoed in responses. */
  readonly requestDbUser?: string;
  /** Internal schemas of (target, database), the search path. */
  readonly searchPath: readonly string[];
  readonly isBatch: boolean;
  readonly subStatements: readonly SubStatement[];
  readonly parameters: readonly SqlParameter[];
  readonly statementName?: string;
  readonly resultFormat: 'JSON' | 'CSV';
  readonly createdAt: number;
  readonly timing: StatementTiming;
  readonly redshiftPid: number;
  /** Set when the SQL has run (or the statement was aborted): the clock time, epoch ms. */
  endedAt?: number;
  aborted?: boolean;
  /** Set when the connection itself fails (unknown database): the statement FAILS with it, running nothing. */
  readonly connectError?: string;
  /** ARN of the calling principal (the session), for ListStatements with `RoleLevel: false`. */
  readonly callerArn: string;
  /** Error of a failed statement, `ERROR: <postgres message>`. */
  error?: string;
  /** The run in progress, once started. */
  execution?: Promise<void>;
}

/** How long statements are kept, as the Data API does: 24 hours. */
export const STATEMENT_RETENTION_MS = 24 * 3600 * 1000;

/** When the SQL runs: the end of the STARTED window, epoch ms. */
export function runAt(statement: Statement): number {
  const { submittedMs, pickedMs, runningMs } = statement.timing;
  return statement.createdAt + submittedMs + pickedMs + runningMs;
}

/** When the statement started (end of PICKED), epoch ms. */
export function startedAt(statement: Statement): number {
  return statement.createdAt + statement.timing.submittedMs + statement.timing.pickedMs;
}

/** The status visible at `now` (epoch ms). */
export function statusAt(statement: Statement, now: number): StatementStatus {
  if (statement.aborted) return 'ABORTED';
  if (statement.endedAt !== undefined) return statement.error === undefined ? 'FINISHED' : 'FAILED';
  const { submittedMs, pickedMs } = statement.timing;
  if (now < statement.createdAt + submittedMs) return 'SUBMITTED';
  if (now < statement.createdAt + submittedMs + pickedMs) return 'PICKED';
  return 'STARTED';
}

/** The time of the last visible change at `now` (`UpdatedAt`), epoch ms. */
export function updatedAt(statement: Statement, now: number): number {
  if (statement.endedAt !== undefined) return statement.endedAt;
  const { submittedMs } = statement.timing;
  if (now < statement.createdAt + submittedMs) return statement.createdAt;
  if (now < startedAt(statement)) return statement.createdAt + submittedMs;
  return startedAt(statement);
}

/** Whether `owner` may see `statement`: same account, same role (or principal), same IdC user (or none). */
export function ownedBy(statement: Statement, owner: StatementOwner): boolean {
  return (
    statement.owner.accountId === owner.accountId &&
    statement.owner.principal === owner.principal &&
    statement.owner.idcUserId === owner.idcUserId
  );
}

/** Statement id as the service makes them: a lower-case UUID. */
export function newStatementId(): string {
  return randomUUID();
}

/** Ids: a UUID, optionally `:N` for a sub-statement of a batch. */
export const STATEMENT_ID = /^([a-z0-9]{8}(?:-[a-z0-9]{4}){3}-[a-z0-9]{12})(?::(\d{1,4}))?$/;

/** Most statements kept at once; the oldest are forgotten first, so memory stays bounded. */
export const MAX_RETAINED_STATEMENTS = 10_000;

/** In-memory statement store with client-token idempotency. */
export class StatementStore {
  readonly #byId = new Map<string, Statement>();
  readonly #byClientToken = new Map<string, string>();
  readonly #max: number;

  /** @param max - Most statements kept, default {@link MAX_RETAINED_STATEMENTS}. */
  constructor(max = MAX_RETAINED_STATEMENTS) {
    this.#max = max;
  }

  /** Adds a statement; `clientToken` (scoped to the owner) maps later retries to it. */
  add(statement: Statement, clientToken?: string): void {
    while (this.#byId.size >= this.#max) {
      const oldest = this.#byId.keys().next().value as string;
      this.#byId.delete(oldest);
    }
    if (this.#byClientToken.size >= this.#max * 2) this.#byClientToken.clear();
    this.#byId.set(statement.id, statement);
    if (clientToken !== undefined)
      this.#byClientToken.set(tokenKey(statement.owner, clientToken), statement.id);
  }

  /** The statement an earlier request with the same `clientToken` of the same owner created. */
  byClientToken(owner: StatementOwner, clientToken: string, now: number): Statement | undefined {
    const id = this.#byClientToken.get(tokenKey(owner, clientToken));
    return id === undefined ? undefined : this.get(id, now);
  }

  /** The statement with `id` if still retained at `now`. */
  get(id: string, now: number): Statement | undefined {
    const statement = this.#byId.get(id);
    if (!statement) return undefined;
    if (statement.createdAt + STATEMENT_RETENTION_MS <= now) {
      this.#byId.delete(id);
      return undefined;
    }
    return statement;
  }

  /** Retained statements, newest first. */
  list(now: number): Statement[] {
    const out: Statement[] = [];
    for (const statement of this.#byId.values()) {
      if (statement.createdAt + STATEMENT_RETENTION_MS > now) out.push(statement);
      else this.#byId.delete(statement.id);
    }
    return out.sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? -1 : 1));
  }
}

function tokenKey(owner: StatementOwner, clientToken: string): string {
  return JSON.stringify([owner.accountId, owner.principal, owner.idcUserId ?? '', clientToken]);
}
