import { writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLoginCommand } from '../../src/cli/login-command.js';
import { runCli } from '../../src/cli/index.js';
import { createTokenCache } from '../../src/connector/token-cache/file-cache.js';
import {
  ACCESS_ROLE,
  APP,
  ADMIN_KEY,
  AUDIENCE,
  CLIENT_ID,
  IDC_ISSUER_URL,
  WEB_IDENTITY_ROLE,
} from './support/emulator-config.js';
import { capture, runProcess, runProcessHiding } from './support/cli.js';
import { type ConnectorFixture, expireSoon, startConnectorFixture } from './support/fixture.js';
import { httpBrowser } from './support/http-browser.js';

let fx: ConnectorFixture;
let configFile: string;
let env: NodeJS.ProcessEnv;
const saved = { ...process.env };

beforeAll(async () => {
  fx = await startConnectorFixture();
  configFile = join(fx.dir, 'config.json');
  const emu = {
    region: fx.emu.region,
    endpoint: fx.emu.url,
    issuer: fx.emu.idp!.issuer,
    clientId: CLIENT_ID,
    tokenType: 'access_token',
    audience: AUDIENCE,
    scopes: ['openid', 'email', 'profile', 'offline_access', 'tip:read'],
    applicationArn: APP,
    accessRoleArn: ACCESS_ROLE,
    webIdentityRoleArn: WEB_IDENTITY_ROLE,
    port: 0,
    workgroupName: 'analytics',
    athenaWorkGroup: 'analytics-idc',
    s3Location: 's3://lake/shared/',
  };
  const idc = {
    signIn: 'idc',
    region: fx.emu.region,
    endpoint: fx.emu.url,
    idcIssuerUrl: IDC_ISSUER_URL,
    port: 0,
  };
  await writeFile(configFile, JSON.stringify({ profiles: { emu, idc, broken: { ...emu, colour: 'blue' } } }));
  // No AWS credentials around, and no instance metadata lookups: only loopback traffic.
  env = {
    TIP_SDK_CONFIG_FILE: configFile,
    TIP_SDK_CACHE_DIR: join(fx.dir, 'cache'),
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE'])
    delete process.env[name];
  Object.assign(process.env, env);
});
afterAll(async () => {
  process.env = saved;
  await fx?.close();
});

/** Every secret the cache holds for `profile`, as text. */
async function secretsOf(profile: string): Promise<string[]> {
  const { record } = await createTokenCache({ dir: env.TIP_SDK_CACHE_DIR as string }).read(profile);
  if (record === undefined) return [];
  const values = [
    record.idp?.accessToken,
    record.idp?.idToken,
    record.idp?.refreshToken,
    record.idc?.accessToken,
    record.idc?.refreshToken,
    record.client?.clientSecret,
    record.role?.secretAccessKey,
    record.role?.sessionToken,
    ...(record.redshift ?? []).map((t) => t.token),
  ];
  for (const entry of Object.values(record.store ?? {})) {
    const t = (JSON.parse(entry.value) as { tokens: Record<string, unknown> }).tokens;
    values.push(t.accessToken as string, t.refreshToken as string, t.identityContext as string);
  }
  return values.filter((v): v is string => typeof v === 'string' && v.length > 8);
}

describe('tip-sdk', () => {
  it('--version prints the package version', async () => {
    const c = capture();
    expect(await runCli(['--version'], c.io)).toBe(0);
    expect(c.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it.each(['login', 'credentials', 'token', 'doctor', 'emulator', 'emulator token'])(
    '%s --help',
    async (command) => {
      const c = capture();
      expect(await runCli([...command.split(' '), '--help'], c.io)).toBe(0);
      expect(c.stdout).toContain(`Usage: tip-sdk ${command}`);
    },
  );

  it('refuses unknown flags (2), unknown profile keys (2), and asks for a sign-in (3)', async () => {
    let c = capture();
    expect(await runCli(['credentials', '--colour', 'blue'], c.io)).toBe(2);
    c = capture();
    expect(await runCli(['credentials', '--profile', 'broken'], c.io)).toBe(2);
    expect(c.stderr).toContain('ERR_PROFILE_INVALID');
    expect(c.stderr).toContain('colour');
    c = capture();
    expect(await runCli(['credentials', '--profile', 'missing'], c.io)).toBe(2);
    c = capture();
    expect(await runCli(['credentials', '--profile', 'emu'], c.io)).toBe(3);
    expect(c.stderr).toContain('tip-sdk login --profile emu');
    c = capture();
    expect(await runCli(['credentials', '--profile', 'emu', '--port', 'x'], c.io)).toBe(2);
  });

  it('login, credentials, token, doctor: the flow, with no secret in any output but the credentials JSON', async () => {
    const outputs: string[] = [];
    let c = capture();
    expect(await runLoginCommand(['--profile', 'emu', '--json'], c.io, httpBrowser('alice'))).toBe(0);
    const status = JSON.parse(c.stdout) as { signedIn: boolean; user: { subject: string } };
    expect(status.signedIn).toBe(true);
    expect(status.user.subject).toBe('alice');
    outputs.push(c.stdout, c.stderr);

    c = capture();
    expect(await runCli(['credentials', '--profile', 'emu'], c.io)).toBe(0);
    const json = JSON.parse(c.stdout) as Record<string, unknown>;
    expect(Object.keys(json).sort()).toEqual([
      'AccessKeyId',
      'Expiration',
      'SecretAccessKey',
      'SessionToken',
      'Version',
    ]);
    expect(json.Version).toBe(1);
    expect(new Date(json.Expiration as string).getTime()).toBeGreaterThan(Date.now());
    outputs.push(c.stderr);

    c = capture();
    expect(await runCli(['token', '--profile', 'emu', '--json'], c.io)).toBe(0);
    const idc = JSON.parse(c.stdout) as { token: string; tokenType: string };
    expect(idc.tokenType).toBe('ACCESS_TOKEN');
    expect(idc.token).toMatch(/^aoa/);
    outputs.push(c.stderr);

    c = capture();
    expect(await runCli(['token', '--profile', 'emu', '--for', 'redshift', '--json'], c.io)).toBe(0);
    const driver = JSON.parse(c.stdout) as { token: string; tokenType: string };
    expect(driver.tokenType).toBe('SUBJECT_TOKEN');
    expect(driver.token.length).toBeGreaterThan(10);
    outputs.push(c.stderr);
    // The next run (a driver's next connection) is answered by the token cache: no Redshift call.
    const driverCalls = fx.emu.counters.get('GetIdentityCenterAuthToken');
    c = capture();
    expect(await runCli(['token', '--profile', 'emu', '--for', 'redshift'], c.io)).toBe(0);
    expect(c.stdout).toBe(`${driver.token}\n`);
    expect(fx.emu.counters.get('GetIdentityCenterAuthToken')).toBe(driverCalls);
    outputs.push(c.stderr);

    c = capture();
    expect(
      await runCli(
        ['token', '--profile', 'emu', '--for', 'redshift', '--cluster', 'analytics-cluster', '--json'],
        c.io,
      ),
    ).toBe(0);
    const clusterToken = JSON.parse(c.stdout) as { token: string; tokenType: string };
    expect(clusterToken.tokenType).toBe('SUBJECT_TOKEN');
    expect(clusterToken.token).not.toBe(driver.token);
    outputs.push(c.stderr);

    c = capture();
    const doctorCode = await runCli(['doctor', '--profile', 'emu'], c.io);
    expect(c.stdout).toContain('✓ issuer discovery');
    expect(c.stdout).toContain('✓ exchange and role');
    expect(c.stdout).toContain('✓ caller identity');
    expect(c.stdout).toContain('✓ Redshift driver token');
    // Without AWS credentials the administrator checks are not made, which is not a failure.
    expect(c.stdout).toContain('– access role trust policy — skipped: needs iam:GetRole');
    expect(c.stdout).toContain('– application grant — skipped: needs sso:GetApplicationGrant');
    expect(c.stdout).not.toContain('✗');
    expect(doctorCode).toBe(0);
    outputs.push(c.stdout, c.stderr);

    const secrets = await secretsOf('emu');
    expect(secrets.length).toBeGreaterThan(5);
    for (const out of outputs) for (const secret of secrets) expect(out).not.toContain(secret);
  });

  it('credentials the token cache still holds are printed without loading the AWS SDK or openid-client', async () => {
    // What a renewal needs; a credential_process run while the credentials last needs none of it.
    const renewal = ['@aws-sdk/client-sts', '@aws-sdk/client-sso-oidc', 'openid-client'];
    let c = capture();
    expect(await runCli(['credentials', '--profile', 'emu'], c.io)).toBe(0);
    const cached = (JSON.parse(c.stdout) as { AccessKeyId: string }).AccessKeyId;
    const warm = await runProcessHiding(renewal, ['credentials', '--profile', 'emu'], env);
    expect(warm.stderr).toBe('');
    expect(warm.code).toBe(0);
    expect((JSON.parse(warm.stdout) as { AccessKeyId: string }).AccessKeyId).toBe(cached);
    // A Redshift driver token the cache holds: nor the Redshift clients.
    c = capture();
    expect(await runCli(['token', '--profile', 'emu', '--for', 'redshift'], c.io)).toBe(0);
    const driver = await runProcessHiding(
      [...renewal, '@aws-sdk/client-redshift-serverless', '@aws-sdk/client-redshift'],
      ['token', '--profile', 'emu', '--for', 'redshift'],
      env,
    );
    expect(driver.stderr).toBe('');
    expect(driver.stdout).toBe(c.stdout);
    // Credentials about to expire are renewed, which needs them: hidden, the run fails before any call.
    const before = fx.emu.idp!.requests.token;
    await expireSoon(env.TIP_SDK_CACHE_DIR as string, 'emu');
    const renewing = await runProcessHiding(renewal, ['credentials', '--profile', 'emu'], env);
    expect(renewing.code).toBe(1);
    expect(renewing.stderr).toMatch(
      /^tip-sdk credentials: Cannot find package '(openid-client|@aws-sdk\/client-sso-oidc|@aws-sdk\/client-sts)' .*\(reinstall tip-sdk with its dependencies\)\n$/,
    );
    expect(fx.emu.idp!.requests.token).toBe(before);
  });

  it('doctor reads the access role trust policy with AWS credentials allowed iam:GetRole', async () => {
    process.env.AWS_ACCESS_KEY_ID = ADMIN_KEY.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = ADMIN_KEY.secretAccessKey;
    try {
      let c = capture();
      expect(await runCli(['doctor', '--profile', 'emu'], c.io)).toBe(0);
      expect(c.stdout).toContain('✓ access role trust policy');
      expect(c.stdout).toContain('✓ identity store user');
      expect(c.stdout).not.toContain('–');
      // --json: the same checks as objects; exit 1 with a failed check (an audience no grant authorizes).
      c = capture();
      const code = await runCli(['doctor', '--profile', 'emu', '--json', '--athena-workgroup', 'nope'], c.io);
      expect(code).toBe(1);
      const checks = JSON.parse(c.stdout) as {
        name: string;
        outcome: string;
        detail: string;
        fix?: string;
      }[];
      expect(checks.filter((k) => k.outcome === 'fail').map((k) => k.name)).toEqual(['Athena workgroup']);
      expect(checks.find((k) => k.name === 'assignment')).toMatchObject({ outcome: 'pass' });
      // The administrator checks and GetDataAccess print no secret either.
      for (const secret of await secretsOf('emu')) expect(c.stdout).not.toContain(secret);
      for (const k of checks)
        expect(Object.keys(k).every((key) => ['name', 'outcome', 'detail', 'fix'].includes(key))).toBe(true);
      c = capture();
      expect(await runCli(['doctor', '--profile', 'emu', '--admin-profile'], c.io)).toBe(2);
      // A principal the role does not trust: the check fails and names the statement to add.
      c = capture();
      expect(await runCli(['doctor', '--profile', 'emu', '--web-identity-role-arn', ACCESS_ROLE], c.io)).toBe(
        1,
      );
      expect(c.stdout).toMatch(
        /✗ access role trust policy — .* does not allow sts:AssumeRole and sts:SetContext/,
      );
      expect(c.stdout).toContain('"sts:AssumeRole", "sts:SetContext"');
    } finally {
      delete process.env.AWS_ACCESS_KEY_ID;
      delete process.env.AWS_SECRET_ACCESS_KEY;
    }
  });

  it('doctor names the fix when the role does not trust the caller', async () => {
    const c = capture();
    const code = await runCli(
      ['doctor', '--profile', 'emu', '--access-role-arn', `arn:aws:iam::123456789012:role/missing-role`],
      c.io,
    );
    expect(code).toBe(1);
    expect(c.stdout).toMatch(/✗ (signed in|exchange and role)/);
    expect(c.stdout).toContain('fix:');
  });

  it('an idc profile signs in at IAM Identity Center and prints the access token', async () => {
    let c = capture();
    expect(await runLoginCommand(['--profile', 'idc'], c.io, httpBrowser('bob'))).toBe(0);
    c = capture();
    expect(await runCli(['token', '--profile', 'idc'], c.io)).toBe(0);
    expect(c.stdout.trim()).toMatch(/^aoa[\w-]+$/);
    c = capture();
    expect(await runCli(['credentials', '--profile', 'idc'], c.io)).toBe(2);
  });

  it('ten processes renewing at once make one refresh and one exchange (counted by the emulator)', async () => {
    await expireSoon(env.TIP_SDK_CACHE_DIR as string, 'emu');
    const exchanges = fx.emu.counters.get('sso-oauth:CreateTokenWithIAM');
    const roles = fx.emu.counters.get('sts:AssumeRole');
    const refreshes = fx.emu.idp!.requests.token;
    const runs = await Promise.all(
      Array.from({ length: 10 }, () => runProcess(['credentials', '--profile', 'emu'], env)),
    );
    expect(runs.map((r) => r.code)).toEqual(Array(10).fill(0));
    const keys = new Set(runs.map((r) => (JSON.parse(r.stdout) as { AccessKeyId: string }).AccessKeyId));
    expect(keys.size).toBe(1);
    expect(fx.emu.counters.get('sso-oauth:CreateTokenWithIAM') - exchanges).toBe(1);
    expect(fx.emu.counters.get('sts:AssumeRole') - roles).toBe(1);
    expect(fx.emu.idp!.requests.token - refreshes).toBe(1);
  }, 120_000);
});

describe('tip-sdk emulator token', () => {
  it('prints a user token from the running IdP (flag or TIP_ISSUER), and refuses unknown users', async () => {
    let c = capture();
    expect(await runCli(['emulator', 'token', 'alice', '--issuer', fx.emu.idp!.issuer], c.io)).toBe(0);
    const [, payload] = c.stdout.trim().split('.');
    const claims = JSON.parse(Buffer.from(payload as string, 'base64url').toString()) as Record<
      string,
      unknown
    >;
    expect(claims.sub).toBe('alice');
    expect(claims.aud).toBe(AUDIENCE);
    process.env.TIP_ISSUER = fx.emu.idp!.issuer;
    try {
      c = capture();
      expect(await runCli(['emulator', 'token', 'bob', '--id-token'], c.io)).toBe(0);
      expect(c.stdout.split('.')).toHaveLength(3);
      c = capture();
      expect(await runCli(['emulator', 'token', 'nobody'], c.io)).toBe(1);
      expect(c.stderr).toContain('unknown_user');
    } finally {
      delete process.env.TIP_ISSUER;
    }
    c = capture();
    expect(await runCli(['emulator', 'token', 'alice', '--issuer', 'https://idp.example.com'], c.io)).toBe(2);
  });

  it('the HTTP endpoint wants a JSON POST', async () => {
    const url = `${fx.emu.idp!.issuer}/dev/token`;
    expect((await fetch(url)).status).toBe(405);
    expect(
      (
        await fetch(url, {
          method: 'POST',
          body: 'user=alice',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        })
      ).status,
    ).toBe(415);
    const rebound = await new Promise<number>((resolve, reject) => {
      const u = new URL(url);
      const req = request(
        {
          host: u.hostname,
          port: u.port,
          path: u.pathname,
          method: 'POST',
          headers: { host: 'evil.example', 'content-type': 'application/json' },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end('{"user":"alice"}');
    });
    expect(rebound).toBe(403);
    const bad = await fetch(url, {
      method: 'POST',
      body: '{"user":"alice","admin":true}',
      headers: { 'content-type': 'application/json' },
    });
    expect(bad.status).toBe(400);
    const ok = await fetch(url, {
      method: 'POST',
      body: '{"user":"alice"}',
      headers: { 'content-type': 'application/json' },
    });
    const body = (await ok.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual([
      'access_token',
      'expires_in',
      'id_token',
      'refresh_token',
      'token_type',
    ]);
  });
});
