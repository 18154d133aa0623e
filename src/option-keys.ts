/**
 * Unknown option keys: every options object of tip-sdk is checked against the keys its type declares, at
 * construction, so a misspelt option (`useRefreshToken`, `timeout`) is refused with a suggestion instead
 * of being ignored. The key lists are written as {@link OptionKeyList} literals, which the compiler checks
 * complete and exact against the options type, so a list cannot drift from its interface.
 *
 * @module
 */
import { optionError } from './errors.js';

/** Every key of the options type `T`, each mapped to `true`: the compiler refuses a missing or extra key. */
export type OptionKeyList<T> = { readonly [K in keyof Required<T>]-?: true };

/** The known keys of one options object, with its nested options objects (for "did you mean" hints). */
export interface OptionShape {
  /** The function or object the options belong to, for the message, e.g. `createTrustedIdentity`. */
  readonly owner: string;
  /** The keys it accepts. */
  readonly keys: ReadonlySet<string>;
  /** Nested options objects by key, so a key put at the wrong level is pointed to its place. */
  readonly nested?: Readonly<Record<string, ReadonlySet<string>>>;
}

/**
 * The key set of an options type, from a literal the compiler checks against it.
 *
 * @example
 * ```ts
 * const KEYS = optionKeys<CacheOptions>({ maxUsers: true, store: true });
 * ```
 */
export function optionKeys<T>(list: OptionKeyList<T>): ReadonlySet<string> {
  return new Set(Object.keys(list));
}

/** Damerau–Levenshtein distance (optimal string alignment), case-insensitive. */
function distance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  const rows: number[][] = [];
  for (let i = 0; i <= s.length; i += 1) {
    const row: number[] = [i];
    for (let j = 1; j <= t.length; j += 1) {
      if (i === 0) {
        row.push(j);
        continue;
      }
      const prev = rows[i - 1]!;
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let best = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) {
        best = Math.min(best, rows[i - 2]![j - 2]! + 1);
      }
      row.push(best);
    }
    rows.push(row);
  }
  return rows[s.length]![t.length]!;
}

/**
 * The known key closest to `key`: a key of a nested object named exactly (`maxUsers` → `cache.maxUsers`),
 * else the nearest key within a small edit distance (`timeout` → `timeouts`), else `undefined`.
 */
export function suggestOption(key: string, shape: Omit<OptionShape, 'owner'>): string | undefined {
  for (const [parent, keys] of Object.entries(shape.nested ?? {})) {
    if (keys.has(key)) return `${parent}.${key}`;
  }
  const limit = key.length <= 4 ? 1 : key.length <= 8 ? 2 : 3;
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const known of shape.keys) {
    const d = distance(key, known);
    if (d < bestDistance) {
      best = known;
      bestDistance = d;
    }
  }
  return best;
}

/**
 * Refuses the first own key of `value` that `shape` does not declare (keys set to `undefined` change
 * nothing and pass), with a `TypeError` (code `ERR_INVALID_OPTION`) naming the key and the nearest known
 * one. Symbol keys (such as the mark of `allowInsecureRequests`) are not options and pass.
 *
 * @param value - The options object; anything else passes (the caller's own type check reports it).
 * @param shape - What it may hold.
 * @param path - Where `value` sits in the caller's options, e.g. `cache` or `issuers[0]`; none at the top.
 * @throws TypeError with `code` `ERR_INVALID_OPTION`.
 */
export function rejectUnknownOptions(value: unknown, shape: OptionShape, path?: string): void {
  // Not an object: the caller's own type check reports it.
  if (typeof value !== 'object' || value === null) return;
  for (const key of Object.keys(value)) {
    if (shape.keys.has(key) || (value as Record<string, unknown>)[key] === undefined) continue;
    const where = path === undefined ? key : `${path}.${key}`;
    const suggestion = suggestOption(key, shape);
    const near =
      suggestion === undefined
        ? ` (it accepts ${[...shape.keys].map((k) => `\`${k}\``).join(', ')})`
        : `: did you mean \`${path === undefined ? suggestion : `${path}.${suggestion}`}\`?`;
    throw optionError(where, `is not an option of ${shape.owner}${near}`);
  }
}
