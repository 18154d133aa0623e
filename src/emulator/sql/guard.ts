import { SqlError } from './errors.js';
import { skipComment } from './scan.js';

/**
 * Statement kinds a propagated user may run. Everything else is refused before it reaches Postgres:
 * `SET`/`RESET` (would change the role: Postgres checks `SET ROLE` against the *session* user, which is
 * the superuser), `DO`/`CALL`/`EXECUTE`/`PREPARE` (run code the text check cannot see), transaction
 * control (would end the transaction that holds `SET LOCAL ROLE`), `COPY`, `LOAD`, `LISTEN`, `DISCARD`.
 */
const ALLOWED_FIRST: ReadonlySet<string> = new Set([
  'select',
  'with',
  'values',
  'table',
  'insert',
  'update',
  'delete',
  'merge',
  'show',
  'explain',
  'create',
  'drop',
  'alter',
  'grant',
  'revoke',
  'truncate',
  'comment',
]);

/** Leading keywords (lower case) a propagated user's statement may start with; see {@link ALLOWED_FIRST}. */
export const USER_STATEMENT_KEYWORDS: ReadonlySet<string> = ALLOWED_FIRST;

/** Statement keywords Postgres knows that are refused (42501); any other unknown word is a syntax error (42601). */
const KNOWN_REFUSED = new Set(
  (
    'set reset do call execute prepare deallocate begin start commit end rollback abort savepoint release copy ' +
    'load listen notify unlisten discard lock vacuum analyze cluster reindex checkpoint security import refresh ' +
    'reassign fetch move close declare'
  ).split(' '),
);

/** Objects a propagated user may `CREATE`/`ALTER`/`DROP` (no functions, triggers, rules, roles, languages). */
const ALLOWED_OBJECTS = new Set(['table', 'view', 'schema', 'index', 'sequence', 'materialized']);

/** Modifiers that may sit between `CREATE` and the object kind. */
const CREATE_MODIFIERS = new Set([
  'or',
  'replace',
  'temp',
  'temporary',
  'unlogged',
  'local',
  'global',
  'unique',
]);

/** Longest user statement accepted, characters. */
export const MAX_USER_SQL_LENGTH = 262_144;

/**
 * Refuses a user statement the engine must not run under a propagated role (see {@link ALLOWED_FIRST}).
 * Only the leading keywords are inspected; Postgres itself refuses several statements in one query
 * because user SQL goes through the extended protocol (one Parse message = one statement).
 *
 * @throws SqlError `42501` for a refused statement kind, `42601` for empty or oversized text.
 */
export function assertUserStatementAllowed(sql: string): void {
  if (sql.length > MAX_USER_SQL_LENGTH) {
    throw new SqlError('54000', `The query is longer than ${MAX_USER_SQL_LENGTH} characters.`);
  }
  const words = leadingWords(sql, 6);
  const first = words[0];
  if (first === undefined) throw new SqlError('42601', 'The query is empty.');
  if (!ALLOWED_FIRST.has(first)) {
    if (!/^[a-z_]/.test(first) || !KNOWN_REFUSED.has(first)) {
      throw new SqlError('42601', `syntax error at or near "${first.slice(0, 32)}"`);
    }
    throw refused(first);
  }
  if (first === 'create' || first === 'alter' || first === 'drop') {
    const kind = words.slice(1).find((w) => !(first === 'create' && CREATE_MODIFIERS.has(w)));
    if (kind === undefined || !ALLOWED_OBJECTS.has(kind)) throw refused(`${first} ${kind ?? ''}`.trim());
  }
}

function refused(what: string): SqlError {
  return new SqlError(
    '42501',
    `${what.toUpperCase()} statements are not permitted in queries run for a propagated user.`,
  );
}

/**
 * The first `count` keywords of `sql`, lower case, skipping whitespace, `--` and nested block comments
 * and opening parentheses (`(SELECT 1)` is a SELECT).
 */
export function leadingWords(sql: string, count: number): string[] {
  const words: string[] = [];
  let pos = 0;
  while (pos < sql.length && words.length < count) {
    const ch = sql[pos]!;
    const afterComment = skipComment(sql, pos);
    if (afterComment !== undefined) {
      pos = afterComment;
    } else if (/\s/.test(ch) || ch === '(') {
      pos++;
    } else {
      const match = /^[A-Za-z_][A-Za-z0-9_$]*/.exec(sql.slice(pos, pos + 64));
      if (!match) {
        // A quoted identifier, symbol or digit: not a keyword; stop here so the caller sees what it has.
        words.push(ch);
        break;
      }
      words.push(match[0].toLowerCase());
      pos += match[0].length;
    }
  }
  return words;
}
