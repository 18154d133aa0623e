/**
 * Statement kinds a propagated Redshift user may run: the SQL engine's list (which already refuses
 * anything that could change the role or end the transaction holding `SET LOCAL ROLE`), narrowed to what
 * the emulated Redshift offers such users. Checked for every statement of a batch before any runs, so a
 * refused statement never leaves earlier ones half done. Only the leading keywords are inspected; table
 * privileges and row-level security decide the rest.
 */
import { USER_STATEMENT_KEYWORDS, leadingWords } from '../sql/guard.js';

/** Keywords the engine accepts that a propagated Redshift user may not start a statement with. */
const NOT_FOR_REDSHIFT_USERS = new Set(['merge', 'grant', 'revoke', 'comment']);

/** Objects a user's CREATE / ALTER / DROP may name (no schemas, sequences, functions, roles…). */
const ALLOWED_OBJECTS = new Set(['table', 'view', 'index', 'temp', 'temporary']);

/** Why `sql` is refused (`"<KIND> statements are not permitted"`), or undefined when it may run. */
export function refusal(sql: string): string | undefined {
  const [first, second] = leadingWords(sql, 2);
  if (first === undefined || !USER_STATEMENT_KEYWORDS.has(first) || NOT_FOR_REDSHIFT_USERS.has(first)) {
    const kind = first !== undefined && /^[a-z_]/.test(first) ? first.toUpperCase() : 'This';
    return `${kind} statements are not permitted`;
  }
  if ((first === 'create' || first === 'alter' || first === 'drop') && !ALLOWED_OBJECTS.has(second ?? '')) {
    const object = second !== undefined && /^[a-z_]/.test(second) ? second.toUpperCase() : '';
    return `${first.toUpperCase()} ${object} statements are not permitted`;
  }
  return undefined;
}
