/**
 * tip-sdk against `tip-sdk emulator` running as a separate process (the real CLI), aimed only at what it
 * prints: the plain endpoint `http://127.0.0.1:PORT`, the region, the development keys, the issuer. S3
 * through Access Grants works there (S3 Control's account-id host prefix cannot go in front of an IP
 * address, so tip-sdk reaches it through `localhost`), a request handler of the caller's own on that
 * endpoint gets a local error code that says what to do, and a one-user script that closes its trusted
 * identity exits by itself.
 */
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TipError } from '../../src/errors.js';
import { allowInsecureRequests } from '../../src/jwt/insecure.js';
import type { TrustedIdentityOptions } from '../../src/session/config.js';
import { createTrustedIdentity } from '../../src/tip.js';
import { fixtureBundle } from '../support/cli-bundle.js';
import { type CliEmulator, startCliEmulator } from '../support/cli-emulator.js';
import { runNode } from '../support/run-node.js';

let emu: CliEmulator;

beforeAll(async () => {
  emu = await startCliEmulator();
});
afterAll(async () => {
  expect(await emu?.stop()).toBe(0);
});

/** A fresh token of `user` from the development endpoint of the emulator's IdP (as `tip-sdk emulator token`). */
async function tokenFor(user: string): Promise<string> {
  const res = await fetch(`${emu.env.TIP_ISSUER}/dev/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { access_token: string }).access_token;
}

function options(clientConfig: Record<string, unknown> = {}): TrustedIdentityOptions {
  const env = emu.env;
  return {
    region: env.AWS_REGION,
    issuers: [
      allowInsecureRequests({ issuer: env.TIP_ISSUER!, audience: env.TIP_AUDIENCE!, algorithms: ['RS256'] }),
    ],
    applicationArn: env.TIP_APPLICATION_ARN!,
    accessRoleArn: env.TIP_ACCESS_ROLE_ARN!,
    clientConfig: {
      endpoint: env.AWS_ENDPOINT_URL,
      credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY! },
      ...clientConfig,
    },
  };
}

describe('tip-sdk against tip-sdk emulator in another process', () => {
  it('prints a plain loopback endpoint', () => {
    expect(emu.env.AWS_ENDPOINT_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('writes and reads S3 through Access Grants as the user, on the printed endpoint', async () => {
    await using tip = createTrustedIdentity(options());
    const user = await tip.forToken(await tokenFor('alice'));
    const key = `analysts/out-of-process-${process.pid}.txt`;
    await user.s3.putObject({ Bucket: 'athena-results', Key: key, Body: 'from another process' });
    expect((await user.s3.getObject({ Bucket: 'athena-results', Key: key })).text()).toBe(
      'from another process',
    );
    expect((await user.s3.getObject({ Bucket: 'lake', Key: 'team-a/report.csv' })).text()).toBe(
      'id,amount\n1,120.5\n',
    );
    // The grants still decide: alice's group has none on team-b.
    await expect(user.s3.getObject({ Bucket: 'lake', Key: 'team-b/notes.txt' })).rejects.toMatchObject({
      code: 'ERR_ACCESS_DENIED',
    });
  });

  it('a request handler of the caller on the IP endpoint: ERR_AWS_CLIENT_CONFIG that says what to do, not ERR_AWS_UNKNOWN', async () => {
    // The caller's handler is left alone, so S3 Control's host becomes `123456789012.127.0.0.1`.
    const requestHandler = new NodeHttpHandler();
    await using tip = createTrustedIdentity(options({ requestHandler }));
    const user = await tip.forToken(await tokenFor('alice'));
    const error = await user.s3
      .getObject({ Bucket: 'lake', Key: 'team-a/report.csv' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TipError);
    expect(error).toMatchObject({
      code: 'ERR_AWS_CLIENT_CONFIG',
      details: {
        service: 's3-control',
        operation: 'GetAccessGrantsInstanceForPrefix',
        awsErrorCode: 'TypeError',
      },
    });
    expect((error as TipError).category).toBe('configuration');
    const message = (error as TipError).message;
    expect(message).toContain('nothing reached AWS');
    expect(message).toMatch(/account id in front of the endpoint host/);
    expect(message).toContain('localhost');
    requestHandler.destroy();
  });

  it('a one-user script configured by the printed environment closes its trusted identity and exits by itself', async () => {
    const out = await runNode([fixtureBundle('test/core-flow/fixtures/one-user-close.mts')], {
      ...emu.env,
      TIP_TOKEN: await tokenFor('alice'),
      // The script passes no region: AWS_REGION, as printed, is the one.
      AWS_DEFAULT_REGION: '',
      CLOSE: '1',
    });
    expect({ code: out.code, signal: out.signal }, out.stderr).toEqual({ code: 0, signal: null });
    const [result, closing] = out.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(result).toEqual({ back: 'written by the script', report: 'id,amount\n1,120.5\n', rows: 2 });
    expect(closing).toMatchObject({ after: { sockets: 0, timers: 0 }, closed: 'ERR_CLOSED' });
  });
});
