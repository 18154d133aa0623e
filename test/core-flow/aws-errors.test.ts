import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mapAwsError, redactAwsMessage } from '../../src/aws/map-error.js';
import { callWithRetry, resolveRetry } from '../../src/aws/retry.js';
import { TIP_ERROR_CODES, TipError, isTipError } from '../../src/errors.js';

const SECRET = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLXNlY3JldA';

describe('mapAwsError', () => {
  it('maps any thrown value to a TipError with a known code and never quotes a token', () => {
    const anyError = fc.record(
      {
        name: fc.oneof(
          fc.string(),
          fc.constantFrom('AccessDeniedException', 'Throttling', 'InternalFailure', 'ExpiredTokenException'),
          fc.integer(),
        ),
        message: fc.oneof(fc.string(), fc.constant(`denied for ${SECRET}`), fc.constant(undefined)),
        $metadata: fc.oneof(
          fc.record({
            httpStatusCode: fc.oneof(fc.integer({ min: 100, max: 599 }), fc.string()),
            requestId: fc.oneof(fc.string(), fc.integer()),
          }),
          fc.constant(undefined),
          fc.string(),
        ),
        error_description: fc.oneof(fc.string(), fc.constant(SECRET)),
        region: fc.anything(),
        endpoint: fc.anything(),
      },
      { requiredKeys: [] },
    );
    const thrown = fc.oneof(anyError, fc.anything());
    fc.assert(
      fc.property(thrown, fc.constantFrom('sso-oidc', 'sts', 'athena'), (raw, service) => {
        const error = mapAwsError(raw, { service, operation: 'Op' });
        expect(isTipError(error)).toBe(true);
        expect(Object.hasOwn(TIP_ERROR_CODES, error.code)).toBe(true);
        expect(error.message).not.toContain(SECRET);
        expect(JSON.stringify(error.toJSON())).not.toContain(SECRET);
        if (error.requestId !== undefined) expect(typeof error.requestId).toBe('string');
      }),
      { numRuns: 500 },
    );
  });

  it('passes TipErrors through unchanged', () => {
    const original = new TipError('ERR_TIMEOUT', 'x');
    expect(mapAwsError(original, { service: 'sts', operation: 'AssumeRole' })).toBe(original);
  });

  it('redacts token-like runs from AWS messages', () => {
    expect(redactAwsMessage(`Value ${SECRET} at 'contextAssertion' failed`)).toBe(
      "Value [redacted] at 'contextAssertion' failed",
    );
  });

  it('redacts a token that the length cap cuts, so no piece of it survives', () => {
    for (let prose = 270; prose <= 300; prose++) {
      const out = redactAwsMessage(`${'word '.repeat(60).slice(0, prose)}${SECRET} failed`);
      expect(out.length).toBeLessThanOrEqual(300);
      expect(out).not.toContain(SECRET.slice(0, 8));
    }
  });
});

describe('callWithRetry', () => {
  const site = { service: 'sts', operation: 'AssumeRole' };
  const throttle = Object.assign(new Error('slow'), {
    name: 'Throttling',
    $metadata: { httpStatusCode: 400 },
  });

  it('never exceeds maxAttempts and sleeps at most the jitter cap', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 5 }),
        fc.double({ min: 0, max: 0.999, noNaN: true }),
        async (max, r) => {
          let calls = 0;
          const error = await callWithRetry(
            site,
            async () => {
              calls += 1;
              throw throttle;
            },
            resolveRetry({ maxAttempts: max, baseDelayMs: 1, maxDelayMs: 2, random: () => r }),
          ).catch((e: unknown) => e);
          expect(calls).toBe(max);
          expect(isTipError(error, 'ERR_AWS_THROTTLED')).toBe(true);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('stops retrying when the next sleep would pass the deadline', async () => {
    let calls = 0;
    const error = await callWithRetry(
      site,
      async () => {
        calls += 1;
        throw throttle;
      },
      resolveRetry({
        maxAttempts: 10,
        baseDelayMs: 10_000,
        maxDelayMs: 10_000,
        timeoutMs: 1_000,
        random: () => 0.99,
      }),
    ).catch((e: unknown) => e);
    expect(calls).toBe(1);
    expect(isTipError(error, 'ERR_AWS_THROTTLED')).toBe(true);
  });

  it('passes the abort signal to every attempt', async () => {
    const seen: AbortSignal[] = [];
    const controller = new AbortController();
    const pending = callWithRetry(
      site,
      (signal) => {
        seen.push(signal);
        return new Promise((_, reject) =>
          signal.addEventListener('abort', () => reject(new Error('aborted'))),
        );
      },
      resolveRetry({}),
      controller.signal,
    ).catch((e: unknown) => e);
    controller.abort();
    expect(isTipError(await pending, 'ERR_ABORTED')).toBe(true);
    expect(seen[0]?.aborted).toBe(true);
  });

  it('ends at its deadline, or on the caller signal, even when an attempt ignores its signal', async () => {
    const never = () => new Promise<never>(() => undefined);
    const timedOut = await callWithRetry(site, never, resolveRetry({ timeoutMs: 5 })).catch(
      (e: unknown) => e,
    );
    expect(isTipError(timedOut, 'ERR_TIMEOUT')).toBe(true);
    const controller = new AbortController();
    const pending = callWithRetry(site, never, resolveRetry({}), controller.signal).catch((e: unknown) => e);
    controller.abort();
    expect(isTipError(await pending, 'ERR_ABORTED')).toBe(true);
  });
});
