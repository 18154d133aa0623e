/**
 * Data API named parameters: `:name` placeholders in the SQL, values given as `Parameters[{name, value}]`.
 * They become positional `$n` placeholders with text values, which Postgres converts to the type the
 * context needs, as Redshift "implicitly converts to the proper data type". Placeholders inside string
 * literals, quoted identifiers, dollar-quoted strings and comments are left alone, and `::type` casts are
 * not placeholders.
 */

import { skipNonCode } from '../sql/scan.js';

/** A Data API parameter. */
export interface SqlParameter {
  readonly name: string;
  readonly value: string;
}

/** Outcome of {@link bindParameters}. */
export type BoundSql =
  | { readonly ok: true; readonly sql: string; readonly params: string[]; readonly used: ReadonlySet<string> }
  | { readonly ok: false; readonly message: string };

/** Parameter names: letters, digits and underscores, starting with a letter or underscore. */
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Validates the `Parameters` member of a request.
 *
 * @returns The parameters, or a message for a ValidationException.
 */
export function parseParameters(input: unknown): SqlParameter[] | string {
  if (input === undefined) return [];
  if (!Array.isArray(input)) return 'Parameters must be a list of {name, value}';
  if (input.length > 1000) return 'Parameters can hold at most 1000 parameters';
  const seen = new Set<string>();
  const out: SqlParameter[] = [];
  for (const item of input) {
    if (typeof item !== 'object' || item === null)
      return 'Each parameter must be an object with name and value';
    const { name, value } = item as Record<string, unknown>;
    if (typeof name !== 'string' || !NAME.test(name) || name.length > 256) {
      return 'A parameter name must start with a letter or underscore and hold only letters, digits and underscores';
    }
    if (typeof value !== 'string') return `The value of parameter ${name} must be a string`;
    if (seen.has(name)) return `Parameter ${name} is given more than once`;
    seen.add(name);
    out.push({ name, value });
  }
  return out;
}

/**
 * Replaces `:name` placeholders with `$n`, numbering each distinct name once.
 *
 * @returns The rewritten SQL, the positional values and the names used, or why it cannot be bound: a
 *   placeholder without a parameter. Unused parameters are the caller's to judge (a batch shares them).
 */
export function bindParameters(sql: string, parameters: readonly SqlParameter[]): BoundSql {
  const values = new Map(parameters.map((p) => [p.name, p.value]));
  const positions = new Map<string, number>();
  const params: string[] = [];
  let out = '';
  let pos = 0;
  while (pos < sql.length) {
    const ch = sql[pos] as string;
    let end = pos + 1;
    const skipped = skipNonCode(sql, pos);
    if (skipped !== undefined) end = skipped;
    else if (ch === ':') {
      if (sql[pos + 1] === ':') end = pos + 2;
      else {
        const match = /^:([A-Za-z_][A-Za-z0-9_]*)/.exec(sql.slice(pos, pos + 258));
        if (match) {
          const name = match[1] as string;
          const value = values.get(name);
          if (value === undefined) return { ok: false, message: `No value given for parameter :${name}` };
          let index = positions.get(name);
          if (index === undefined) {
            params.push(value);
            index = params.length;
            positions.set(name, index);
          }
          out += `$${index}`;
          pos += match[0].length;
          continue;
        }
      }
    }
    out += sql.slice(pos, end);
    pos = end;
  }
  return { ok: true, sql: out, params, used: new Set(positions.keys()) };
}
