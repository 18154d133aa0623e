/**
 * Statement kinds a propagated user may run. Anything that could change the role (`SET`, `RESET`, `DO`,
 * function or role DDL) or end the transaction that holds `SET LOCAL ROLE` (transaction control) is refused
 * before it reaches the database. Only the leading keywords are inspected; table privileges and row-level
 * security decide the rest.
 */

/** Leading keywords a propagated user's statement may start with. */
const ALLOWED_FIRST = new Set([
  'select',
  'with',
  'values',
  'table',
  'insert',
  'update',
  'delete',
  'show',
  'explain',
  'create',
  'drop',
  'alter',
  'truncate',
]);
/** Objects a user's CREATE / ALTER / DROP may name. */
const ALLOWED_OBJECTS = new Set(['table', 'view', 'index', 'temp', 'temporary']);

function leadingWords(sql: string): string[] {
  const stripped = sql.replace(/--[^\n]*|\/\*[\s\S]*?\*\//g, ' ').replace(/^[\s(]+/, '');
  return stripped.toLowerCase().split(/[^a-z_]+/, 3);
}

/** Refuses statements that could leave the propagated role (see module comment). */
export function refusal(sql: string): string | undefined {
  const [first, second] = leadingWords(sql);
  if (!first || !ALLOWED_FIRST.has(first))
    return `${(first ?? '').toUpperCase() || 'This'} statements are not permitted`;
  if ((first === 'create' || first === 'alter' || first === 'drop') && !ALLOWED_OBJECTS.has(second ?? '')) {
    return `${first.toUpperCase()} ${(second ?? '').toUpperCase()} statements are not permitted`;
  }
  return undefined;
}
