/**
 * The requests an emulator is serving, so that stopping it ends them: `stop()` aborts the signal (a
 * request asleep in injected latency wakes at once and is dropped, a request not yet at its handler never
 * reaches it) and then waits until every request has settled, so no handler runs after stop.
 */

/** Tracks in-flight requests and cancels them on {@link WorkTracker.cancel}. */
export interface WorkTracker {
  /** Aborted when the emulator stops. */
  readonly signal: AbortSignal;
  /** Registers a request; it is forgotten once it settles. Returns `work`. */
  track(work: Promise<void>): Promise<void>;
  /** Aborts {@link signal} and resolves once every tracked request has settled. Idempotent. */
  cancel(): Promise<void>;
  /** Requests still running. */
  readonly size: number;
}

/** A new tracker with nothing in flight. */
export function createWorkTracker(): WorkTracker {
  const controller = new AbortController();
  const running = new Set<Promise<void>>();
  return {
    signal: controller.signal,
    get size() {
      return running.size;
    },
    track(work) {
      const settled = work.catch(() => undefined);
      running.add(settled);
      void settled.then(() => running.delete(settled));
      return work;
    },
    async cancel() {
      controller.abort();
      // Requests may still be arriving while earlier ones settle: wait until none is left.
      while (running.size > 0) await Promise.all([...running]);
    },
  };
}
