import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { combineSignals } from '../../src/aws/abort.js';
import { statementSignals } from '../../src/services/deadline.js';

const listeners = (signal: AbortSignal): number => getEventListeners(signal, 'abort').length;

describe('combineSignals', () => {
  it.each([0, 1])('fires with the reason of input %i and detaches from both inputs', (which) => {
    const inputs = [new AbortController(), new AbortController()];
    const combined = combineSignals(inputs[0]!.signal, undefined, inputs[1]!.signal);
    expect(combined.signal.aborted).toBe(false);
    expect(inputs.map((c) => listeners(c.signal))).toEqual([1, 1]);
    const reason = new Error(`input ${which}`);
    inputs[which]!.abort(reason);
    expect(combined.signal.aborted).toBe(true);
    expect(combined.signal.reason).toBe(reason);
    expect(inputs.map((c) => listeners(c.signal))).toEqual([0, 0]);
  });

  it('removes its listeners on dispose and then ignores the inputs', () => {
    const a = new AbortController();
    const b = new AbortController();
    const combined = combineSignals(a.signal, b.signal);
    combined.dispose();
    combined.dispose();
    expect([listeners(a.signal), listeners(b.signal)]).toEqual([0, 0]);
    a.abort();
    expect(combined.signal.aborted).toBe(false);
  });

  it('is aborted at once, without listeners, when an input already fired', () => {
    const live = new AbortController();
    const fired = new AbortController();
    fired.abort('early');
    const combined = combineSignals(live.signal, fired.signal);
    expect(combined.signal.aborted).toBe(true);
    expect(combined.signal.reason).toBe('early');
    expect(listeners(live.signal)).toBe(0);
  });

  it('leaves no listener on a long-lived signal after many combinations', () => {
    const longLived = new AbortController();
    for (let k = 0; k < 1000; k++) {
      const call = new AbortController();
      const combined = combineSignals(longLived.signal, call.signal);
      if (k % 2 === 0) call.abort();
      else combined.dispose();
    }
    expect(listeners(longLived.signal)).toBe(0);
  });

  it('never fires with no inputs', () => {
    const combined = combineSignals(undefined);
    expect(combined.signal.aborted).toBe(false);
  });
});

describe('statementSignals', () => {
  it('fires on a caller signal and releases the caller signals on dispose', () => {
    const caller = new AbortController();
    const context = new AbortController();
    const signals = statementSignals(60_000, caller.signal, context.signal);
    expect([listeners(caller.signal), listeners(context.signal)]).toEqual([1, 1]);
    caller.abort('stop');
    expect(signals.signal.reason).toBe('stop');
    expect(signals.deadline.aborted).toBe(false);
    signals.dispose();
    expect([listeners(caller.signal), listeners(context.signal)]).toEqual([0, 0]);
  });

  it('fires both signals when the deadline passes', async () => {
    const context = new AbortController();
    const signals = statementSignals(1, context.signal);
    await new Promise((resolve) => signals.signal.addEventListener('abort', resolve, { once: true }));
    expect(signals.deadline.aborted).toBe(true);
    expect(signals.signal.reason).toBe(signals.deadline.reason);
    expect(listeners(context.signal)).toBe(0);
    signals.dispose();
  });
});
