/**
 * A circuit breaker for calls to Redis: after `failures` failed calls in a row it opens, and calls fail at
 * once without reaching Redis for `openMs`; then one probe call goes through (the others still fail at
 * once): its success closes the circuit, its failure opens it again.
 *
 * @module
 */

/** The breaker; see {@link createCircuit}. */
export interface Circuit {
  /** Whether a call may go to Redis now: `call` (closed), `probe` (the one trial call), or `false`. */
  admit(): 'call' | 'probe' | false;
  /** Reports the outcome of an admitted call. */
  settle(ok: boolean, admitted: 'call' | 'probe'): void;
}

/** What the breaker reports. */
export interface CircuitListener {
  opened(failures: number, openMs: number): void;
  closed(): void;
}

/** Creates a breaker on the `now` clock (milliseconds). */
export function createCircuit(
  failures: number,
  openMs: number,
  listener: CircuitListener,
  now: () => number = Date.now,
): Circuit {
  let failed = 0;
  let openUntil = 0;
  let open = false;
  let probing = false;
  return {
    admit() {
      if (!open) return 'call';
      if (probing || now() < openUntil) return false;
      probing = true;
      return 'probe';
    },
    settle(ok, admitted) {
      const wasProbe = admitted === 'probe';
      if (wasProbe) probing = false;
      if (ok) {
        failed = 0;
        if (open) {
          open = false;
          listener.closed();
        }
        return;
      }
      failed += 1;
      if (wasProbe || (!open && failed >= failures)) {
        open = true;
        openUntil = now() + openMs;
        listener.opened(failed, openMs);
      }
    },
  };
}
