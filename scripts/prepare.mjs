#!/usr/bin/env node
// npm's `prepare` hook. npm packs a git dependency (`npm install git+https://…`) from a fresh clone, which
// has no dist/: build it there, so the installed package has its code and its `tip-sdk` bin. In this
// repository's own checkout (`npm ci` or `npm install` run here, INIT_CWD being the package itself)
// nothing is built: tests, the demo and the examples run from src/, and `npm pack` / `npm publish` build
// through `prepack`.
import { execFileSync } from 'node:child_process';
import { realpathSync } from 'node:fs';

const real = (path) => {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
};
if (process.env.INIT_CWD !== undefined && real(process.env.INIT_CWD) === real(process.cwd())) process.exit(0);
const npm = process.env.npm_execpath;
execFileSync(npm ? process.execPath : 'npm', [...(npm ? [npm] : []), 'run', 'build'], { stdio: 'inherit' });
