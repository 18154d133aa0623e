import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { GetDataAccessCommand, S3ControlClient } from '@aws-sdk/client-s3-control';
import { CreateTokenWithIAMCommand, SSOOIDCClient } from '@aws-sdk/client-sso-oidc';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createEmulatorHandlers,
  DEMO,
  demoEmulatorConfig,
  type EmulatorHandlers,
} from '../../src/testing.js';

const CONTEXT_PROVIDER = 'arn:aws:iam::aws:contextProvider/IdentityCenter';
const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

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
beforeEach(() => {
  emu.counters.reset();
  emu.faults.clear();
  emu.auditLog.clear();
});

async function failureOf(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (err) {
    const e = err as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, message: e.message, status: e.$metadata?.httpStatusCode };
  }
  throw new Error('expected the call to fail');
}

/** IdP token → CreateTokenWithIAM → AssumeRole with the identity context. */
async function identityEnhancedSession(user: string) {
  const jwt = await emu.tokenFor(user);
  const oidc = new SSOOIDCClient(emu.clientConfig());
  const token = await oidc.send(
    new CreateTokenWithIAMCommand({ clientId: DEMO.applicationArn, grantType: JWT_BEARER, assertion: jwt }),
  );
  const context = token.awsAdditionalDetails?.identityContext;
  expect(typeof context).toBe('string');
  const sts = new STSClient(emu.clientConfig());
  const assumed = await sts.send(
    new AssumeRoleCommand({
      RoleArn: DEMO.accessRoleArn,
      RoleSessionName: `tip-${user}`,
      DurationSeconds: 900,
      ProvidedContexts: [{ ProviderArn: CONTEXT_PROVIDER, ContextAssertion: context }],
    }),
  );
  const c = assumed.Credentials!;
  return {
    jwt,
    context: context as string,
    credentials: {
      accessKeyId: c.AccessKeyId!,
      secretAccessKey: c.SecretAccessKey!,
      sessionToken: c.SessionToken!,
    },
  };
}

describe('createEmulatorHandlers with msw setupServer', () => {
  it('gives client settings without an endpoint, so SDK clients use their default AWS hosts', async () => {
    const config = emu.clientConfig();
    expect(config).toEqual({
      region: 'us-east-1',
      credentials: { accessKeyId: emu.credentials.accessKeyId, secretAccessKey: expect.any(String) },
      maxAttempts: 1,
    });
    const sts = new STSClient(config);
    const endpoint = await sts.config.endpointProvider({
      Region: 'us-east-1',
      UseFIPS: false,
      UseDualStack: false,
    });
    expect(endpoint.url.href).toBe('https://sts.us-east-1.amazonaws.com/');
  });

  it('answers STS GetCallerIdentity at https://sts.<region>.amazonaws.com', async () => {
    const sts = new STSClient(emu.clientConfig());
    const me = await sts.send(new GetCallerIdentityCommand({}));
    expect(me.Arn).toBe(DEMO.servicePrincipalArn);
    expect(me.Account).toBe(DEMO.accountId);
    expect(emu.counters.get('sts:GetCallerIdentity')).toBe(1);
    expect(emu.counters.byCaller(DEMO.servicePrincipalArn)).toBe(1);
  });

  it('answers STS AssumeRole, and the session credentials are accepted in turn', async () => {
    const sts = new STSClient(emu.clientConfig());
    const out = await sts.send(
      new AssumeRoleCommand({
        RoleArn: DEMO.accessRoleArn,
        RoleSessionName: 'unit-test',
        DurationSeconds: 900,
      }),
    );
    expect(out.AssumedRoleUser?.Arn).toBe(
      `arn:aws:sts::${DEMO.accountId}:assumed-role/analytics-identity-bearer/unit-test`,
    );
    const c = out.Credentials!;
    const asRole = new STSClient(
      emu.clientConfig({
        credentials: {
          accessKeyId: c.AccessKeyId!,
          secretAccessKey: c.SecretAccessKey!,
          sessionToken: c.SessionToken!,
        },
      }),
    );
    const me = await asRole.send(new GetCallerIdentityCommand({}));
    expect(me.Arn).toBe(out.AssumedRoleUser?.Arn);
    expect(emu.counters.get('sts:AssumeRole')).toBe(1);
    expect(emu.counters.get('sts:GetCallerIdentity')).toBe(1);
  });

  it('exchanges an IdP token with CreateTokenWithIAM at https://oidc.<region>.amazonaws.com', async () => {
    const session = await identityEnhancedSession('alice');
    const sts = new STSClient(emu.clientConfig({ credentials: session.credentials }));
    const me = await sts.send(new GetCallerIdentityCommand({}));
    expect(me.Arn).toBe(`arn:aws:sts::${DEMO.accountId}:assumed-role/analytics-identity-bearer/tip-alice`);
    expect(emu.counters.get('sso-oauth:CreateTokenWithIAM')).toBe(1);
    expect(emu.counters.byUser('alice')).toBe(1);
    // Reusing the same JWT is refused (jti replay), as IdC does.
    const oidc = new SSOOIDCClient(emu.clientConfig());
    const replay = await failureOf(
      oidc.send(
        new CreateTokenWithIAMCommand({
          clientId: DEMO.applicationArn,
          grantType: JWT_BEARER,
          assertion: session.jwt,
        }),
      ),
    );
    expect(replay.name).toBe('InvalidGrantException');
  });

  it('vends S3 Access Grants credentials (GetDataAccess) that read the granted object', async () => {
    const { credentials } = await identityEnhancedSession('alice');
    const control = new S3ControlClient(emu.clientConfig({ credentials }));
    const access = await control.send(
      new GetDataAccessCommand({
        AccountId: DEMO.accountId,
        Target: `s3://${DEMO.bucket}/team-a/*`,
        Permission: 'READ',
      }),
    );
    expect(access.MatchedGrantTarget).toBe(`s3://${DEMO.bucket}/team-a/*`);
    expect(access.Grantee?.GranteeType).toBe('DIRECTORY_GROUP');
    const vended = access.Credentials!;
    const s3 = new S3Client(
      emu.clientConfig({
        credentials: {
          accessKeyId: vended.AccessKeyId!,
          secretAccessKey: vended.SecretAccessKey!,
          sessionToken: vended.SessionToken!,
        },
      }),
    );
    // Virtual-hosted style (the SDK default): https://lake.s3.us-east-1.amazonaws.com/team-a/report.csv
    const object = await s3.send(new GetObjectCommand({ Bucket: DEMO.bucket, Key: 'team-a/report.csv' }));
    expect(await object.Body!.transformToString()).toBe('id,amount\n1,120.5\n');
    const head = await s3.send(new HeadObjectCommand({ Bucket: DEMO.bucket, Key: 'team-a/report.csv' }));
    expect(head.ContentLength).toBe(18);
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: DEMO.bucket, Prefix: 'team-a/' }));
    expect(listed.Contents?.map((o) => o.Key)).toEqual(['team-a/report.csv']);
    // Outside the grant: refused.
    const outside = await failureOf(
      s3.send(new GetObjectCommand({ Bucket: DEMO.bucket, Key: 'team-b/notes.txt' })),
    );
    expect(outside).toMatchObject({ name: 'AccessDenied', status: 403 });
    // READ does not write.
    const write = await failureOf(
      s3.send(new PutObjectCommand({ Bucket: DEMO.bucket, Key: 'team-a/new.csv', Body: 'x' })),
    );
    expect(write).toMatchObject({ name: 'AccessDenied', status: 403 });
    expect(emu.counters.get('s3-control:GetDataAccess')).toBe(1);
    expect(emu.counters.get('s3:GetObject')).toBe(2);
  });

  it('serves path-style S3 requests too', async () => {
    const { credentials } = await identityEnhancedSession('bob');
    const control = new S3ControlClient(emu.clientConfig({ credentials }));
    const access = await control.send(
      new GetDataAccessCommand({
        AccountId: DEMO.accountId,
        Target: `s3://${DEMO.bucket}/team-b/*`,
        Permission: 'READWRITE',
      }),
    );
    const v = access.Credentials!;
    const s3 = new S3Client({
      ...emu.clientConfig({
        credentials: {
          accessKeyId: v.AccessKeyId!,
          secretAccessKey: v.SecretAccessKey!,
          sessionToken: v.SessionToken!,
        },
      }),
      forcePathStyle: true,
    });
    await s3.send(new PutObjectCommand({ Bucket: DEMO.bucket, Key: 'team-b/today.txt', Body: 'written' }));
    const back = await s3.send(new GetObjectCommand({ Bucket: DEMO.bucket, Key: 'team-b/today.txt' }));
    expect(await back.Body!.transformToString()).toBe('written');
  });

  it('still refuses a bad signature, and audits the refusal', async () => {
    const sts = new STSClient(
      emu.clientConfig({
        credentials: { accessKeyId: emu.credentials.accessKeyId, secretAccessKey: 'not-the-secret' },
      }),
    );
    const refused = await failureOf(sts.send(new GetCallerIdentityCommand({})));
    expect(refused).toMatchObject({ name: 'SignatureDoesNotMatch', status: 403 });
    const s3 = new S3Client(
      emu.clientConfig({
        credentials: { accessKeyId: emu.credentials.accessKeyId, secretAccessKey: 'wrong' },
      }),
    );
    const s3Refused = await failureOf(
      s3.send(new GetObjectCommand({ Bucket: DEMO.bucket, Key: 'team-a/report.csv' })),
    );
    expect(s3Refused).toMatchObject({ name: 'SignatureDoesNotMatch', status: 403 });
    expect(emu.auditLog.find({ outcome: 'denied' }).map((e) => e.reason)).toEqual([
      'SigV4: badSignature',
      'SigV4: badSignature',
    ]);
    expect(emu.counters.snapshot().errors).toMatchObject({
      'sts:GetCallerIdentity:SignatureDoesNotMatch': 1,
      's3:GetObject:SignatureDoesNotMatch': 1,
    });
  });

  it('refuses an unsigned request and a request signed for another region', async () => {
    const unsigned = await emu.handle(
      new Request('https://sts.us-east-1.amazonaws.com/', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'Action=GetCallerIdentity&Version=2011-06-15',
      }),
    );
    expect(unsigned.status).toBe(403);
    expect(await unsigned.text()).toContain('<Code>MissingAuthenticationToken</Code>');
    const elsewhere = new STSClient({ ...emu.clientConfig(), region: 'eu-west-1' });
    const refused = await failureOf(elsewhere.send(new GetCallerIdentityCommand({})));
    expect(refused.name).toBe('SignatureDoesNotMatch');
    expect(refused.message).toContain("'eu-west-1'");
  });

  it('applies injected faults, then recovers', async () => {
    const sts = new STSClient(emu.clientConfig());
    emu.faults.inject({ operation: 'sts:GetCallerIdentity', throttle: true });
    const throttled = await failureOf(sts.send(new GetCallerIdentityCommand({})));
    expect(throttled).toMatchObject({ name: 'Throttling', status: 400 });
    emu.faults.inject({ operation: 's3-control:GetDataAccess', status5xx: 503, times: 1 });
    const control = new S3ControlClient(emu.clientConfig());
    const unavailable = await failureOf(
      control.send(
        new GetDataAccessCommand({
          AccountId: DEMO.accountId,
          Target: 's3://lake/team-a/*',
          Permission: 'READ',
        }),
      ),
    );
    expect(unavailable.status).toBe(503);
    expect(emu.faults.active).toBe(0);
    const me = await sts.send(new GetCallerIdentityCommand({}));
    expect(me.Arn).toBe(DEMO.servicePrincipalArn);
    expect(emu.counters.get('sts:GetCallerIdentity')).toBe(2);
  });

  it('keeps tokens, identity contexts and secrets out of the audit log', async () => {
    const session = await identityEnhancedSession('carol');
    const log = JSON.stringify(emu.auditLog.entries());
    expect(log).toContain('carol');
    for (const secret of [
      session.jwt,
      session.context,
      session.credentials.secretAccessKey,
      session.credentials.sessionToken,
      emu.credentials.secretAccessKey,
    ]) {
      expect(log).not.toContain(secret);
    }
  });
});
