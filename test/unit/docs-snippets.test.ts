import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Classes every JavaScript runtime has, which a snippet may construct without importing. */
const GLOBALS = new Set([
  'AbortController',
  'Array',
  'Date',
  'Error',
  'Headers',
  'Map',
  'Promise',
  'Request',
  'Response',
  'Set',
  'TextDecoder',
  'TextEncoder',
  'TypeError',
  'URL',
  'Uint8Array',
  'WeakMap',
]);

/** The names a snippet imports or declares itself. */
function declaredIn(code: string): Set<string> {
  const names = new Set<string>();
  for (const m of code.matchAll(
    /import\s+(?:type\s+)?(\w+)?\s*,?\s*(?:\{([^}]*)\})?\s*(?:\*\s+as\s+(\w+))?\s*from/g,
  )) {
    if (m[1]) names.add(m[1]);
    if (m[3]) names.add(m[3]);
    for (const part of (m[2] ?? '').split(',')) {
      const name = part
        .replace(/\btype\s+/, '')
        .split(/\s+as\s+/)
        .pop()
        ?.trim();
      if (name) names.add(name);
    }
  }
  for (const m of code.matchAll(/\b(?:class|const|let|function|interface)\s+(\w+)/g)) names.add(m[1]!);
  return names;
}

describe('documentation snippets', () => {
  const pages = [
    'README.md',
    ...readdirSync(join(root, 'docs'))
      .filter((f) => f.endsWith('.md'))
      .map((f) => `docs/${f}`),
  ];

  it('import every class they construct', () => {
    const missing: string[] = [];
    for (const page of pages) {
      const text = readFileSync(join(root, page), 'utf8');
      for (const block of text.matchAll(/```(?:ts|js|typescript|javascript)\n([\s\S]*?)```/g)) {
        const declared = declaredIn(block[1]!);
        for (const m of block[1]!.matchAll(/\bnew\s+([A-Z]\w*)\s*\(/g)) {
          if (!declared.has(m[1]!) && !GLOBALS.has(m[1]!)) {
            const line = text.slice(0, block.index).split('\n').length;
            missing.push(`${page}:${line} ${m[1]}`);
          }
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it('define every identifier the discoverFromWorkGroup example passes to the SDK', () => {
    const athena = readFileSync(join(root, 'docs/athena.md'), 'utf8');
    const block = [...athena.matchAll(/```ts\n([\s\S]*?)```/g)]
      .map((m) => m[1]!)
      .find((b) => b.includes('discoverFromWorkGroup({'));
    expect(block).toBeDefined();
    const declared = declaredIn(block!);
    for (const name of ['InstanceArn', 'region', 'issuers']) expect(declared.has(name), name).toBe(true);
  });
});
