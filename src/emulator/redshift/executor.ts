/**
 * Runs statements' SQL at the end of their STARTED window, one run at a time in submission order, and
 * records the outcome on the statement. See `statements.ts` for the lifecycle.
 */
import { RunnerFailure, type SqlRunner } from './sql-runner.js';
import { type HistoryEntry, queryType } from './query-history.js';
import { runAt, startedAt, type Statement } from './statements.js';
import { targetKey } from './targets.js';

/** Longest error text kept on a statement, characters. */
const MAX_ERROR_LENGTH = 2000;

function errorText(message: string): string {
  const text = `ERROR: ${message}`;
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH - 1)}…` : text;
}

/** Executes statements on a {@link SqlRunner}. */
export class StatementExecutor {
  readonly #runner: () => Promise<SqlRunner>;
  readonly #clock: () => number;
  readonly #timers = new Set<NodeJS.Timeout>();
  #queue: Promise<void> = Promise.resolve();
  #closed = false;

  /**
   * @param runner - Resolves the runner (the engine may still be booting).
   * @param clock - The emulator's clock, epoch ms.
   */
  constructor(runner: () => Promise<SqlRunner>, clock: () => number) {
    this.#runner = runner;
    this.#clock = clock;
  }

  /**
   * Arms a wall-clock timer so the SQL runs even if nobody looks at the statement. When the emulator's clock
   * is moved by hand, the first look after `runAt` runs it instead.
   */
  schedule(statement: Statement): void {
    if (this.#closed) return;
    const delay = Math.max(0, runAt(statement) - this.#clock());
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      if (this.#clock() >= runAt(statement)) void this.start(statement).catch(() => undefined);
    }, delay);
    timer.unref?.();
    this.#timers.add(timer);
  }

  /** Brings `statement` up to date with `now` (epoch ms): runs its SQL when due and waits for the outcome. */
  async settle(statement: Statement, now: number): Promise<void> {
    if (statement.endedAt !== undefined || statement.aborted) return;
    if (now < runAt(statement)) return;
    await this.start(statement);
  }

  /** Starts the run of `statement` once; later calls share it. */
  start(statement: Statement): Promise<void> {
    statement.execution ??= this.#queue.then(() => this.#execute(statement));
    this.#queue = statement.execution.catch(() => undefined);
    return statement.execution;
  }

  async #execute(statement: Statement): Promise<void> {
    if (statement.aborted || statement.endedAt !== undefined) return;
    const subs = statement.subStatements;
    if (statement.connectError !== undefined) {
      for (const sub of subs) sub.status = 'ABORTED';
      statement.error = statement.connectError;
      statement.endedAt = Math.max(this.#clock(), runAt(statement));
      return;
    }
    try {
      const runner = await this.#runner();
      // Redshift creates IdC and IAM database users on their first connection.
      if (statement.dbUser.includes(':')) await runner.ensureRole(statement.dbUser);
      const results = await runner.run(
        statement.dbUser,
        statement.searchPath,
        subs.map((s) => s.bound),
      );
      subs.forEach((sub, k) => {
        sub.status = 'FINISHED';
        const result = results[k];
        if (result) sub.result = result;
      });
    } catch (error) {
      const failure =
        error instanceof RunnerFailure
          ? error
          : new RunnerFailure(0, 'XX000', 'internal error running the statement');
      const index = Math.min(Math.max(failure.index, 0), subs.length - 1);
      const text = errorText(failure.message);
      subs.forEach((sub, k) => {
        // The transaction rolled back: statements before the failure ran but left nothing; later ones never ran.
        sub.status = k < index ? 'FINISHED' : k === index ? 'FAILED' : 'ABORTED';
        if (k === index) sub.error = text;
      });
      statement.error = text;
    } finally {
      statement.endedAt = Math.max(this.#clock(), runAt(statement));
    }
    await this.#record(statement);
  }

  /** Adds the sub-statements that reached the database to the query history; a failure here is ignored. */
  async #record(statement: Statement): Promise<void> {
    const entries: HistoryEntry[] = [];
    for (const sub of statement.subStatements) {
      if (sub.status !== 'FINISHED' && sub.status !== 'FAILED') continue;
      entries.push({
        queryId: sub.queryId,
        userName: statement.dbUser,
        target: targetKey(statement.target),
        database: statement.database,
        queryType: queryType(sub.queryString),
        status: sub.status === 'FINISHED' ? 'success' : 'failed',
        startTime: startedAt(statement),
        endTime: statement.endedAt ?? this.#clock(),
        returnedRows: sub.result?.rowCount ?? 0,
        queryText: sub.queryString,
        ...(sub.error === undefined ? {} : { errorMessage: sub.error }),
      });
    }
    try {
      const runner = await this.#runner();
      await runner.recordHistory?.(entries);
    } catch {
      // History is a convenience: the statement's outcome stands without it.
    }
  }

  /** Clears pending timers and waits for the run in progress. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    await this.#queue;
  }
}
