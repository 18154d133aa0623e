import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isTipError } from '../../src/errors.js';
import { allowInsecureRequests } from '../../src/jwt/insecure.js';
import { createTrustedIdentity } from '../../src/tip.js';
import {
  createEmulatorHandlers,
  DEMO,
  demoEmulatorConfig,
  type EmulatorHandlers,
} from '../../src/testing.js';

let emu: EmulatorHandlers;
const server = setupServer();

beforeAll(async () => {
  emu = await createEmulatorHandlers(demoEmulatorConfig(), { quiet: true });
  server.use(...emu.handlers);
  server.listen({ onUnhandledRequest: 'error' });
});
afterAll(async () => {
  server.close();
  await emu.close();
});

function tip() {
  return createTrustedIdentity({
    region: emu.region,
    issuers: [
      allowInsecureRequests({ issuer: emu.idp!.issuer, audience: DEMO.audience, algorithms: ['RS256'] }),
    ],
    applicationArn: DEMO.applicationArn,
    accessRoleArn: DEMO.accessRoleArn,
    // Only the service's keys: every client keeps its default AWS endpoint, answered by the handlers.
    clientConfig: { credentials: emu.credentials, maxAttempts: 1 },
    clock: () => emu.clock.now(),
  });
}

describe('tip.forToken() against the msw handlers', () => {
  it('validates, exchanges, assumes, and reads S3 through Access Grants as the user', async () => {
    emu.counters.reset();
    const t = tip();
    const user = await t.forToken(await emu.tokenFor('alice'));
    expect(user.identity.subject).toBe('alice');
    expect(user.identity.issuer).toBe(emu.idp!.issuer);
    const sts = new STSClient(user.clientConfig());
    const me = await sts.send(new GetCallerIdentityCommand({}));
    expect(me.Arn).toMatch(/^arn:aws:sts::123456789012:assumed-role\/analytics-identity-bearer\//);
    const object = await user.s3.getObject({ Bucket: DEMO.bucket, Key: 'team-a/report.csv' });
    expect(object.text()).toBe('id,amount\n1,120.5\n');
    expect(emu.counters.get('sso-oauth:CreateTokenWithIAM')).toBe(1);
    expect(emu.counters.get('sts:AssumeRole')).toBe(1);
    expect(emu.counters.get('s3-control:GetDataAccess')).toBe(1);
    expect(emu.counters.byUser('alice')).toBeGreaterThanOrEqual(3);
  });

  it('surfaces an injected IdC throttle as a typed error, then succeeds', async () => {
    const t = createTrustedIdentity({
      region: emu.region,
      issuers: [
        allowInsecureRequests({ issuer: emu.idp!.issuer, audience: DEMO.audience, algorithms: ['RS256'] }),
      ],
      applicationArn: DEMO.applicationArn,
      accessRoleArn: DEMO.accessRoleArn,
      clientConfig: { credentials: emu.credentials },
      timeouts: { maxAttempts: 1 },
      clock: () => emu.clock.now(),
    });
    emu.faults.inject({ operation: 'sso-oauth:CreateTokenWithIAM', throttle: true });
    const error = await t.forToken(await emu.tokenFor('bob')).catch((e: unknown) => e);
    expect(isTipError(error)).toBe(true);
    expect((error as { code: string }).code).toBe('ERR_AWS_THROTTLED');
    expect(JSON.stringify(error)).not.toContain('eyJ');
    const user = await t.forToken(await emu.tokenFor('bob'));
    expect(user.identity.subject).toBe('bob');
  });
});
