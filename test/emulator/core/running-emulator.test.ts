import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTrustedIdentity } from '../../../src/index.js';
import { type RunningEmulator, startEmulator } from '../../../src/emulator/start.js';
import { ACCESS_ROLE, APP_ARN, SERVICE_ARN, SERVICE_KEY, baseConfig } from './helpers/config.js';

const NO_SQL = { 'redshift-data': false, athena: false } as const;

describe('the running emulator handle', () => {
  let emu: RunningEmulator;
  beforeAll(async () => {
    emu = await startEmulator(baseConfig(), { quiet: true, services: NO_SQL });
  });
  afterAll(() => emu.stop());

  it('hands out credentials an AWS SDK client can use as they are', async () => {
    const sts = new STSClient({ region: emu.region, endpoint: emu.url, credentials: emu.credentials });
    try {
      const me = await sts.send(new GetCallerIdentityCommand({}));
      expect(me.Arn).toBe(SERVICE_ARN);
    } finally {
      sts.destroy();
    }
    // Each read is a fresh, writable object: the SDK wrote onto the previous one.
    expect(emu.credentials).not.toBe(emu.credentials);
    expect(Object.isFrozen(emu.credentials)).toBe(false);
    expect(emu.credentials).toEqual(SERVICE_KEY);
  });

  it('mints user tokens with tokenFor', async () => {
    const token = await emu.tokenFor('alice');
    const payload = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as {
      iss: string;
      sub: string;
      aud: string;
    };
    expect(payload).toMatchObject({ iss: emu.idp!.issuer, sub: 'alice', aud: 'tip-sdk-demo' });
    await expect(emu.tokenFor('mallory')).rejects.toBeInstanceOf(TypeError);
  });

  it('gives createTrustedIdentity options aimed at itself in one call', async () => {
    const options = emu.trustedIdentityOptions();
    expect(options).toMatchObject({
      region: 'us-east-1',
      applicationArn: APP_ARN,
      accessRoleArn: ACCESS_ROLE,
    });
    expect(options.clientConfig).not.toHaveProperty('maxAttempts');
    const tip = createTrustedIdentity(options);
    const before = emu.counters.get('sts:AssumeRole');
    const user = await tip.forToken(await emu.tokenFor('bob'));
    expect(user.identity.subject).toBe('bob');
    const sts = new STSClient({ ...emu.clientConfig(), credentials: user.credentials });
    try {
      const me = await sts.send(new GetCallerIdentityCommand({}));
      expect(me.Arn).toMatch(/:assumed-role\/analytics-identity-bearer\//);
    } finally {
      sts.destroy();
    }
    expect(emu.counters.get('sts:AssumeRole') - before).toBe(1);
  });
});

describe('the emulator without its IdP', () => {
  it('starts; TTIs naming "idp" accept no token, and tokenFor says the IdP is off', async () => {
    const emu = await startEmulator(baseConfig(), { quiet: true, idp: false, services: NO_SQL });
    try {
      expect(emu.idp).toBeUndefined();
      expect(emu.config.identityCenter.trustedTokenIssuers[0]!.issuerUrl).toBe('idp');
      await expect(emu.tokenFor('alice')).rejects.toMatchObject({ code: 'ERR_EMULATOR_CONFIG' });
      expect(() => emu.trustedIdentityOptions()).toThrow(
        expect.objectContaining({ code: 'ERR_EMULATOR_CONFIG' }),
      );
    } finally {
      await emu.stop();
    }
  });
});

describe('stop()', () => {
  it('cancels a request asleep in injected latency: its handler never runs, even after the delay', async () => {
    let handled = 0;
    const emu = await startEmulator(baseConfig(), {
      quiet: true,
      services: {
        ...NO_SQL,
        athena: () => ({
          service: 'athena',
          protocol: 'awsJson1_1',
          handlers: {
            ListWorkGroups: () => {
              handled += 1;
              return { WorkGroups: [] };
            },
          },
        }),
      },
    });
    emu.faults.inject({ operation: 'athena:ListWorkGroups', latencyMs: 300 });
    const { AthenaClient, ListWorkGroupsCommand } = await import('@aws-sdk/client-athena');
    const athena = new AthenaClient(emu.clientConfig());
    const call = athena.send(new ListWorkGroupsCommand({})).then(
      () => 'answered',
      () => 'dropped',
    );
    // Wait until the request is inside the front (counted), i.e. asleep in the injected latency.
    while (emu.counters.get('athena:ListWorkGroups') === 0) await new Promise((r) => setTimeout(r, 5));
    await emu.stop();
    expect(await call).toBe('dropped');
    await new Promise((r) => setTimeout(r, 500));
    expect(handled).toBe(0);
    athena.destroy();
  });
});
