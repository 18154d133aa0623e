/**
 * Primitive readers for config validation. Each takes the dotted path of the value it reads and throws a
 * TipError `ERR_EMULATOR_CONFIG` whose message and `details.path` name that path.
 */
import { createHash } from 'node:crypto';
import { TipError } from '../../errors.js';

/** Throws the config error for `path`. */
export function configError(path: string, problem: string): never {
  const subject = path === '' ? 'the configuration' : `\`${path}\``;
  throw new TipError('ERR_EMULATOR_CONFIG', `Emulator config: ${subject} ${problem}`, {
    details: { path, reason: problem.slice(0, 200) },
  });
}

/** A plain object (not null, not an array). */
export function obj(path: string, value: unknown, allowed?: readonly string[]): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    configError(path, 'must be an object.');
  const record = value as Record<string, unknown>;
  if (allowed) {
    for (const key of Object.keys(record)) {
      if (!allowed.includes(key)) {
        // A key that is not a plain name is shown quoted, so the message stays readable.
        const shown = /^[\w$-]+$/.test(key) ? key : JSON.stringify(key);
        configError(
          path === '' ? shown : `${path}.${shown}`,
          `is not a known setting (known: ${allowed.join(', ')}).`,
        );
      }
    }
  }
  return record;
}

/** An optional object (undefined passes through). */
export function optObj(
  path: string,
  value: unknown,
  allowed?: readonly string[],
): Record<string, unknown> | undefined {
  return value === undefined ? undefined : obj(path, value, allowed);
}

/** A string, optionally matching `pattern` and of bounded length. */
export function str(
  path: string,
  value: unknown,
  opts: { pattern?: RegExp; hint?: string; min?: number; max?: number } = {},
): string {
  if (typeof value !== 'string') configError(path, 'must be a string.');
  const min = opts.min ?? 1;
  const max = opts.max ?? 2048;
  if (value.length < min || value.length > max) configError(path, `must be ${min}..${max} characters long.`);
  if (opts.pattern && !opts.pattern.test(value))
    configError(path, `must be ${opts.hint ?? `like ${opts.pattern}`}.`);
  return value;
}

/** An optional string. */
export function optStr(path: string, value: unknown, opts?: Parameters<typeof str>[2]): string | undefined {
  return value === undefined ? undefined : str(path, value, opts);
}

/** An integer in `[min, max]`. */
export function int(path: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    configError(path, `must be an integer ${min}..${max}.`);
  }
  return value;
}

/** An optional integer with a default. */
export function optInt(path: string, value: unknown, min: number, max: number, fallback: number): number {
  return value === undefined ? fallback : int(path, value, min, max);
}

/** An optional boolean with a default. */
export function optBool(path: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') configError(path, 'must be true or false.');
  return value;
}

/** An array of at most `max` items, each read by `item`. */
export function arr<T>(
  path: string,
  value: unknown,
  item: (path: string, v: unknown, i: number) => T,
  max = 10_000,
): T[] {
  if (!Array.isArray(value)) configError(path, 'must be an array.');
  if (value.length > max) configError(path, `must have at most ${max} items.`);
  return value.map((v, i) => item(`${path}[${i}]`, v, i));
}

/** An optional array with a default of `[]`. */
export function optArr<T>(
  path: string,
  value: unknown,
  item: (path: string, v: unknown, i: number) => T,
  max?: number,
): T[] {
  return value === undefined ? [] : arr(path, value, item, max);
}

/** A list of strings. */
export function strList(
  path: string,
  value: unknown,
  opts?: Parameters<typeof str>[2],
  max?: number,
): string[] {
  return arr(path, value, (p, v) => str(p, v, opts), max);
}

/** A `string -> string` map. */
export function strMap(path: string, value: unknown): Record<string, string> {
  if (value === undefined) return {};
  const record = obj(path, value);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(record)) {
    if (k === '__proto__') configError(`${path}.${k}`, 'is not an allowed key.');
    out[k] = str(`${path}.${k}`, v, { min: 0, max: 65_536 });
  }
  return out;
}

/** Throws when two items share a key. */
export function unique<T>(path: string, items: readonly T[], key: (item: T) => string, what: string): void {
  const seen = new Map<string, number>();
  items.forEach((item, i) => {
    const k = key(item);
    const first = seen.get(k);
    if (first !== undefined)
      configError(`${path}[${i}]`, `repeats the ${what} ${JSON.stringify(k)} of ${path}[${first}].`);
    seen.set(k, i);
  });
}

/** Hex digest of `sha256(text)`: the seed of every derived id, so runs are reproducible. */
export function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** A UUID-shaped id derived from `seed`. */
export function derivedUuid(seed: string): string {
  const h = digest(seed);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Deep-freezes a value. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
