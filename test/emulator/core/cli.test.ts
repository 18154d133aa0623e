import { spawn } from 'node:child_process';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandIo } from '../../../src/cli/emulator-command.js';
import { runCli } from '../../../src/cli/index.js';
import { CLI_BUNDLE } from '../../support/cli-bundle.js';
import { baseConfig } from './helpers/config.js';

let dir: string;
let configPath: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tip-cli-'));
  configPath = join(dir, 'emulator.json');
  await writeFile(configPath, JSON.stringify(baseConfig()));
  await writeFile(join(dir, 'bad.json'), JSON.stringify({ ...baseConfig(), accountId: 'nope' }));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function fakeIo() {
  let out = '';
  let err = '';
  let handler: ((signal: string) => void) | undefined;
  const io: CommandIo = {
    stdout: (t) => {
      out += t;
    },
    stderr: (t) => {
      err += t;
    },
    onSignal: (h) => {
      handler = h;
      return () => {
        handler = undefined;
      };
    },
  };
  return {
    io,
    out: () => out,
    err: () => err,
    signal: (s: string) => handler?.(s),
    listening: () => handler !== undefined,
  };
}

describe('tip-sdk CLI', () => {
  it.each([
    [['emulator'], /--config FILE is required/],
    [['emulator', '--config', 'x.json', '--port', 'abc'], /--port must be an integer/],
    [['emulator', '--config'], /argument missing|requires|--config/],
    [['emulator', '--bogus'], /Unknown option/],
    [['launch'], /unknown command "launch"/],
  ])('refuses %j with exit code 2', async (argv, message) => {
    const f = fakeIo();
    expect(await runCli(argv, f.io)).toBe(2);
    expect(f.err()).toMatch(message);
  });

  it('reports an invalid config by path', async () => {
    const f = fakeIo();
    expect(await runCli(['emulator', '--config', join(dir, 'bad.json'), '--quiet'], f.io)).toBe(2);
    expect(f.err()).toContain('`accountId`');
  });

  it('starts, prints a working env block, and stops on a signal', async () => {
    const f = fakeIo();
    const done = runCli(['emulator', '--config', configPath, '--port', '0', '--quiet'], f.io);
    while (!f.listening()) await new Promise((r) => setTimeout(r, 20));
    const env = Object.fromEntries([...f.out().matchAll(/^export (\w+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]));
    expect(env.AWS_ENDPOINT_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(env.TIP_IDP_ISSUER).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(env.TIP_ACCESS_ROLE_ARN).toBe('arn:aws:iam::123456789012:role/analytics-identity-bearer');
    // botocore and the AWS CLI read AWS_DEFAULT_REGION; a token must carry the application's audience.
    expect(env.AWS_DEFAULT_REGION).toBe('us-east-1');
    expect(env.TIP_AUDIENCE).toBe('tip-sdk-demo');
    const sts = new STSClient({
      region: env.AWS_REGION!,
      endpoint: env.AWS_ENDPOINT_URL!,
      credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY! },
    });
    expect((await sts.send(new GetCallerIdentityCommand({}))).Account).toBe('123456789012');
    sts.destroy();
    f.signal('SIGINT');
    expect(await done).toBe(0);
    expect(f.err()).toContain('SIGINT received');
    await expect(fetch(env.AWS_ENDPOINT_URL!)).rejects.toThrow();
  });

  it('starts with --no-idp on a config whose issuer is the embedded IdP, and says what that means', async () => {
    const f = fakeIo();
    const done = runCli(['emulator', '--config', configPath, '--port', '0', '--no-idp', '--quiet'], f.io);
    while (!f.listening()) await new Promise((r) => setTimeout(r, 20));
    expect(f.out()).toContain(
      'IdP issuer   : (disabled: trusted token issuers naming "idp" accept no token)',
    );
    expect(f.out()).not.toContain('TIP_IDP_ISSUER');
    f.signal('SIGTERM');
    expect(await done).toBe(0);
  });

  it('runs when started through a symbolic link, as an npm bin link starts it', async () => {
    const root = new URL('../../..', import.meta.url).pathname;
    const link = join(dir, 'tip-sdk-link.ts');
    await symlink(resolve(root, 'src/cli/index.ts'), link);
    const child = spawn(process.execPath, ['--import', 'tsx', link, 'emulator', '--help'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    const code = await new Promise<number | null>((done) => child.on('close', (c) => done(c)));
    expect(code).toBe(0);
    expect(out).toContain('Usage: tip-sdk emulator --config FILE');
  });

  it('exits 0 on SIGTERM as a real process', async () => {
    const child = spawn(
      process.execPath,
      [CLI_BUNDLE, 'emulator', '--config', configPath, '--port', '0', '--quiet'],
      {
        cwd: new URL('../../..', import.meta.url).pathname,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('Press Ctrl+C')) resolve();
      });
      child.on('exit', (code) => reject(new Error(`exited early with ${code}`)));
    });
    expect(out).toContain('AWS endpoint : http://127.0.0.1:');
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
  });
});
