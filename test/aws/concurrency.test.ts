import { describe, expect, it } from 'vitest';
import { createConcurrencyLimit } from '../../src/aws/concurrency.js';
import { isTipError } from '../../src/errors.js';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe('concurrency limit', () => {
  it('runs at most `max` tasks at once and starts the waiting ones in arrival order', async () => {
    const limit = createConcurrencyLimit(2);
    const gates = Array.from({ length: 5 }, deferred);
    const started: number[] = [];
    const runs = gates.map((gate, i) =>
      limit.run(async () => {
        started.push(i);
        await gate.promise;
        return i;
      }),
    );
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    expect([limit.active, limit.waiting]).toEqual([2, 3]);
    gates[1]!.resolve();
    await runs[1];
    await Promise.resolve();
    expect(started).toEqual([0, 1, 2]);
    for (const gate of gates) gate.resolve();
    expect(await Promise.all(runs)).toEqual([0, 1, 2, 3, 4]);
    expect([limit.active, limit.waiting]).toEqual([0, 0]);
  });

  it('a waiter whose signal fires leaves the queue with ERR_ABORTED and never runs', async () => {
    const limit = createConcurrencyLimit(1);
    const gate = deferred();
    const first = limit.run(() => gate.promise);
    const controller = new AbortController();
    let ran = false;
    const second = limit.run(async () => {
      ran = true;
    }, controller.signal);
    controller.abort();
    const error = await second.catch((e: unknown) => e);
    expect(isTipError(error, 'ERR_ABORTED')).toBe(true);
    expect(limit.waiting).toBe(0);
    gate.resolve();
    await first;
    expect(ran).toBe(false);
    expect(limit.active).toBe(0);
  });

  it('a task that throws or rejects frees its slot', async () => {
    const limit = createConcurrencyLimit(1);
    await expect(
      limit.run(() => {
        throw new Error('sync');
      }),
    ).rejects.toThrow('sync');
    await expect(limit.run(() => Promise.reject(new Error('async')))).rejects.toThrow('async');
    expect(await limit.run(async () => 'ok')).toBe('ok');
  });
});
