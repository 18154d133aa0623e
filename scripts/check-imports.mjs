// Installs the packed tarball into a scratch project and imports every subpath from ESM and CJS.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const [tarball, dir] = process.argv.slice(2);
if (!tarball || !dir) throw new Error('usage: check-imports.mjs <tarball> <dir>');
const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const subpaths = Object.keys(pkg.exports).filter((s) => s !== './package.json');
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
// Peer-like dependencies come from this project's node_modules through NODE_PATH-free symlinks: install
// the tarball with its own dependencies, offline from the local cache where possible.
// Optional peer dependencies are installed at the versions this project tests with, as a user would.
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8'));
const peers = Object.keys(pkg.peerDependencies ?? {}).map(
  (name) => `${name}@${lock.packages[`node_modules/${name}`]?.version ?? pkg.peerDependencies[name]}`,
);
execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', resolve(tarball), ...peers], {
  cwd: dir,
  stdio: 'inherit',
});
let failures = 0;
for (const sub of subpaths) {
  const spec = sub === '.' ? pkg.name : `${pkg.name}/${sub.slice(2)}`;
  const esm = `import * as m from '${spec}'; if (Object.keys(m).length === 0) throw new Error('empty'); console.log('esm ${spec}:', Object.keys(m).length, 'exports');`;
  const cjs = `const m = require('${spec}'); if (Object.keys(m).length === 0) throw new Error('empty'); console.log('cjs ${spec}:', Object.keys(m).length, 'exports');`;
  for (const [kind, code] of [
    ['esm', ['--input-type=module', '-e', esm]],
    ['cjs', ['--input-type=commonjs', '-e', cjs]],
  ]) {
    try {
      execFileSync('node', code, { cwd: dir, stdio: 'inherit' });
    } catch {
      failures++;
      console.error(`import failed: ${kind} ${spec}`);
    }
  }
}
// The error type guard must work across the ESM and CJS copies.
execFileSync(
  'node',
  [
    '--input-type=module',
    '-e',
    `import { createRequire } from 'node:module'; import { TipError } from '${pkg.name}';
     const { isTipError } = createRequire(import.meta.url)('${pkg.name}');
     if (!isTipError(new TipError('ERR_TIMEOUT', 'x'), 'ERR_TIMEOUT')) throw new Error('dual-package guard failed');
     console.log('isTipError works across ESM and CJS copies');`,
  ],
  { cwd: dir, stdio: 'inherit' },
);
if (failures > 0) process.exit(1);
