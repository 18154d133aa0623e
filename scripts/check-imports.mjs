// Installs the packed tarball into scratch projects, as a user would, and checks it works there:
//  1. with the documented optional peers (docs/getting-started.md): every subpath imports from ESM and
//     CJS, isTipError works across the two copies, the `tip-sdk` bin answers --help (and --version when
//     it offers one), and the getting-started flow runs against the emulator from an ESM and a CJS file;
//  2. with no optional peer at all: every subpath still imports, and using a feature whose peer is
//     missing fails with TipError ERR_MISSING_DEPENDENCY, from ESM and CJS.
// usage: check-imports.mjs <tarball> <scratch dir>
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const [tarball, dir] = process.argv.slice(2);
if (!tarball || !dir) throw new Error('usage: check-imports.mjs <tarball> <dir>');
const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8'));
const subpaths = Object.keys(pkg.exports).filter((s) => s !== './package.json');
const specOf = (sub) => (sub === '.' ? pkg.name : `${pkg.name}/${sub.slice(2)}`);

let failures = 0;
const fail = (what) => {
  failures++;
  console.error(`FAILED: ${what}`);
};
const node = (cwd, args) => execFileSync('node', args, { cwd, encoding: 'utf8', stdio: 'pipe' });
const nodeOk = (cwd, args, what) => {
  try {
    const out = node(cwd, args);
    if (out.trim()) console.log(out.trim());
    return out;
  } catch (error) {
    fail(`${what}\n${error.stderr || error.message}`);
    return undefined;
  }
};

function consumer(name, dependencies) {
  const cwd = join(dir, name);
  mkdirSync(cwd, { recursive: true });
  writeFileSync(join(cwd, 'package.json'), JSON.stringify({ name: `consumer-${name}`, private: true }));
  execFileSync(
    'npm',
    ['install', '--no-audit', '--no-fund', '--prefer-offline', resolve(tarball), ...dependencies],
    {
      cwd,
      stdio: 'inherit',
    },
  );
  return cwd;
}

const importCode = (kind, spec) =>
  kind === 'esm'
    ? [
        '--input-type=module',
        '-e',
        `const m = await import('${spec}'); if (Object.keys(m).length === 0) throw new Error('empty'); console.log('esm ${spec}:', Object.keys(m).length, 'exports');`,
      ]
    : [
        '--input-type=commonjs',
        '-e',
        `const m = require('${spec}'); if (Object.keys(m).length === 0) throw new Error('empty'); console.log('cjs ${spec}:', Object.keys(m).length, 'exports');`,
      ];

// 1. With the documented peers, at the versions this project tests with.
const peers = Object.keys(pkg.peerDependencies ?? {}).map(
  (name) => `${name}@${lock.packages[`node_modules/${name}`]?.version ?? pkg.peerDependencies[name]}`,
);
const full = consumer('with-peers', peers);
for (const sub of subpaths) {
  for (const kind of ['esm', 'cjs'])
    nodeOk(full, importCode(kind, specOf(sub)), `import (${kind}) ${specOf(sub)}`);
}
nodeOk(
  full,
  [
    '--input-type=module',
    '-e',
    `import { createRequire } from 'node:module'; import { TipError } from '${pkg.name}';
     const { isTipError } = createRequire(import.meta.url)('${pkg.name}');
     if (!isTipError(new TipError('ERR_TIMEOUT', 'x'), 'ERR_TIMEOUT')) throw new Error('dual-package guard failed');
     console.log('isTipError works across ESM and CJS copies');`,
  ],
  'isTipError across the ESM and CJS copies',
);
const bin = join(full, 'node_modules', '.bin', 'tip-sdk');
const help = nodeOk(full, [bin, '--help'], 'tip-sdk --help');
if (help !== undefined && !/Usage: tip-sdk/.test(help)) fail('tip-sdk --help prints no usage');
if (help?.includes('--version')) {
  const version = nodeOk(full, [bin, '--version'], 'tip-sdk --version');
  if (version !== undefined && !version.includes(pkg.version))
    fail(`tip-sdk --version does not print ${pkg.version}`);
}
const flows = new URL('./consumer/', import.meta.url);
for (const file of readdirSync(flows)) copyFileSync(new URL(file, flows), join(full, file));
for (const file of ['getting-started.mjs', 'getting-started.cjs'])
  nodeOk(full, [file], `getting-started flow (${file})`);

// 2. With no optional peer installed.
const bare = consumer('no-peers', []);
for (const sub of subpaths) {
  for (const kind of ['esm', 'cjs']) {
    try {
      console.log(node(bare, importCode(kind, specOf(sub))).trim());
    } catch (error) {
      fail(`import (${kind}) ${specOf(sub)} without optional peers\n${error.stderr || error.message}`);
    }
  }
}
const use = `const { athena } = M; const h = athena({ credentials: async () => ({}), region: 'us-east-1' });
  let seen; try { h.client(); } catch (e) { seen = e; }
  if (seen?.code !== 'ERR_MISSING_DEPENDENCY' || seen.details.package !== '@aws-sdk/client-athena') throw seen ?? new Error('no error');
  console.log(KIND + ': a missing peer is ' + seen.code + ' (' + seen.details.install + ')');`;
nodeOk(
  bare,
  ['--input-type=module', '-e', `const M = await import('${pkg.name}/athena'); const KIND = 'esm'; ${use}`],
  'ERR_MISSING_DEPENDENCY (esm)',
);
nodeOk(
  bare,
  ['--input-type=commonjs', '-e', `const M = require('${pkg.name}/athena'); const KIND = 'cjs'; ${use}`],
  'ERR_MISSING_DEPENDENCY (cjs)',
);
try {
  node(bare, [join(bare, 'node_modules', '.bin', 'tip-sdk'), '--help']);
  console.log('tip-sdk --help works without optional peers');
} catch (error) {
  fail(`tip-sdk --help without optional peers\n${error.stderr || error.message}`);
}

if (failures > 0) {
  console.error(`check-imports: ${failures} failure(s)`);
  process.exit(1);
}
console.log('check-imports: the installed package works with and without its optional peers');
