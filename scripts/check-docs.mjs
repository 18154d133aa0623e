#!/usr/bin/env node
// Checks that the documentation keeps up with the code:
//  1. every code of TIP_ERROR_CODES (src/errors.ts) is documented in docs/errors.md;
//  2. every `tip-sdk/<subpath>` named in docs/README.md is an export of package.json;
//  3. every relative link in README.md and docs/*.md points to an existing file, and every `#anchor`
//     into a Markdown file names one of its headings;
//  4. README.md, which npm users read from the tarball and on the registry, links only to files the
//     package ships or to absolute URLs; links into this repository's GitHub tree are checked like
//     relative ones (file and heading exist);
//  5. every optional peer dependency is named in the install table of docs/getting-started.md.
// Exits 1 with one line per problem. Plain Node, no dependencies, so it runs before any build.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const problems = [];
const read = (path) => {
  if (existsSync(join(root, path))) return readFileSync(join(root, path), 'utf8');
  problems.push(`${path} is missing`);
  return '';
};

/** Markdown text with fenced code blocks blanked out (line count kept), so examples are not links. */
function withoutFences(text) {
  let inFence = false;
  return text
    .split('\n')
    .map((line) => {
      if (/^\s*(```|~~~)/.test(line)) {
        inFence = !inFence;
        return '';
      }
      return inFence ? '' : line;
    })
    .join('\n');
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to dashes, duplicates numbered. */
function anchorsOf(markdown) {
  const seen = new Map();
  const anchors = new Set();
  for (const line of withoutFences(markdown).split('\n')) {
    const m = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const text = m[1]
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/<[^>]+>/g, '')
      .toLowerCase();
    const base = text.replace(/[^\p{L}\p{N}\p{M} _-]/gu, '').replace(/ /g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

// 1. Error codes.
const errorsSource = read('src/errors.ts');
const block = /TIP_ERROR_CODES\s*=\s*\{([\s\S]*?)\}\s*as const/.exec(errorsSource);
if (!block) {
  problems.push('src/errors.ts: TIP_ERROR_CODES not found');
} else {
  const codes = [...block[1].matchAll(/^\s*(ERR_[A-Z0-9_]+)\s*:/gm)].map((m) => m[1]);
  if (codes.length === 0) problems.push('src/errors.ts: TIP_ERROR_CODES holds no codes');
  const errorsDoc = read('docs/errors.md');
  for (const code of codes) {
    // A table row or heading that names the code in backticks.
    if (!new RegExp(`^\\|\\s*\`${code}\``, 'm').test(errorsDoc)) {
      problems.push(`docs/errors.md: no table row for ${code}`);
    }
  }
}

// 2. Subpaths named in the index.
const pkg = JSON.parse(read('package.json'));
const exportsMap = pkg.exports ?? {};
const index = withoutFences(read('docs/README.md'));
for (const m of index.matchAll(/`tip-sdk(\/[a-z0-9-]+)?`/g)) {
  const subpath = m[1] === undefined ? '.' : `.${m[1]}`;
  if (!(subpath in exportsMap))
    problems.push(`docs/README.md: \`tip-sdk${m[1] ?? ''}\` is not in package.json exports`);
}

// 3. Relative links.
const pages = [
  'README.md',
  ...readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];
const repository = String(pkg.repository?.url ?? pkg.repository ?? '')
  .replace(/^git\+/, '')
  .replace(/\.git$/, '');
/** The local path of a link into this repository's GitHub tree (`…/blob/main/docs/x.md#a`), if it is one. */
const repositoryPath = (target) => {
  if (repository === '') return undefined;
  const m = new RegExp(`^${repository.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/(?:blob|tree)/main/(.*)$`).exec(
    target,
  );
  return m?.[1];
};
/** True when `path` (relative to the root) is in the tarball, going by the `files` of package.json. */
const shipped = (path) =>
  ['package.json', ...(pkg.files ?? [])].some((entry) => path === entry || path.startsWith(`${entry}/`));
const anchorCache = new Map();
const anchorsFor = (path) => {
  if (!anchorCache.has(path)) anchorCache.set(path, anchorsOf(readFileSync(path, 'utf8')));
  return anchorCache.get(path);
};
for (const page of pages) {
  const text = withoutFences(read(page)).replace(/`[^`\n]*`/g, '');
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    for (const m of line.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      const where = `${page}:${i + 1}`;
      const inRepository = repositoryPath(m[1]);
      const target = inRepository ?? m[1];
      if (inRepository === undefined && /^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // other URLs
      const [pathPart, anchor] = target.split('#');
      const file =
        inRepository !== undefined
          ? join(root, decodeURI(pathPart))
          : pathPart === ''
            ? join(root, page)
            : resolve(dirname(join(root, page)), decodeURI(pathPart));
      if (
        page === 'README.md' &&
        inRepository === undefined &&
        pathPart !== '' &&
        !shipped(relative(root, file))
      ) {
        problems.push(
          `${where}: link to ${target}: not in the package, so broken for npm users; link to ${repository}/blob/main/${relative(root, file)}`,
        );
      }
      if (!existsSync(file)) {
        problems.push(`${where}: link to ${target}: ${relative(root, file)} does not exist`);
        continue;
      }
      if (anchor !== undefined && file.endsWith('.md') && statSync(file).isFile()) {
        if (!anchorsFor(file).has(anchor))
          problems.push(`${where}: link to ${target}: no heading #${anchor}`);
      }
    }
  });
}

// 5. Optional peers in the install table.
const installTokens = read('docs/getting-started.md')
  .split('\n')
  .filter((line) => line.startsWith('|'))
  .flatMap((line) => line.split(/[\s`|(),]+/));
for (const [name, meta] of Object.entries(pkg.peerDependenciesMeta ?? {})) {
  const named = installTokens.some((t) => t === name || t.startsWith(`${name}@`));
  if (meta?.optional && !named)
    problems.push(`docs/getting-started.md: the install table does not name the optional peer ${name}`);
}

if (problems.length > 0) {
  for (const p of problems) console.error(`check-docs: ${p}`);
  console.error(`check-docs: ${problems.length} problem(s)`);
  process.exit(1);
}
console.log(`check-docs: ${pages.length} pages, links, subpaths and error codes OK`);
