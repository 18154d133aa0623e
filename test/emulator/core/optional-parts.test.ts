import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const run = promisify(execFile);

describe('the emulator without its optional parts installed', () => {
  it('imports, runs the CLI and a core emulator; SQL and the IdP say which package to install', async () => {
    const { stdout } = await run(
      process.execPath,
      [
        '--import',
        'tsx',
        '--import',
        './test/emulator/core/helpers/hide-packages.mjs',
        'test/emulator/core/helpers/without-optional-parts.ts',
      ],
      { cwd: root, env: { ...process.env, TIP_HIDE_PACKAGES: '@electric-sql/pglite,oidc-provider' } },
    );
    const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
    expect(result).toMatchObject({
      imported: true,
      help: 0,
      helpText: true,
      core: '123456789012',
      sql: { code: 'ERR_MISSING_DEPENDENCY', package: '@electric-sql/pglite' },
      idp: { code: 'ERR_MISSING_DEPENDENCY', package: 'oidc-provider' },
    });
    expect((result.sql as { message: string }).message).toContain('npm install @electric-sql/pglite');
    expect((result.idp as { message: string }).message).toContain('npm install oidc-provider');
  });
});
