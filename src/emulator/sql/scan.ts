/**
 * A minimal SQL scanner: tells code apart from string literals, quoted identifiers, dollar-quoted strings
 * and comments, so rewrites (parameter placeholders, schema names) touch only code and the statement
 * guard reads only keywords.
 */

/** Index just past a quoted section starting at `start` with `quote` (a doubled quote escapes it). */
function skipQuoted(sql: string, start: number, quote: string): number {
  let pos = start + 1;
  while (pos < sql.length) {
    if (sql[pos] === quote) {
      if (sql[pos + 1] === quote) pos += 2;
      else return pos + 1;
    } else pos++;
  }
  return sql.length;
}

/** Index just past a (nested) block comment starting at `start`. */
function skipBlockComment(sql: string, start: number): number {
  let depth = 0;
  let pos = start;
  while (pos < sql.length) {
    if (sql.startsWith('/*', pos)) {
      depth++;
      pos += 2;
    } else if (sql.startsWith('*/', pos)) {
      depth--;
      pos += 2;
      if (depth === 0) return pos;
    } else pos++;
  }
  return sql.length;
}

/** When a `--` or (nested) block comment starts at `pos`, the index just past it; otherwise undefined. */
export function skipComment(sql: string, pos: number): number | undefined {
  if (sql.startsWith('--', pos)) {
    const newline = sql.indexOf('\n', pos);
    return newline === -1 ? sql.length : newline + 1;
  }
  if (sql.startsWith('/*', pos)) return skipBlockComment(sql, pos);
  return undefined;
}

/**
 * When a non-code section (string literal, quoted identifier, dollar-quoted string, comment) starts at
 * `pos`, the index just past it; otherwise undefined.
 */
export function skipNonCode(sql: string, pos: number): number | undefined {
  const ch = sql[pos];
  if (ch === "'" || ch === '"') return skipQuoted(sql, pos, ch);
  const comment = skipComment(sql, pos);
  if (comment !== undefined) return comment;
  if (ch === '$') {
    const tag = /^\$[A-Za-z_]?[A-Za-z0-9_]*\$/.exec(sql.slice(pos, pos + 64));
    if (tag) {
      const close = sql.indexOf(tag[0], pos + tag[0].length);
      return close === -1 ? sql.length : close + tag[0].length;
    }
  }
  return undefined;
}
