// The complete example of docs/testing.md, kept runnable (imports point at the sources instead of the
// package subpaths).
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetDataAccessCommand, S3ControlClient } from '@aws-sdk/client-s3-control';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { allowInsecureRequests, createTrustedIdentity } from '../../src/index.js';
import { createEmulatorHandlers, DEMO, demoEmulatorConfig } from '../../src/testing.js';

const emu = await createEmulatorHandlers(demoEmulatorConfig(), { quiet: true });
const server = setupServer(...emu.handlers);

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  server.resetHandlers(); // back to the emulator's handlers
  emu.faults.clear();
  emu.counters.reset();
});
afterAll(async () => {
  server.close();
  await emu.close();
});

describe('my report service', () => {
  it('reads the report as the signed-in user', async () => {
    const tip = createTrustedIdentity({
      region: emu.region,
      issuers: [
        allowInsecureRequests({ issuer: emu.idp!.issuer, audience: DEMO.audience, algorithms: ['RS256'] }),
      ],
      applicationArn: DEMO.applicationArn,
      accessRoleArn: DEMO.accessRoleArn,
      clientConfig: { credentials: emu.credentials },
    });
    const user = await tip.forToken(await emu.tokenFor('alice'));
    const report = await user.s3.getObject({ Bucket: 'lake', Key: 'team-a/report.csv' });
    expect(report.text()).toContain('120.5');
    expect(emu.counters.get('sso-oauth:CreateTokenWithIAM')).toBe(1);
  });

  it('works with plain SDK clients on their default endpoints', async () => {
    const sts = new STSClient(emu.clientConfig());
    expect((await sts.send(new GetCallerIdentityCommand({}))).Arn).toBe(DEMO.servicePrincipalArn);
  });

  it('sees a throttled GetDataAccess', async () => {
    emu.faults.inject({ operation: 's3-control:GetDataAccess', throttle: true });
    const control = new S3ControlClient(emu.clientConfig());
    await expect(
      control.send(
        new GetDataAccessCommand({
          AccountId: DEMO.accountId,
          Target: 's3://lake/team-a/*',
          Permission: 'READ',
        }),
      ),
    ).rejects.toMatchObject({ name: 'SlowDown' });
    // A plain S3 client with the service's own keys is not on any grant.
    const s3 = new S3Client(emu.clientConfig());
    await expect(
      s3.send(new GetObjectCommand({ Bucket: 'lake', Key: 'team-a/report.csv' })),
    ).rejects.toMatchObject({
      name: 'AccessDenied',
    });
  });
});
