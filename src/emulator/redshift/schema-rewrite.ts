/**
 * Redshift schemas of one database live as internal schemas of the shared SQL engine. Unqualified names
 * resolve through the search path; a qualified name `<schema>.<table>` whose schema is one of the
 * database's Redshift schemas is rewritten to the internal schema, outside literals and comments.
 */
import { skipNonCode } from '../sql/scan.js';

const IDENT_START = /[A-Za-z_]/;
const IDENT_PART = /[A-Za-z0-9_$]/;

function quote(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Whether the next non-blank character at or after `pos` is a dot. */
function dotFollows(sql: string, pos: number): boolean {
  let k = pos;
  while (k < sql.length && /\s/.test(sql[k] as string)) k++;
  return sql[k] === '.';
}

/**
 * Rewrites schema qualifiers. `schemas` maps Redshift schema names (lower case) to internal schema names.
 * A name preceded by a dot (`db.schema.table`, `alias.column`) is left alone.
 */
export function rewriteSchemas(sql: string, schemas: ReadonlyMap<string, string>): string {
  let out = '';
  let pos = 0;
  let previous = '';
  while (pos < sql.length) {
    const ch = sql[pos] as string;
    if (ch === '"') {
      const end = skipNonCode(sql, pos) ?? sql.length;
      const name = sql.slice(pos + 1, end - 1).replaceAll('""', '"');
      const internal = schemas.get(name);
      out +=
        internal !== undefined && previous !== '.' && dotFollows(sql, end)
          ? quote(internal)
          : sql.slice(pos, end);
      previous = '"';
      pos = end;
      continue;
    }
    const skipped = skipNonCode(sql, pos);
    if (skipped !== undefined) {
      out += sql.slice(pos, skipped);
      previous = ' ';
      pos = skipped;
      continue;
    }
    if (IDENT_START.test(ch) && !IDENT_PART.test(previous)) {
      let end = pos + 1;
      while (end < sql.length && IDENT_PART.test(sql[end] as string)) end++;
      const word = sql.slice(pos, end);
      const internal = schemas.get(word.toLowerCase());
      out += internal !== undefined && previous !== '.' && dotFollows(sql, end) ? quote(internal) : word;
      previous = word.at(-1) as string;
      pos = end;
      continue;
    }
    out += ch;
    if (!/\s/.test(ch)) previous = ch;
    else if (previous !== '.') previous = ' ';
    pos++;
  }
  return out;
}
