import { createServer } from 'node:net';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { GetDataAccessCommand, S3ControlClient } from '@aws-sdk/client-s3-control';
import { describe, expect, it } from 'vitest';
import { startEmulator } from '../../../src/emulator/start.js';
import { ACCOUNT, baseConfig } from './helpers/config.js';

function handles(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'TCPServerWrap' || r === 'TCPSocketWrap')
    .length;
}

describe('startEmulator lifecycle', () => {
  it('serves, reports its parts, and leaves no open sockets after stop', async () => {
    const before = handles();
    const emu = await startEmulator(baseConfig(), { quiet: true, services: { 'redshift-data': false } });
    expect(emu.url).toBe(`http://127.0.0.1:${emu.port}`);
    expect(emu.accountId).toBe(ACCOUNT);
    expect(emu.idp?.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    // The TTI named "idp" now points at the running IdP.
    expect(emu.config.identityCenter.trustedTokenIssuers[0]!.issuerUrl).toBe(emu.idp!.issuer);
    expect(emu.credentials.accessKeyId).toBe(emu.config.callers[0]!.accessKeyId);

    const sts = new STSClient(emu.clientConfig());
    await sts.send(new GetCallerIdentityCommand({}));
    // S3 Control prefixes the account id to the host; the loopback handler still reaches the emulator.
    const control = new S3ControlClient(emu.clientConfig({ service: 's3-control' }));
    const answer = await control
      .send(new GetDataAccessCommand({ AccountId: ACCOUNT, Target: 's3://lake/a/*', Permission: 'READ' }))
      .then(
        () => 200,
        (err: { $metadata?: { httpStatusCode?: number } }) => err.$metadata?.httpStatusCode,
      );
    expect(answer).toBeGreaterThanOrEqual(200);
    expect(emu.counters.get('s3-control:GetDataAccess')).toBe(1);
    const cfg = emu.clientConfig({ service: 's3' });
    expect(cfg).toMatchObject({
      forcePathStyle: true,
      endpoint: `http://localhost:${emu.port}`,
      maxAttempts: 1,
    });
    expect(emu.clientConfig()).toMatchObject({ endpoint: emu.url, region: 'us-east-1' });

    await emu.stop();
    await emu.stop();
    sts.destroy();
    control.destroy();
    await new Promise((r) => setTimeout(r, 50));
    expect(handles()).toBeLessThanOrEqual(before);
    await expect(fetch(emu.url)).rejects.toThrow();
  });

  it('closes the service modules that started when another fails to start', async () => {
    let closed = 0;
    const failure = new Error('service failed to start');
    const started = startEmulator(baseConfig(), {
      quiet: true,
      services: {
        'redshift-data': false,
        athena: async () => ({
          service: 'athena',
          protocol: 'awsJson1_1',
          handlers: {},
          close: async () => {
            closed += 1;
          },
        }),
        s3: async () => {
          throw failure;
        },
      },
    });
    await expect(started).rejects.toBe(failure);
    expect(closed).toBe(1);
  });

  it('rejects an invalid config before starting anything', async () => {
    const before = handles();
    await expect(startEmulator({ ...baseConfig(), accountId: 'x' })).rejects.toMatchObject({
      code: 'ERR_EMULATOR_CONFIG',
    });
    expect(handles()).toBe(before);
  });

  it('fails cleanly when the port is taken, and stops what it started', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as { port: number }).port;
    const before = handles();
    try {
      await expect(
        startEmulator(baseConfig(), { port, quiet: true, services: { 'redshift-data': false } }),
      ).rejects.toMatchObject({
        code: 'EADDRINUSE',
      });
      await new Promise((r) => setTimeout(r, 50));
      expect(handles()).toBeLessThanOrEqual(before);
    } finally {
      blocker.close();
    }
  });
});
