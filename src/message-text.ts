/**
 * Helpers for error messages that embed text from elsewhere (an AWS message, a parser's reason, a system
 * error), so that sentences end with exactly one period.
 *
 * @module
 */

/**
 * `text` without its trailing periods and white space, to embed before a period of the caller's own:
 * `` `failed: ${clause(reason)}.` `` never ends in `..`. An ellipsis (`…` or `...`) is kept.
 */
export function clause(text: string): string {
  const trimmed = text.trimEnd();
  if (trimmed.endsWith('...')) return trimmed;
  return trimmed.replace(/\.+$/, '').trimEnd();
}
