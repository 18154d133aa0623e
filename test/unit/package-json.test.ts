import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/source-files.js';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  repository?: { type: string; url: string };
  homepage?: string;
  bugs?: { url: string };
  files: string[];
  scripts: Record<string, string>;
  bin: Record<string, string>;
};

describe('package.json', () => {
  it('names the repository, its home page and its issue tracker', () => {
    expect(pkg.repository).toEqual({ type: 'git', url: 'git+https://github.com/tip-sdk/tip-sdk.git' });
    expect(pkg.homepage).toBe('https://github.com/tip-sdk/tip-sdk#readme');
    expect(pkg.bugs).toEqual({ url: 'https://github.com/tip-sdk/tip-sdk/issues' });
  });

  it('builds dist/ whenever it is packed: npm pack and publish (prepack), git installs (prepare)', () => {
    expect(pkg.scripts.prepack).toBe('npm run build');
    expect(pkg.scripts.prepare).toBe('node scripts/prepare.mjs');
    expect(pkg.files).toContain('dist');
    expect(Object.values(pkg.bin).every((path) => path.startsWith('./dist/'))).toBe(true);
  });

  it('ships the example emulator configuration the guides tell users to copy', () => {
    expect(pkg.files).toContain('examples/emulator.config.json');
  });

  it('builds nothing in its own checkout (npm ci here runs prepare with INIT_CWD at the package)', async () => {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['scripts/prepare.mjs'], {
      cwd: ROOT,
      env: { ...process.env, INIT_CWD: ROOT, npm_execpath: '/nonexistent/npm-cli.js' },
    });
    expect(stdout + stderr).toBe('');
  });
});
