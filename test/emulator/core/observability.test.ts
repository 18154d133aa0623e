import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import {
  GetIdentityCenterAuthTokenCommand,
  RedshiftServerlessClient,
} from '@aws-sdk/client-redshift-serverless';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../../src/emulator/start.js';
import { NO_CONTEXT_ROLE, SERVICE_ARN, baseConfig } from './helpers/config.js';

let emu: RunningEmulator;
let sts: STSClient;

async function failure(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (err) {
    const e = err as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, status: e.$metadata?.httpStatusCode, message: e.message };
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  emu = await startEmulator(baseConfig({ s3: { buckets: [{ name: 'lake', objects: { 'k.txt': 'v' } }] } }), {
    quiet: true,
    services: { 'redshift-data': false },
  });
  sts = new STSClient(emu.clientConfig());
});
afterAll(async () => {
  await emu.stop();
});
afterEach(() => {
  emu.faults.clear();
  emu.counters.reset();
  emu.auditLog.clear();
});

describe('counters', () => {
  it('count every call per operation, caller and error', async () => {
    await sts.send(new GetCallerIdentityCommand({}));
    await sts.send(new GetCallerIdentityCommand({}));
    const out = await sts.send(new AssumeRoleCommand({ RoleArn: NO_CONTEXT_ROLE, RoleSessionName: 'count' }));
    await failure(sts.send(new AssumeRoleCommand({ RoleArn: NO_CONTEXT_ROLE, RoleSessionName: 'x' })));
    const session = new STSClient(
      emu.clientConfig({
        credentials: {
          accessKeyId: out.Credentials!.AccessKeyId!,
          secretAccessKey: out.Credentials!.SecretAccessKey!,
          sessionToken: out.Credentials!.SessionToken!,
        },
      }),
    );
    await session.send(new GetCallerIdentityCommand({}));
    expect(emu.counters.get('sts:GetCallerIdentity')).toBe(3);
    expect(emu.counters.get('GetCallerIdentity')).toBe(3);
    expect(emu.counters.get('sts:AssumeRole')).toBe(2);
    expect(emu.counters.byCaller(SERVICE_ARN)).toBe(4);
    expect(emu.counters.byCaller(out.AssumedRoleUser!.Arn!)).toBe(1);
    expect(emu.counters.snapshot().errors).toEqual({ 'sts:AssumeRole:ValidationError': 1 });
    emu.counters.reset();
    expect(emu.counters.snapshot()).toEqual({ operations: {}, callers: {}, users: {}, errors: {} });
  });
});

describe('audit log', () => {
  it('records front and handler decisions with request ids, without secrets', async () => {
    const out = await sts.send(
      new AssumeRoleCommand({ RoleArn: NO_CONTEXT_ROLE, RoleSessionName: 'audited' }),
    );
    const entries = emu.auditLog.find({ requestId: out.$metadata.requestId });
    // One IAM decision, on the role ARN (never on `*`), then the trust decision.
    expect(entries.map((e) => [e.action, e.resource, e.outcome])).toEqual([
      ['sts:AssumeRole', NO_CONTEXT_ROLE, 'allowed'],
      [undefined, NO_CONTEXT_ROLE, 'allowed'],
    ]);
    expect(
      entries.every(
        (e) => e.service === 'sts' && e.operation === 'AssumeRole' && e.callerArn === SERVICE_ARN,
      ),
    ).toBe(true);
    const text = JSON.stringify(emu.auditLog.entries());
    expect(text).not.toContain(out.Credentials!.SecretAccessKey!);
    expect(text).not.toContain(out.Credentials!.SessionToken!);
  });

  it('records SigV4 denials', async () => {
    const bad = new STSClient(
      emu.clientConfig({
        credentials: { accessKeyId: 'AKIANOBODY0000000000', secretAccessKey: 'y'.repeat(30) },
      }),
    );
    await failure(bad.send(new GetCallerIdentityCommand({})));
    const denied = emu.auditLog.find({ outcome: 'denied', service: 'sts' });
    expect(denied).toHaveLength(1);
    expect(denied[0]!).toMatchObject({
      reason: 'SigV4: unknownKey',
      operation: 'GetCallerIdentity',
      callerArn: undefined,
    });
    // The refused call still counts, with its error, but for no caller.
    expect(emu.counters.get('sts:GetCallerIdentity')).toBe(1);
    expect(emu.counters.snapshot()).toMatchObject({
      callers: {},
      errors: { 'sts:GetCallerIdentity:InvalidClientTokenId': 1 },
    });
  });
});

describe('faults', () => {
  it('throttle with each protocol family code', async () => {
    emu.faults.inject({ operation: '*', throttle: true, times: 3 });
    expect(await failure(sts.send(new GetCallerIdentityCommand({})))).toMatchObject({
      name: 'Throttling',
      status: 400,
    });
    const serverless = new RedshiftServerlessClient(emu.clientConfig());
    expect(
      await failure(serverless.send(new GetIdentityCenterAuthTokenCommand({ workgroupNames: ['wg'] }))),
    ).toMatchObject({
      // The Redshift Serverless model declares ThrottlingException with HTTP 429.
      name: 'ThrottlingException',
      status: 429,
    });
    const s3 = new S3Client(emu.clientConfig({ service: 's3' }));
    expect(await failure(s3.send(new ListObjectsV2Command({ Bucket: 'lake' })))).toMatchObject({
      name: 'SlowDown',
      status: 503,
    });
    // Used up: the next call succeeds.
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'lake' }));
    expect(listed.KeyCount).toBe(1);
    expect(emu.faults.active).toBe(0);
  });

  it('answer 5xx and given errors for the next N matching calls only', async () => {
    emu.faults.inject({ operation: 'sts:GetCallerIdentity', status5xx: 500, times: 2 });
    expect(await failure(sts.send(new GetCallerIdentityCommand({})))).toMatchObject({
      name: 'InternalFailure',
      status: 500,
    });
    // A non-matching operation is untouched.
    await sts.send(new AssumeRoleCommand({ RoleArn: NO_CONTEXT_ROLE, RoleSessionName: 'untouched' }));
    expect(await failure(sts.send(new GetCallerIdentityCommand({})))).toMatchObject({ status: 500 });
    await expect(sts.send(new GetCallerIdentityCommand({}))).resolves.toMatchObject({ Arn: SERVICE_ARN });

    emu.faults.inject({ operation: 'GetCallerIdentity', status5xx: 503 });
    expect(await failure(sts.send(new GetCallerIdentityCommand({})))).toMatchObject({
      name: 'ServiceUnavailable',
      status: 503,
    });

    emu.faults.inject({
      operation: 'sts:AssumeRole',
      error: { code: 'RegionDisabledException', message: 'off', status: 403 },
    });
    const err = await failure(
      sts.send(new AssumeRoleCommand({ RoleArn: NO_CONTEXT_ROLE, RoleSessionName: 'given' })),
    );
    expect(err).toMatchObject({ name: 'RegionDisabledException', status: 403, message: 'off' });
  });

  it('add latency before answering', async () => {
    emu.faults.inject({ operation: 'sts:GetCallerIdentity', latencyMs: 150 });
    const started = performance.now();
    await sts.send(new GetCallerIdentityCommand({}));
    // A lower bound only: the call cannot answer before the injected delay.
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('can be removed and validated', () => {
    const remove = emu.faults.inject({ operation: '*', throttle: true, times: Number.POSITIVE_INFINITY });
    expect(emu.faults.active).toBe(1);
    remove();
    expect(emu.faults.active).toBe(0);
    expect(() => emu.faults.inject({ operation: '', throttle: true })).toThrow(TypeError);
    expect(() => emu.faults.inject({ operation: '*', status5xx: 404 })).toThrow(/500\.\.599/);
    expect(() => emu.faults.inject({ operation: '*', times: 0 })).toThrow(/times/);
  });
});

describe('clock', () => {
  it('moves emulator time without touching SigV4 skew', async () => {
    const before = emu.clock.now();
    emu.clock.advance(3_600_000);
    expect(emu.clock.now() - before).toBeGreaterThanOrEqual(3_600_000);
    await expect(sts.send(new GetCallerIdentityCommand({}))).resolves.toMatchObject({ Arn: SERVICE_ARN });
    emu.clock.set(Date.UTC(2030, 0, 1));
    expect(new Date(emu.clock.now()).getUTCFullYear()).toBe(2030);
    emu.clock.reset();
    expect(Math.abs(emu.clock.now() - Date.now())).toBeLessThan(1000);
  });
});

describe('retention', () => {
  it('maxSessions: a session past the limit is forgotten, and its key refused as unknown (InvalidClientTokenId)', async () => {
    const small = await startEmulator(baseConfig(), {
      quiet: true,
      maxSessions: 2,
      services: { 'redshift-data': false, athena: false },
    });
    try {
      const client = new STSClient(small.clientConfig());
      const sessions = [];
      for (const name of ['s1', 's2', 's3']) {
        const out = await client.send(
          new AssumeRoleCommand({ RoleArn: NO_CONTEXT_ROLE, RoleSessionName: name }),
        );
        sessions.push(
          new STSClient(
            small.clientConfig({
              credentials: {
                accessKeyId: out.Credentials!.AccessKeyId!,
                secretAccessKey: out.Credentials!.SecretAccessKey!,
                sessionToken: out.Credentials!.SessionToken!,
              },
            }),
          ),
        );
      }
      expect(await failure(sessions[0]!.send(new GetCallerIdentityCommand({})))).toMatchObject({
        name: 'InvalidClientTokenId',
        status: 403,
      });
      const [second, third] = await Promise.all(
        sessions.slice(1).map((c) => c.send(new GetCallerIdentityCommand({}))),
      );
      expect([second!.Arn, third!.Arn].map((arn) => arn?.split('/').pop())).toEqual(['s2', 's3']);
    } finally {
      await small.stop();
    }
  });

  it('refuses a maxSessions that is not a positive integer, naming the option', async () => {
    await expect(startEmulator(baseConfig(), { quiet: true, maxSessions: 0 })).rejects.toThrow(
      /option `maxSessions`/,
    );
  });
});
