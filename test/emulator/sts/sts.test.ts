import {
  AssumeRoleCommand,
  AssumeRoleWithWebIdentityCommand,
  GetCallerIdentityCommand,
  STSClient,
} from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IdentityContextClaims } from '../../../src/emulator/core/types.js';
import { issueIdentityContext } from '../../../src/emulator/identity-center/context.js';
import { type RunningEmulator, startEmulator } from '../../../src/emulator/start.js';
import {
  ACCESS_ROLE,
  ACCOUNT,
  APP_ARN,
  INSTANCE_ARN,
  LIMITED_KEY,
  LONG_ROLE,
  NO_CONTEXT_ROLE,
  WEB_ROLE,
} from '../core/helpers/config.js';
import { baseConfig } from '../core/helpers/config.js';

const PROVIDER = 'arn:aws:iam::aws:contextProvider/IdentityCenter';
let emu: RunningEmulator;
let sts: STSClient;

function claims(over: Partial<IdentityContextClaims> = {}): IdentityContextClaims {
  const alice = emu.config.identityCenter.users.find((u) => u.userName === 'alice')!;
  const analysts = emu.config.identityCenter.groups.find((g) => g.name === 'analysts')!;
  return {
    idcUserId: alice.userId,
    userName: 'alice',
    groupIds: [analysts.groupId],
    groupNames: ['analysts'],
    identityStoreId: emu.config.identityCenter.identityStoreId,
    instanceArn: INSTANCE_ARN,
    applicationArn: APP_ARN,
    expiresAt: emu.clock.now() + 3_600_000,
    ...over,
  };
}

function client(creds?: {
  AccessKeyId?: string;
  SecretAccessKey?: string;
  SessionToken?: string;
}): STSClient {
  if (!creds) return new STSClient(emu.clientConfig());
  return new STSClient(
    emu.clientConfig({
      credentials: {
        accessKeyId: creds.AccessKeyId!,
        secretAccessKey: creds.SecretAccessKey!,
        sessionToken: creds.SessionToken!,
      },
    }),
  );
}

async function failure(
  promise: Promise<unknown>,
): Promise<{ name: string; status: number | undefined; message: string }> {
  try {
    await promise;
  } catch (err) {
    const e = err as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, status: e.$metadata?.httpStatusCode, message: e.message };
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  emu = await startEmulator(baseConfig(), { quiet: true, services: { 'redshift-data': false } });
  sts = client();
});
afterAll(async () => {
  await emu.stop();
});

describe('GetCallerIdentity', () => {
  it('reports the configured caller', async () => {
    const out = await sts.send(new GetCallerIdentityCommand({}));
    expect(out.Account).toBe(ACCOUNT);
    expect(out.Arn).toBe(`arn:aws:iam::${ACCOUNT}:user/service`);
    expect(out.UserId).toMatch(/^AIDA[A-Z2-7]{17}$/);
    expect(out.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('AssumeRole', () => {
  it('issues session credentials that act as the assumed role', async () => {
    const out = await sts.send(
      new AssumeRoleCommand({ RoleArn: ACCESS_ROLE, RoleSessionName: 'plain-session', DurationSeconds: 900 }),
    );
    expect(out.Credentials?.AccessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(out.Credentials?.Expiration).toBeInstanceOf(Date);
    const lifetime = out.Credentials!.Expiration!.getTime() - Date.now();
    expect(lifetime).toBeGreaterThan(880_000);
    expect(lifetime).toBeLessThanOrEqual(900_000);
    expect(out.AssumedRoleUser?.Arn).toBe(
      `arn:aws:sts::${ACCOUNT}:assumed-role/analytics-identity-bearer/plain-session`,
    );
    expect(out.AssumedRoleUser?.AssumedRoleId).toMatch(/^AROA[A-Z2-7]{17}:plain-session$/);
    const who = await client(out.Credentials).send(new GetCallerIdentityCommand({}));
    expect(who.Arn).toBe(out.AssumedRoleUser?.Arn);
    expect(who.UserId).toBe(out.AssumedRoleUser?.AssumedRoleId);
  });

  it('accepts an identity context and the session carries it', async () => {
    const assertion = issueIdentityContext(emu.runtime, claims());
    const out = await sts.send(
      new AssumeRoleCommand({
        RoleArn: ACCESS_ROLE,
        RoleSessionName: 'tip-alice',
        ProvidedContexts: [{ ProviderArn: PROVIDER, ContextAssertion: assertion }],
      }),
    );
    const who = await client(out.Credentials).send(new GetCallerIdentityCommand({}));
    expect(who.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/analytics-identity-bearer/tip-alice`);
    const session = emu.runtime.credentials.lookup(out.Credentials!.AccessKeyId!);
    expect(session?.caller.identityContext?.userName).toBe('alice');
    expect(session?.caller.identityContext?.groupNames).toEqual(['analysts']);
    const audit = emu.auditLog.find({ operation: 'AssumeRole', outcome: 'allowed' });
    expect(
      audit.some((e) => e.resource === ACCESS_ROLE && /identity context of alice/.test(e.reason ?? '')),
    ).toBe(true);
    expect(JSON.stringify(emu.auditLog.entries())).not.toContain(assertion);
  });

  it('returns SourceIdentity and PackedPolicySize with tags', async () => {
    const out = await sts.send(
      new AssumeRoleCommand({
        RoleArn: ACCESS_ROLE,
        RoleSessionName: 'tagged',
        Tags: [{ Key: 'team', Value: 'a' }],
      }),
    );
    expect(out.PackedPolicySize).toBeGreaterThan(0);
    const denied = await failure(
      sts.send(
        new AssumeRoleCommand({ RoleArn: ACCESS_ROLE, RoleSessionName: 'srcid', SourceIdentity: 'alice' }),
      ),
    );
    expect(denied).toMatchObject({ name: 'AccessDenied', status: 403 });
    expect(denied.message).toContain('sts:SetSourceIdentity');
  });

  it('denies a context when the trust policy lacks sts:SetContext', async () => {
    const err = await failure(
      sts.send(
        new AssumeRoleCommand({
          RoleArn: NO_CONTEXT_ROLE,
          RoleSessionName: 'tip-alice',
          ProvidedContexts: [
            { ProviderArn: PROVIDER, ContextAssertion: issueIdentityContext(emu.runtime, claims()) },
          ],
        }),
      ),
    );
    expect(err).toMatchObject({ name: 'AccessDenied', status: 403 });
    expect(err.message).toContain('sts:SetContext');
    // The same role without a context is fine.
    const plain = await sts.send(
      new AssumeRoleCommand({ RoleArn: NO_CONTEXT_ROLE, RoleSessionName: 'plain' }),
    );
    expect(plain.Credentials?.AccessKeyId).toMatch(/^ASIA/);
  });

  it.each([
    ['tampered', (a: string) => `${a.slice(0, -6)}${a.slice(-6) === 'AAAAAA' ? 'BBBBBB' : 'AAAAAA'}`],
    ['malformed', () => 'not-a-context-assertion'],
  ])('rejects a %s context with InvalidContextAssertionException', async (_label, mangle) => {
    const err = await failure(
      sts.send(
        new AssumeRoleCommand({
          RoleArn: ACCESS_ROLE,
          RoleSessionName: 'tip-alice',
          ProvidedContexts: [
            { ProviderArn: PROVIDER, ContextAssertion: mangle(issueIdentityContext(emu.runtime, claims())) },
          ],
        }),
      ),
    );
    expect(err).toMatchObject({ name: 'InvalidContextAssertionException', status: 400 });
  });

  it('never echoes an over-long context assertion or web identity token in the ValidationError', async () => {
    const assertion = `${issueIdentityContext(emu.runtime, claims())}${'A'.repeat(2048)}`;
    const long = await failure(
      sts.send(
        new AssumeRoleCommand({
          RoleArn: ACCESS_ROLE,
          RoleSessionName: 'tip-alice',
          ProvidedContexts: [{ ProviderArn: PROVIDER, ContextAssertion: assertion }],
        }),
      ),
    );
    expect(long).toMatchObject({ name: 'ValidationError', status: 400 });
    expect(long.message).toContain("'contextAssertion'");
    expect(long.message).not.toContain(assertion.slice(0, 16));
    const token = `eyJhbGciOiJSUzI1NiJ9.${'x'.repeat(20_001)}`;
    const web = await failure(
      sts.send(
        new AssumeRoleWithWebIdentityCommand({
          RoleArn: ACCESS_ROLE,
          RoleSessionName: 'web',
          WebIdentityToken: token,
        }),
      ),
    );
    expect(web).toMatchObject({ name: 'ValidationError', status: 400 });
    expect(web.message).toContain("'webIdentityToken'");
    expect(web.message).not.toContain('eyJhbGciOiJSUzI1NiJ9');
  });

  it('rejects an expired context with InvalidContextAssertionException', async () => {
    const assertion = issueIdentityContext(emu.runtime, claims({ expiresAt: emu.clock.now() + 1000 }));
    emu.clock.advance(5000);
    try {
      const err = await failure(
        sts.send(
          new AssumeRoleCommand({
            RoleArn: ACCESS_ROLE,
            RoleSessionName: 'tip-alice',
            ProvidedContexts: [{ ProviderArn: PROVIDER, ContextAssertion: assertion }],
          }),
        ),
      );
      expect(err).toMatchObject({ name: 'InvalidContextAssertionException', status: 400 });
      expect(err.message).toContain('expired');
    } finally {
      emu.clock.reset();
    }
  });

  it('rejects a wrong provider ARN, too many contexts, and a short assertion', async () => {
    const assertion = issueIdentityContext(emu.runtime, claims());
    const wrong = await failure(
      sts.send(
        new AssumeRoleCommand({
          RoleArn: ACCESS_ROLE,
          RoleSessionName: 's1',
          ProvidedContexts: [
            { ProviderArn: 'arn:aws:iam::aws:contextProvider/IdentitiyCenter', ContextAssertion: assertion },
          ],
        }),
      ),
    );
    expect(wrong).toMatchObject({ name: 'InvalidContextAssertionException', status: 400 });
    const many = await failure(
      sts.send(
        new AssumeRoleCommand({
          RoleArn: ACCESS_ROLE,
          RoleSessionName: 's1',
          ProvidedContexts: Array.from({ length: 6 }, () => ({
            ProviderArn: PROVIDER,
            ContextAssertion: assertion,
          })),
        }),
      ),
    );
    expect(many).toMatchObject({ name: 'ValidationError', status: 400 });
    const short = await failure(
      sts.send(
        new AssumeRoleCommand({
          RoleArn: ACCESS_ROLE,
          RoleSessionName: 's1',
          ProvidedContexts: [{ ProviderArn: PROVIDER, ContextAssertion: 'abc' }],
        }),
      ),
    );
    expect(short).toMatchObject({ name: 'ValidationError', status: 400 });
  });

  it('caps role chaining at one hour', async () => {
    const first = await sts.send(
      new AssumeRoleCommand({ RoleArn: LONG_ROLE, RoleSessionName: 'hop-1', DurationSeconds: 7200 }),
    );
    const chained = client(first.Credentials);
    const err = await failure(
      chained.send(
        new AssumeRoleCommand({ RoleArn: ACCESS_ROLE, RoleSessionName: 'hop-2', DurationSeconds: 3601 }),
      ),
    );
    expect(err).toMatchObject({ name: 'ValidationError', status: 400 });
    expect(err.message).toContain('role chaining');
    const ok = await chained.send(
      new AssumeRoleCommand({ RoleArn: ACCESS_ROLE, RoleSessionName: 'hop-2', DurationSeconds: 3600 }),
    );
    expect(ok.AssumedRoleUser?.Arn).toContain('/hop-2');
  });

  it.each([
    ['too short', 'a'],
    ['bad characters', 'has space'],
    ['too long', 'x'.repeat(65)],
  ])('rejects a session name that is %s', async (_label, name) => {
    const err = await failure(
      sts.send(new AssumeRoleCommand({ RoleArn: ACCESS_ROLE, RoleSessionName: name })),
    );
    expect(err).toMatchObject({ name: 'ValidationError', status: 400 });
  });

  it('rejects durations outside 900..MaxSessionDuration', async () => {
    const low = await failure(
      sts.send(
        new AssumeRoleCommand({ RoleArn: NO_CONTEXT_ROLE, RoleSessionName: 'd1', DurationSeconds: 899 }),
      ),
    );
    expect(low).toMatchObject({ name: 'ValidationError', status: 400 });
    const high = await failure(
      sts.send(
        new AssumeRoleCommand({ RoleArn: NO_CONTEXT_ROLE, RoleSessionName: 'd1', DurationSeconds: 3601 }),
      ),
    );
    expect(high.message).toContain('MaxSessionDuration');
  });

  it('denies root credentials', async () => {
    const emuRoot = await startEmulator(
      baseConfig({
        callers: [
          {
            accessKeyId: 'AKIAROOT000000000001',
            secretAccessKey: 'root-secret-key-000000000001',
            principalArn: `arn:aws:iam::${ACCOUNT}:root`,
          },
        ],
      }),
      { quiet: true, services: { 'redshift-data': false } },
    );
    try {
      const root = new STSClient(emuRoot.clientConfig());
      expect((await root.send(new GetCallerIdentityCommand({}))).UserId).toBe(ACCOUNT);
      const err = await failure(
        root.send(new AssumeRoleCommand({ RoleArn: NO_CONTEXT_ROLE, RoleSessionName: 'root' })),
      );
      expect(err).toMatchObject({ name: 'AccessDenied', status: 403 });
    } finally {
      await emuRoot.stop();
    }
  });

  it('denies unknown roles, untrusted callers and explicit Deny policies', async () => {
    const unknown = await failure(
      sts.send(
        new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${ACCOUNT}:role/nope`, RoleSessionName: 'x1' }),
      ),
    );
    expect(unknown).toMatchObject({ name: 'AccessDenied', status: 403 });
    const limited = new STSClient(emu.clientConfig({ credentials: LIMITED_KEY }));
    const untrusted = await failure(
      limited.send(new AssumeRoleCommand({ RoleArn: ACCESS_ROLE, RoleSessionName: 'x1' })),
    );
    expect(untrusted).toMatchObject({ name: 'AccessDenied', status: 403 });
    const denied = await failure(
      limited.send(new AssumeRoleCommand({ RoleArn: LONG_ROLE, RoleSessionName: 'x1' })),
    );
    expect(denied).toMatchObject({ name: 'AccessDenied', status: 403 });
    expect(denied.message).toContain('explicit Deny');
  });

  it('keeps identity-enhanced sessions to the allow-list (no further AssumeRole)', async () => {
    const out = await sts.send(
      new AssumeRoleCommand({
        RoleArn: ACCESS_ROLE,
        RoleSessionName: 'tip-alice',
        ProvidedContexts: [
          { ProviderArn: PROVIDER, ContextAssertion: issueIdentityContext(emu.runtime, claims()) },
        ],
      }),
    );
    const enhanced = client(out.Credentials);
    const err = await failure(
      enhanced.send(new AssumeRoleCommand({ RoleArn: NO_CONTEXT_ROLE, RoleSessionName: 'escape' })),
    );
    expect(err).toMatchObject({ name: 'AccessDenied', status: 403 });
    expect(err.message).toContain('identity-context allow-list');
    const denial = emu.auditLog.find({ idcUser: 'alice', outcome: 'denied' });
    expect(denial.some((e) => e.action === 'sts:AssumeRole')).toBe(true);
  });

  it('rejects expired session credentials with ExpiredToken', async () => {
    const out = await sts.send(
      new AssumeRoleCommand({ RoleArn: NO_CONTEXT_ROLE, RoleSessionName: 'short', DurationSeconds: 900 }),
    );
    emu.clock.advance(901_000);
    try {
      const err = await failure(client(out.Credentials).send(new GetCallerIdentityCommand({})));
      expect(err).toMatchObject({ name: 'ExpiredToken', status: 403 });
    } finally {
      emu.clock.reset();
    }
  });
});

describe('no secrets in answers or the audit log', () => {
  it('never echoes assertions, tokens or keys', async () => {
    const assertion = issueIdentityContext(emu.runtime, claims());
    const tampered = `${assertion.slice(0, 20)}${assertion.slice(21)}x`;
    const jwt = await emu.idp!.signToken({ sub: 'alice', aud: 'someone-else' });
    const messages = [
      (
        await failure(
          sts.send(
            new AssumeRoleCommand({
              RoleArn: ACCESS_ROLE,
              RoleSessionName: 'leak',
              ProvidedContexts: [{ ProviderArn: PROVIDER, ContextAssertion: tampered }],
            }),
          ),
        )
      ).message,
      (
        await failure(
          sts.send(
            new AssumeRoleWithWebIdentityCommand({
              RoleArn: WEB_ROLE,
              RoleSessionName: 'leak',
              WebIdentityToken: jwt,
            }),
          ),
        )
      ).message,
      (
        await failure(
          sts.send(
            new AssumeRoleWithWebIdentityCommand({
              RoleArn: WEB_ROLE,
              RoleSessionName: 'leak',
              WebIdentityToken: `${jwt}x`,
            }),
          ),
        )
      ).message,
    ];
    const everything = messages.join('\n') + JSON.stringify(emu.auditLog.entries());
    for (const secret of [assertion, tampered, jwt, jwt.split('.')[2]!, emu.credentials.secretAccessKey]) {
      expect(everything).not.toContain(secret);
    }
  });
});

describe('expired context error is configurable', () => {
  it('answers ExpiredTokenException when configured', async () => {
    const emu2 = await startEmulator(baseConfig({ sts: { expiredContextError: 'ExpiredTokenException' } }), {
      quiet: true,
      services: { 'redshift-data': false },
    });
    try {
      const alice = emu2.config.identityCenter.users[0]!;
      const assertion = issueIdentityContext(emu2.runtime, {
        idcUserId: alice.userId,
        userName: alice.userName,
        groupIds: [],
        groupNames: [],
        identityStoreId: emu2.config.identityCenter.identityStoreId,
        instanceArn: INSTANCE_ARN,
        applicationArn: APP_ARN,
        expiresAt: emu2.clock.now() - 1,
      });
      const err = await failure(
        new STSClient(emu2.clientConfig()).send(
          new AssumeRoleCommand({
            RoleArn: ACCESS_ROLE,
            RoleSessionName: 'late',
            ProvidedContexts: [{ ProviderArn: PROVIDER, ContextAssertion: assertion }],
          }),
        ),
      );
      expect(err).toMatchObject({ name: 'ExpiredTokenException', status: 400 });
    } finally {
      await emu2.stop();
    }
  });
});

describe('AssumeRoleWithWebIdentity', () => {
  it('exchanges an IdP access token, unsigned', async () => {
    const token = await emu.idp!.tokenFor('alice');
    const anonymous = new STSClient({
      region: emu.region,
      endpoint: emu.url,
      credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
      maxAttempts: 1,
    });
    const out = await anonymous.send(
      new AssumeRoleWithWebIdentityCommand({
        RoleArn: WEB_ROLE,
        RoleSessionName: 'web-alice',
        WebIdentityToken: token,
      }),
    );
    expect(out.SubjectFromWebIdentityToken).toBe('alice');
    expect(out.Provider).toBe(emu.idp!.issuer.replace('http://', ''));
    expect(out.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/web-identity/web-alice`);
    const who = await client(out.Credentials).send(new GetCallerIdentityCommand({}));
    expect(who.Arn).toBe(out.AssumedRoleUser?.Arn);
  });

  it('rejects a token for another audience, an expired token, a forged token and garbage', async () => {
    const idp = emu.idp!;
    const call = (token: string) =>
      failure(
        sts.send(
          new AssumeRoleWithWebIdentityCommand({
            RoleArn: WEB_ROLE,
            RoleSessionName: 'web-x',
            WebIdentityToken: token,
          }),
        ),
      );
    const wrongAud = await call(await idp.signToken({ sub: 'alice', aud: 'someone-else' }));
    expect(wrongAud).toMatchObject({ name: 'AccessDenied', status: 403 });
    const now = Math.floor(Date.now() / 1000);
    const expired = await call(
      await idp.signToken({ sub: 'alice', aud: 'tip-sdk-demo', iat: now - 600, exp: now - 300 }),
    );
    expect(expired).toMatchObject({ name: 'ExpiredTokenException', status: 400 });
    const good = await idp.signToken({ sub: 'alice', aud: 'tip-sdk-demo' });
    const [h, p] = good.split('.');
    const forged = await call(`${h}.${p}.${'A'.repeat(342)}`);
    expect(forged).toMatchObject({ name: 'InvalidIdentityTokenException', status: 400 });
    const garbage = await call('not-a-jwt-at-all');
    expect(garbage).toMatchObject({ name: 'InvalidIdentityTokenException', status: 400 });
  });

  it('rejects a token from an issuer the role does not trust', async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'RS256', kid: 'k' })).toString('base64url');
    const payload = Buffer.from(
      JSON.stringify({ iss: 'https://elsewhere.example.com', sub: 'x', aud: 'a' }),
    ).toString('base64url');
    const err = await failure(
      sts.send(
        new AssumeRoleWithWebIdentityCommand({
          RoleArn: WEB_ROLE,
          RoleSessionName: 'web-x',
          WebIdentityToken: `${header}.${payload}.c2ln`,
        }),
      ),
    );
    expect(err).toMatchObject({ name: 'InvalidIdentityTokenException', status: 400 });
    expect(err.message).toContain('elsewhere.example.com');
  });
});
