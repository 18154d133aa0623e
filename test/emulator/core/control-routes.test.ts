/**
 * The control routes (`/_emulator/clock`, `/_emulator/faults`) over real HTTP: they move the emulator
 * clock and inject faults as `emulator.clock` and `emulator.faults` do, answer loopback hosts and JSON
 * bodies only, and refuse every malformed request with a 4xx that changes nothing.
 */
import { request } from 'node:http';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import fc from 'fast-check';
import { anyJsonValue } from '../../support/code-points.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../../src/emulator/start.js';
import { baseConfig } from './helpers/config.js';

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startEmulator(baseConfig(), {
    port: 0,
    quiet: true,
    idp: false,
    services: { athena: false, 'redshift-data': false },
  });
});
afterAll(() => emu?.stop());
afterEach(() => {
  emu.clock.reset();
  emu.faults.clear();
});

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Record<string, unknown>;
}

function send(
  method: string,
  path: string,
  body?: string,
  headers: Record<string, string> = { 'content-type': 'application/json' },
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: emu.port, method, path, headers }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => {
        text += c.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const sts = () => new STSClient(emu.clientConfig());

describe('POST /_emulator/clock', () => {
  it('advances, sets and resets the emulator clock', async () => {
    const before = emu.clock.now();
    const advanced = await send('POST', '/_emulator/clock', JSON.stringify({ advanceMs: 7_200_000 }));
    expect(advanced.status).toBe(200);
    expect(advanced.body.now as number).toBeGreaterThanOrEqual(before + 7_200_000);
    expect(emu.clock.now() - Date.now()).toBeGreaterThan(7_190_000);
    const target = Date.now() + 86_400_000;
    const set = await send('POST', '/_emulator/clock', JSON.stringify({ setEpochMs: target }));
    expect(set.body.now as number).toBeGreaterThanOrEqual(target);
    expect((await send('POST', '/_emulator/clock', '{"reset": true}')).status).toBe(200);
    expect(Math.abs(emu.clock.now() - Date.now())).toBeLessThan(1000);
  });
});

describe('/_emulator/faults', () => {
  it('injects a throttling rule for the next calls, as faults.inject does, and DELETE clears', async () => {
    const added = await send(
      'POST',
      '/_emulator/faults',
      JSON.stringify({ operation: 'sts:GetCallerIdentity', throttle: true, times: 2 }),
    );
    expect(added).toMatchObject({ status: 200, body: { active: 1 } });
    const client = sts();
    for (let i = 0; i < 2; i++) {
      await expect(client.send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({
        name: 'Throttling',
        $metadata: { httpStatusCode: 400 },
      });
    }
    expect((await client.send(new GetCallerIdentityCommand({}))).Account).toBe('123456789012');
    await send('POST', '/_emulator/faults', JSON.stringify({ operation: '*', status5xx: 503, times: 5 }));
    expect(emu.faults.active).toBe(1);
    expect(await send('DELETE', '/_emulator/faults', undefined, {})).toMatchObject({
      status: 200,
      body: { active: 0 },
    });
    expect((await client.send(new GetCallerIdentityCommand({}))).Account).toBe('123456789012');
    client.destroy();
  });

  it('injects a given error', async () => {
    await send(
      'POST',
      '/_emulator/faults',
      JSON.stringify({
        operation: 'GetCallerIdentity',
        error: { code: 'AccessDenied', message: 'no', status: 403 },
      }),
    );
    const client = sts();
    await expect(client.send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({
      name: 'AccessDenied',
      $metadata: { httpStatusCode: 403 },
    });
    client.destroy();
  });
});

describe('refusals', () => {
  const big = JSON.stringify({ operation: '*', pad: 'x'.repeat(5000) });
  it.each<[string, string, string, string | undefined, Record<string, string>, number]>([
    [
      'a rebound host name',
      'POST',
      '/_emulator/clock',
      '{"reset":true}',
      { 'content-type': 'application/json', host: 'evil.example:80' },
      403,
    ],
    [
      'a form body',
      'POST',
      '/_emulator/clock',
      'reset=true',
      { 'content-type': 'application/x-www-form-urlencoded' },
      415,
    ],
    ['no content type', 'POST', '/_emulator/faults', '{"operation":"*"}', {}, 415],
    ['a body over 4 KiB', 'POST', '/_emulator/faults', big, { 'content-type': 'application/json' }, 413],
    ['invalid JSON', 'POST', '/_emulator/clock', '{"reset":', { 'content-type': 'application/json' }, 400],
    ['a JSON array', 'POST', '/_emulator/clock', '[]', { 'content-type': 'application/json' }, 400],
    [
      'an unknown member',
      'POST',
      '/_emulator/clock',
      '{"rewind":1}',
      { 'content-type': 'application/json' },
      400,
    ],
    [
      'two clock moves at once',
      'POST',
      '/_emulator/clock',
      '{"advanceMs":1,"reset":true}',
      { 'content-type': 'application/json' },
      400,
    ],
    ['an empty clock body', 'POST', '/_emulator/clock', '{}', { 'content-type': 'application/json' }, 400],
    [
      'reset: false',
      'POST',
      '/_emulator/clock',
      '{"reset":false}',
      { 'content-type': 'application/json' },
      400,
    ],
    [
      'a fractional advance',
      'POST',
      '/_emulator/clock',
      '{"advanceMs":1.5}',
      { 'content-type': 'application/json' },
      400,
    ],
    [
      'an advance of a century',
      'POST',
      '/_emulator/clock',
      '{"advanceMs":3153600000000}',
      { 'content-type': 'application/json' },
      400,
    ],
    [
      'a string advance',
      'POST',
      '/_emulator/clock',
      '{"advanceMs":"1000"}',
      { 'content-type': 'application/json' },
      400,
    ],
    [
      'a set far from now',
      'POST',
      '/_emulator/clock',
      '{"setEpochMs":0}',
      { 'content-type': 'application/json' },
      400,
    ],
    [
      'a fault without operation',
      'POST',
      '/_emulator/faults',
      '{"throttle":true}',
      { 'content-type': 'application/json' },
      400,
    ],
    [
      'times 0',
      'POST',
      '/_emulator/faults',
      '{"operation":"*","times":0}',
      { 'content-type': 'application/json' },
      400,
    ],
    [
      'status5xx 499',
      'POST',
      '/_emulator/faults',
      '{"operation":"*","status5xx":499}',
      { 'content-type': 'application/json' },
      400,
    ],
    [
      'a latency of an hour',
      'POST',
      '/_emulator/faults',
      '{"operation":"*","latencyMs":3600000}',
      { 'content-type': 'application/json' },
      400,
    ],
    [
      'an error without status',
      'POST',
      '/_emulator/faults',
      '{"operation":"*","error":{"code":"X","message":"m"}}',
      { 'content-type': 'application/json' },
      400,
    ],
    [
      'an error with status 200',
      'POST',
      '/_emulator/faults',
      '{"operation":"*","error":{"code":"X","message":"m","status":200}}',
      { 'content-type': 'application/json' },
      400,
    ],
    [
      'a prototype key',
      'POST',
      '/_emulator/faults',
      '{"operation":"*","__proto__":{"times":1}}',
      { 'content-type': 'application/json' },
      400,
    ],
    ['GET of the clock', 'GET', '/_emulator/clock', undefined, {}, 405],
    ['PUT of the faults', 'PUT', '/_emulator/faults', '{}', { 'content-type': 'application/json' }, 405],
    ['an unknown route', 'POST', '/_emulator/counters', '{}', { 'content-type': 'application/json' }, 404],
  ])('refuses %s (%s %s) with %i and changes nothing', async (_name, method, path, body, headers, status) => {
    const answer = await send(method, path, body, headers);
    expect(answer.status).toBe(status);
    expect(answer.body.error).toBe('invalid_request');
    expect(typeof answer.body.error_description).toBe('string');
    expect(emu.faults.active).toBe(0);
    expect(Math.abs(emu.clock.now() - Date.now())).toBeLessThan(1000);
  });

  it('answers any JSON body with 200 or a 4xx, never a crash', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('/_emulator/clock', '/_emulator/faults'),
        anyJsonValue(),
        async (path, value) => {
          const answer = await send('POST', path, JSON.stringify(value));
          expect([200, 400, 413]).toContain(answer.status);
          emu.clock.reset();
          emu.faults.clear();
        },
      ),
      { numRuns: 60 },
    );
  });
});
