/** The emulator's clock: real time plus an offset that tests move. SigV4 skew checks never use it. */

/** A controllable clock, epoch milliseconds. */
export interface EmulatorClock {
  /** Current emulator time, epoch ms. */
  now(): number;
  /** Moves the clock forward by `ms` (negative moves it back). */
  advance(ms: number): void;
  /** Sets the current emulator time to `epochMs`; time keeps running from there. */
  set(epochMs: number): void;
  /** Back to real time. */
  reset(): void;
}

/** Creates a clock that runs with real time. */
export function createClock(): EmulatorClock {
  let offset = 0;
  return {
    now: () => Date.now() + offset,
    advance(ms) {
      if (!Number.isFinite(ms)) throw new TypeError('clock.advance(ms) needs a finite number');
      offset += ms;
    },
    set(epochMs) {
      if (!Number.isFinite(epochMs)) throw new TypeError('clock.set(epochMs) needs a finite number');
      offset = epochMs - Date.now();
    },
    reset() {
      offset = 0;
    },
  };
}
