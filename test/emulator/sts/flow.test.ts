import { CreateTokenWithIAMCommand, SSOOIDCClient } from '@aws-sdk/client-sso-oidc';
import {
  AssumeRoleCommand,
  AssumeRoleWithWebIdentityCommand,
  GetCallerIdentityCommand,
  STSClient,
} from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../../src/emulator/start.js';
import { ACCESS_ROLE, ACCOUNT, APP_ARN, WEB_ROLE, baseConfig } from '../core/helpers/config.js';

let emu: RunningEmulator;

beforeAll(async () => {
  emu = await startEmulator(baseConfig(), { quiet: true, services: { 'redshift-data': false } });
});
afterAll(async () => {
  await emu.stop();
});

describe('the whole chain through real SDK clients', () => {
  it('IdP token -> CreateTokenWithIAM -> AssumeRole with the identity context', async () => {
    const jwt = await emu.idp!.tokenFor('alice');
    const oidc = new SSOOIDCClient(emu.clientConfig());
    const token = await oidc.send(
      new CreateTokenWithIAMCommand({
        clientId: APP_ARN,
        grantType: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
        assertion: jwt,
      }),
    );
    const context = token.awsAdditionalDetails?.identityContext;
    expect(context).toBeTruthy();
    const sts = new STSClient(emu.clientConfig());
    const session = await sts.send(
      new AssumeRoleCommand({
        RoleArn: ACCESS_ROLE,
        RoleSessionName: 'tip-alice',
        DurationSeconds: 900,
        ProvidedContexts: [
          { ProviderArn: 'arn:aws:iam::aws:contextProvider/IdentityCenter', ContextAssertion: context! },
        ],
      }),
    );
    const who = await new STSClient(
      emu.clientConfig({
        credentials: {
          accessKeyId: session.Credentials!.AccessKeyId!,
          secretAccessKey: session.Credentials!.SecretAccessKey!,
          sessionToken: session.Credentials!.SessionToken!,
        },
      }),
    ).send(new GetCallerIdentityCommand({}));
    expect(who.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/analytics-identity-bearer/tip-alice`);
    expect(
      emu.runtime.credentials.lookup(session.Credentials!.AccessKeyId!)?.caller.identityContext?.userName,
    ).toBe('alice');
    expect(emu.counters.get('sso-oauth:CreateTokenWithIAM')).toBe(1);
    expect(emu.counters.byUser('alice')).toBe(1);
  });

  it('signs CreateTokenWithIAM with credentials from AssumeRoleWithWebIdentity (the plugin pattern)', async () => {
    const jwt = await emu.idp!.tokenFor('bob');
    const anonymous = new STSClient(emu.clientConfig());
    const web = await anonymous.send(
      new AssumeRoleWithWebIdentityCommand({
        RoleArn: WEB_ROLE,
        RoleSessionName: 'app-bob',
        WebIdentityToken: jwt,
      }),
    );
    const oidc = new SSOOIDCClient(
      emu.clientConfig({
        credentials: {
          accessKeyId: web.Credentials!.AccessKeyId!,
          secretAccessKey: web.Credentials!.SecretAccessKey!,
          sessionToken: web.Credentials!.SessionToken!,
        },
      }),
    );
    // The same JWT serves both calls, as in the official plugin.
    const token = await oidc.send(
      new CreateTokenWithIAMCommand({
        clientId: APP_ARN,
        grantType: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
        assertion: jwt,
      }),
    );
    expect(token.accessToken).toBeTruthy();
    expect(token.awsAdditionalDetails?.identityContext).toBeTruthy();
  });

  it('answers SSO OIDC auth failures in restJson1 shape', async () => {
    const oidc = new SSOOIDCClient(
      emu.clientConfig({
        credentials: { accessKeyId: 'AKIANOBODY0000000000', secretAccessKey: 'z'.repeat(30) },
      }),
    );
    const err = await oidc
      .send(
        new CreateTokenWithIAMCommand({
          clientId: APP_ARN,
          grantType: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
          assertion: 'x.y.z',
        }),
      )
      .catch((e: { name: string; $metadata: { httpStatusCode: number } }) => e);
    expect(err).toMatchObject({ name: 'UnrecognizedClientException', $metadata: { httpStatusCode: 400 } });
  });
});
