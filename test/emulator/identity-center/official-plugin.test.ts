/**
 * The call pattern of AWS's own TIP plugin (aws-sdk-plugin/trusted-identity-propagation-js,
 * `fromTrustedTokenIssuer`), driven with the JS SDK against the emulator: AssumeRoleWithWebIdentity with
 * the user's JWT, CreateTokenWithIAM (jwt-bearer) signed with those credentials, AssumeRole with the
 * identity context; on the next credential fetch the same, but CreateTokenWithIAM with the refresh token
 * — and the plugin requires an identity context in that refresh answer.
 */
import {
  CreateTokenWithIAMCommand,
  type CreateTokenWithIAMCommandOutput,
  ExpiredTokenException,
  SSOOIDCClient,
} from '@aws-sdk/client-sso-oidc';
import {
  AssumeRoleCommand,
  AssumeRoleWithWebIdentityCommand,
  GetCallerIdentityCommand,
  STSClient,
} from '@aws-sdk/client-sts';
import { afterEach, describe, expect, it } from 'vitest';
import type { EmulatorConfigInput } from '../../../src/emulator/config/types.js';
import { type RunningEmulator, startEmulator } from '../../../src/emulator/start.js';

const ACCOUNT = '123456789012';
const APP = `arn:aws:sso::${ACCOUNT}:application/ssoins-1111222233334444/apl-aaaabbbbccccdddd`;
const APPLICATION_ROLE = `arn:aws:iam::${ACCOUNT}:role/tip-application`;
const ACCESS_ROLE = `arn:aws:iam::${ACCOUNT}:role/tip-access`;
const CONTEXT_PROVIDER = 'arn:aws:iam::aws:contextProvider/IdentityCenter';

function config(refreshReturnsIdentityContext?: boolean): EmulatorConfigInput {
  return {
    accountId: ACCOUNT,
    identityCenter: {
      instanceArn: 'arn:aws:sso:::instance/ssoins-1111222233334444',
      users: [{ userName: 'alice', email: 'alice@example.com' }],
      trustedTokenIssuers: [{ name: 'idp', issuerUrl: 'idp' }],
      applications: [
        {
          arn: APP,
          jwtBearer: { authorizedTokenIssuers: [{ tokenIssuer: 'idp', audiences: ['tip-sdk-demo'] }] },
          assignmentRequired: false,
          actorPrincipals: [APPLICATION_ROLE],
          ...(refreshReturnsIdentityContext === undefined ? {} : { refreshReturnsIdentityContext }),
        },
      ],
    },
    roles: [
      {
        arn: APPLICATION_ROLE,
        trustPolicy: [
          {
            Effect: 'Allow',
            Principal: { Federated: 'idp' },
            Action: 'sts:AssumeRoleWithWebIdentity',
            Condition: { StringEquals: { 'idp:aud': 'tip-sdk-demo' } },
          },
        ],
        permissions: [
          { Effect: 'Allow', Action: 'sso-oauth:CreateTokenWithIAM', Resource: APP },
          { Effect: 'Allow', Action: ['sts:AssumeRole', 'sts:SetContext'], Resource: ACCESS_ROLE },
        ],
      },
      {
        arn: ACCESS_ROLE,
        trustPolicy: [
          {
            Effect: 'Allow',
            Principal: { AWS: APPLICATION_ROLE },
            Action: ['sts:AssumeRole', 'sts:SetContext'],
          },
        ],
      },
    ],
    callers: [
      {
        accessKeyId: 'AKIAPLUGINTEST000001',
        secretAccessKey: 'plugin-test-secret-0000001',
        principalArn: `arn:aws:iam::${ACCOUNT}:user/unused`,
      },
    ],
  };
}

/** One credential fetch of the plugin's `fromTrustedTokenIssuer`, with its refresh token between fetches. */
function pluginProvider(emu: RunningEmulator, webTokenProvider: () => Promise<string>) {
  const appId = APP.split('/').pop();
  const endpoint = { region: emu.region, endpoint: emu.url, maxAttempts: 1 };
  let refreshToken: string | undefined;
  return async () => {
    const webToken = await webTokenProvider();
    // resolveSsoOidcClient: bootstrap credentials from AssumeRoleWithWebIdentity (an unsigned call).
    const bootstrap = new STSClient(endpoint);
    const { Credentials: iam } = await bootstrap.send(
      new AssumeRoleWithWebIdentityCommand({
        RoleArn: APPLICATION_ROLE,
        RoleSessionName: `TrustedIdentityPropagationSDKPlugin-${appId}`,
        WebIdentityToken: webToken,
      }),
    );
    bootstrap.destroy();
    const credentials = {
      accessKeyId: iam!.AccessKeyId!,
      secretAccessKey: iam!.SecretAccessKey!,
      sessionToken: iam!.SessionToken!,
    };
    const sso = new SSOOIDCClient({ ...endpoint, credentials });
    // retrieveSsoOidcTokens: the refresh token first, the JWT only when it has expired.
    let tokens: CreateTokenWithIAMCommandOutput | undefined;
    if (refreshToken) {
      try {
        tokens = await sso.send(
          new CreateTokenWithIAMCommand({ clientId: APP, grantType: 'refresh_token', refreshToken }),
        );
      } catch (error) {
        if (!(error instanceof ExpiredTokenException)) throw error;
      }
    }
    tokens ??= await sso.send(
      new CreateTokenWithIAMCommand({
        clientId: APP,
        grantType: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
        assertion: webToken,
      }),
    );
    sso.destroy();
    const context = tokens.awsAdditionalDetails?.identityContext;
    if (!context) throw new Error('Identity context not found'); // the plugin's CredentialsProviderError
    refreshToken = tokens.refreshToken;
    const sts = new STSClient({ ...endpoint, credentials });
    const { Credentials: tip } = await sts.send(
      new AssumeRoleCommand({
        RoleArn: ACCESS_ROLE,
        RoleSessionName: `TrustedIdentityPropagationSDKPluginEnhanced-${appId}`,
        ProvidedContexts: [{ ProviderArn: CONTEXT_PROVIDER, ContextAssertion: context }],
      }),
    );
    sts.destroy();
    return {
      accessKeyId: tip!.AccessKeyId!,
      secretAccessKey: tip!.SecretAccessKey!,
      sessionToken: tip!.SessionToken!,
      expiration: tip!.Expiration,
    };
  };
}

let emu: RunningEmulator | undefined;
afterEach(async () => {
  await emu?.stop();
  emu = undefined;
});

const start = (refresh?: boolean) =>
  startEmulator(config(refresh), { quiet: true, services: { athena: false, 'redshift-data': false } });

describe("the official TIP plugin's call pattern", () => {
  it('gets identity-enhanced credentials twice: jwt-bearer first, then the refresh token with a new context', async () => {
    emu = await start();
    const running = emu;
    const fetchCredentials = pluginProvider(running, () => running.tokenFor('alice'));
    const first = await fetchCredentials();
    const second = await fetchCredentials();
    expect(second.accessKeyId).not.toBe(first.accessKeyId);
    const grants = running.auditLog
      .find({ operation: 'CreateTokenWithIAM', outcome: 'allowed' })
      .filter((e) => e.action === undefined) // the grant decisions, not the IAM ones
      .map((e) => e.reason);
    expect(grants).toEqual(['urn:ietf:params:oauth:grant-type:jwt-bearer granted', 'refresh_token granted']);
    expect(running.counters.get('sts:AssumeRoleWithWebIdentity')).toBe(2);
    expect(running.counters.get('sts:AssumeRole')).toBe(2);
    // The second session is identity-enhanced for alice, like the first.
    const before = running.counters.byUser('alice');
    const sts = new STSClient({ ...running.clientConfig(), credentials: second });
    const me = await sts.send(new GetCallerIdentityCommand({}));
    sts.destroy();
    expect(me.Arn).toContain(':assumed-role/tip-access/TrustedIdentityPropagationSDKPluginEnhanced-');
    expect(running.counters.byUser('alice') - before).toBe(1);
  });

  it('fails its second fetch when refresh answers carry no identity context (refreshReturnsIdentityContext: false)', async () => {
    emu = await start(false);
    const running = emu;
    const fetchCredentials = pluginProvider(running, () => running.tokenFor('alice'));
    await fetchCredentials();
    await expect(fetchCredentials()).rejects.toThrow('Identity context not found');
  });
});
