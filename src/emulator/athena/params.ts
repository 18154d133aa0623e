import { invalidRequest } from './errors.js';

/** Most execution parameters Athena accepts. */
export const MAX_EXECUTION_PARAMETERS = 1000;

/** `awsdatacatalog.` (optionally quoted), the catalog prefix of fully qualified Athena names. */
const CATALOG_PREFIX = /"?awsdatacatalog"?\s*\.\s*/iy;

/**
 * Rewrites Athena SQL for the engine: positional `?` placeholders become Postgres `$1…$n`, and the catalog
 * prefix `awsdatacatalog.` of fully qualified names is dropped (databases are schemas). String literals,
 * quoted identifiers and comments are left alone. Returns the rewritten SQL and the number of placeholders.
 */
export function rewritePlaceholders(sql: string): { sql: string; count: number } {
  let out = '';
  let count = 0;
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i]!;
    CATALOG_PREFIX.lastIndex = i;
    if (
      (ch === '"' || ch === 'a' || ch === 'A') &&
      !/[\w$]/.test(sql[i - 1] ?? '') &&
      CATALOG_PREFIX.test(sql)
    ) {
      i = CATALOG_PREFIX.lastIndex;
    } else if (ch === "'" || ch === '"') {
      let j = i + 1;
      while (j < sql.length) {
        if (sql[j] === ch) {
          if (sql[j + 1] === ch) j += 2;
          else break;
        } else j++;
      }
      out += sql.slice(i, j + 1);
      i = j + 1;
    } else if (sql.startsWith('--', i)) {
      const end = sql.indexOf('\n', i);
      const stop = end === -1 ? sql.length : end;
      out += sql.slice(i, stop);
      i = stop;
    } else if (sql.startsWith('/*', i)) {
      const end = sql.indexOf('*/', i + 2);
      const stop = end === -1 ? sql.length : end + 2;
      out += sql.slice(i, stop);
      i = stop;
    } else if (ch === '?') {
      count++;
      // `?1` must not become `$11`: keep a following digit apart.
      out += /\d/.test(sql[i + 1] ?? '') ? `$${count}/**/` : `$${count}`;
      i++;
    } else {
      out += ch;
      i++;
    }
  }
  return { sql: out, count };
}

/**
 * Athena execution parameters are SQL literals (`'eu'`, `42`, `true`); a quoted literal becomes its
 * string, anything else is passed as text for Postgres to type. `NULL` (any case) is null.
 */
export function decodeExecutionParameter(text: string): string | null {
  const t = text.trim();
  if (/^null$/i.test(t)) return null;
  if (t.length >= 2 && t.startsWith("'") && t.endsWith("'")) return t.slice(1, -1).replaceAll("''", "'");
  return t;
}

/** Validates `ExecutionParameters` against the placeholders of the query. */
export function executionParameters(value: unknown, placeholders: number): (string | null)[] {
  if (value === undefined) {
    if (placeholders > 0) {
      throw invalidRequest(
        `The query has ${placeholders} parameter placeholder(s) but no ExecutionParameters.`,
      );
    }
    return [];
  }
  if (
    !Array.isArray(value) ||
    value.some((v) => typeof v !== 'string' || v.length === 0 || v.length > 1024)
  ) {
    throw invalidRequest('ExecutionParameters must be a list of 1..1024-character strings.');
  }
  if (value.length > MAX_EXECUTION_PARAMETERS) throw invalidRequest('Too many ExecutionParameters.');
  if (value.length !== placeholders) {
    throw invalidRequest(
      `The query has ${placeholders} parameter placeholder(s) but ${value.length} ExecutionParameters were given.`,
    );
  }
  return (value as string[]).map(decodeExecutionParameter);
}
