/**
 * The browser sign-in end to end, in a real headless Chromium: `tip-sdk login` (a real process) against the
 * emulator's embedded IdP and the emulated IAM Identity Center; the sign-in page filled and submitted; the
 * loopback redirect received; the cache filled. Then `tip-sdk credentials` as the `credential_process` of
 * a profile in a temporary AWS config file, used by the real AWS SDK and by the machine's `aws` CLI: the
 * caller is the identity-bearer role, as the user.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { type BrowserContext, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenCache } from '../../src/connector/token-cache/file-cache.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/start.js';
import {
  ACCESS_ROLE,
  APP,
  AUDIENCE,
  CLIENT_ID,
  connectorEmulatorConfig,
  IDC_ISSUER_URL,
  WEB_IDENTITY_ROLE,
} from '../connector/support/emulator-config.js';
import { CLI, ROOT } from '../connector/support/cli.js';
import { CHROMIUM_PATH } from '../support/real-parts.js';

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

let emu: RunningEmulator;
let dir: string;
let browser: BrowserContext;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  emu = await startEmulator(connectorEmulatorConfig(), { port: 0, quiet: true });
  dir = await mkdtemp(join(tmpdir(), 'tip-browser-'));
  const common = { region: emu.region, endpoint: emu.url, port: 0, timeoutSeconds: 60 };
  const emuProfile = {
    ...common,
    issuer: emu.idp!.issuer,
    clientId: CLIENT_ID,
    tokenType: 'access_token',
    audience: AUDIENCE,
    scopes: ['openid', 'email', 'profile', 'offline_access', 'tip:read'],
    applicationArn: APP,
    accessRoleArn: ACCESS_ROLE,
    webIdentityRoleArn: WEB_IDENTITY_ROLE,
  };
  const idc = { ...common, signIn: 'idc', idcIssuerUrl: IDC_ISSUER_URL };
  await writeFile(
    join(dir, 'config.json'),
    JSON.stringify({ profiles: { emu: emuProfile, cancel: emuProfile, idc } }),
  );
  await writeFile(
    join(dir, 'aws-config'),
    `[profile analyst]\nregion = ${emu.region}\ncredential_process = ${process.execPath} ${CLI} credentials --profile emu\n`,
  );
  env = {
    TIP_SDK_CONFIG_FILE: join(dir, 'config.json'),
    TIP_SDK_CACHE_DIR: join(dir, 'cache'),
    AWS_CONFIG_FILE: join(dir, 'aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'no-credentials'),
    AWS_ACCESS_KEY_ID: '',
    AWS_SECRET_ACCESS_KEY: '',
    AWS_SESSION_TOKEN: '',
    AWS_PROFILE: '',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  browser = await chromium.launchPersistentContext(join(dir, 'chromium-profile'), {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: FLAGS,
  });
});

afterAll(async () => {
  await browser?.close();
  await emu?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Starts `tip-sdk login --no-browser` and resolves with the sign-in URL it prints, and its exit. */
function startLogin(
  profile: string,
): Promise<{ url: string; exit: Promise<{ code: number | null; stderr: string }> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'login', '--profile', profile, '--no-browser'], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    const exit = new Promise<{ code: number | null; stderr: string }>((done) => {
      child.on('close', (code) => done({ code, stderr }));
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      const url = /^\s+(http:\/\/127\.0\.0\.1:\d+\/\S+)$/m.exec(stderr)?.[1];
      if (url !== undefined) resolve({ url, exit });
    });
    child.on('error', reject);
    void exit.then(({ code }) => reject(new Error(`login exited ${code} before printing a URL: ${stderr}`)));
  });
}

describe('browser sign-in in headless Chromium', () => {
  it('tip-sdk login: the IdP page is filled and submitted, the redirect is received, the cache filled', async () => {
    const { url, exit } = await startLogin('emu');
    const page = await browser.newPage();
    await page.goto(url);
    await page.fill('#userName', 'alice');
    await page.click('#sign-in');
    await page.waitForSelector('#outcome');
    expect(await page.textContent('#outcome')).toBe('Signed in');
    expect(new URL(page.url()).hostname).toBe('127.0.0.1');
    const { code, stderr } = await exit;
    expect(code).toBe(0);
    expect(stderr).toContain('Signed in as alice');
    const { record } = await createTokenCache({ dir: env.TIP_SDK_CACHE_DIR as string }).read('emu');
    expect(record?.idp?.refreshToken).toBeDefined();
    expect(record?.role?.expiration).toBeGreaterThan(Date.now());
    await page.close();
  });

  it('the real AWS SDK uses tip-sdk credentials as credential_process: the caller is the role, as the user', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, env, { AWS_PROFILE: 'analyst' });
    for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'])
      delete process.env[name];
    try {
      const sts = new STSClient({ region: emu.region, endpoint: emu.url });
      const who = await sts.send(new GetCallerIdentityCommand({}));
      expect(who.Arn).toMatch(/:assumed-role\/analytics-identity-bearer\//);
      sts.destroy();
    } finally {
      process.env = saved;
    }
    expect(emu.counters.byUser('alice')).toBeGreaterThan(0);
  });

  it("the machine's aws CLI uses the same credential_process", async () => {
    const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env, AWS_PROFILE: 'analyst' };
    for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'])
      delete childEnv[name];
    // Asynchronously: the emulator answers from this very process.
    const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>(
      (resolve, reject) => {
        const child = spawn(
          'aws',
          ['sts', 'get-caller-identity', '--endpoint-url', emu.url, '--output', 'json'],
          {
            cwd: ROOT,
            env: childEnv,
            stdio: ['ignore', 'pipe', 'pipe'],
          },
        );
        let stdout = '';
        let stderr = '';
        child.stdout.setEncoding('utf8').on('data', (c: string) => {
          stdout += c;
        });
        child.stderr.setEncoding('utf8').on('data', (c: string) => {
          stderr += c;
        });
        child.on('error', reject);
        child.on('close', (code) => resolve({ code, stdout, stderr }));
      },
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const who = JSON.parse(result.stdout) as { Arn: string };
    expect(who.Arn).toMatch(/:assumed-role\/analytics-identity-bearer\//);
  });

  it('the user pressing Cancel at the IdP: login exits 4 and the page says the sign-in failed', async () => {
    // A new browser session: the IdP would otherwise sign alice in again without a page.
    await browser.clearCookies();
    const { url, exit } = await startLogin('cancel');
    const page = await browser.newPage();
    await page.goto(url);
    await page.click('#cancel');
    await page.waitForSelector('#outcome');
    expect(await page.textContent('#outcome')).toBe('Sign-in failed');
    const { code, stderr } = await exit;
    expect(code).toBe(4);
    expect(stderr).toContain('ERR_SIGN_IN_FAILED');
    expect(stderr).toContain('access_denied');
    await page.close();
  });

  it('IAM Identity Center sign-in: RegisterClient, the /authorize page, CreateToken', async () => {
    const { url, exit } = await startLogin('idc');
    expect(new URL(url).pathname).toBe('/authorize');
    const page = await browser.newPage();
    await page.goto(url);
    await page.fill('#userName', 'bob');
    await page.click('#sign-in');
    await page.waitForSelector('#outcome');
    expect(await page.textContent('#outcome')).toBe('Signed in');
    expect((await exit).code).toBe(0);
    const { record } = await createTokenCache({ dir: env.TIP_SDK_CACHE_DIR as string }).read('idc');
    expect(record?.idc?.accessToken).toMatch(/^aoa/);
    expect(record?.client?.clientId).toBeDefined();
    await page.close();
  });
});
