/**
 * A concurrency limit for AWS calls: at most `max` tasks run at once, the others wait in arrival order.
 * A waiter whose signal fires leaves the queue at once with `ERR_ABORTED`.
 *
 * @module
 */
import { abortedError } from './abort.js';

/** Runs tasks at most `max` at a time. */
export interface ConcurrencyLimit {
  /** Runs `task` once a slot is free; rejects with `ERR_ABORTED` if `signal` fires while it waits. */
  run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T>;
  /** Tasks running now. */
  readonly active: number;
  /** Tasks waiting for a slot. */
  readonly waiting: number;
}

interface Waiter {
  readonly start: () => void;
  cancelled: boolean;
}

/** Creates a limit of `max` (a positive integer, validated by the caller) concurrent tasks. */
export function createConcurrencyLimit(max: number): ConcurrencyLimit {
  let active = 0;
  let waiting = 0;
  // A queue with a moving head: O(1) per enqueue and dequeue; compacted once half of it is consumed.
  let queue: Waiter[] = [];
  let head = 0;

  function next(): void {
    while (head < queue.length && active < max) {
      const waiter = queue[head++]!;
      if (waiter.cancelled) continue;
      waiting -= 1;
      waiter.start();
    }
    if (head > 1024 && head * 2 > queue.length) {
      queue = queue.slice(head);
      head = 0;
    }
  }

  return {
    run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
      if (signal?.aborted === true) return Promise.reject(abortedError(signal.reason));
      const go = (): Promise<T> => {
        active += 1;
        let settled: Promise<T>;
        try {
          settled = task();
        } catch (error) {
          settled = Promise.reject(error);
        }
        return settled.finally(() => {
          active -= 1;
          next();
        });
      };
      if (active < max) return go();
      return new Promise<T>((resolve, reject) => {
        const onAbort = (): void => {
          waiter.cancelled = true;
          waiting -= 1;
          reject(abortedError(signal?.reason));
        };
        const waiter: Waiter = {
          cancelled: false,
          start: () => {
            signal?.removeEventListener('abort', onAbort);
            go().then(resolve, reject);
          },
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        queue.push(waiter);
        waiting += 1;
      });
    },
    get active() {
      return active;
    },
    get waiting() {
      return waiting;
    },
  };
}
