/**
 * Detection of duplicate member names in a JSON text. `JSON.parse` keeps the last of two `sub` members;
 * RFC 7515 §5.2 lets a JWS consumer either reject such a header or payload or use the lexically last
 * value, and strict verifiers reject it: so does this one, because two readers of the same token could
 * otherwise see two different subjects.
 *
 * The check is cheap: the member names written in the text are counted in one pass (strings are skipped
 * with `indexOf`), and compared with the number of keys the parsed value holds. Each duplicate collapses
 * two written names into one key, so the counts differ exactly when a name repeats within an object.
 *
 * A cheaper bound comes first: every written name is followed by its own colon, with only whitespace
 * between its closing quote and the colon, so the colons preceded that way are at least as many as the
 * written names, which are at least as many as the parsed keys. When the bound equals the parsed keys, no
 * name repeats; only when it is larger (a string value holding `":`, or a real duplicate) is the exact
 * count made.
 *
 * @module
 */

const BACKSLASH = 92;
const COLON = 58;
const QUOTE = 34;

function isJsonWhitespace(code: number): boolean {
  return code === 32 || code === 10 || code === 13 || code === 9;
}

/** The index of the quote closing the string whose opening quote is at `open`, or -1. */
function closingQuote(text: string, open: number): number {
  let end = text.indexOf('"', open + 1);
  while (end !== -1) {
    let slashes = 0;
    for (let i = end - 1; text.charCodeAt(i) === BACKSLASH; i--) slashes++;
    if (slashes % 2 === 0) return end;
    end = text.indexOf('"', end + 1);
  }
  return -1;
}

/** How many member names the JSON `text` writes, in every object at every depth. */
function writtenNames(text: string): number {
  let names = 0;
  let open = text.indexOf('"');
  while (open !== -1) {
    const end = closingQuote(text, open);
    if (end === -1) return names;
    let next = end + 1;
    while (isJsonWhitespace(text.charCodeAt(next))) next++;
    if (text.charCodeAt(next) === COLON) names++;
    open = text.indexOf('"', next);
  }
  return names;
}

/**
 * An upper bound on the member names the JSON `text` writes: the colons whose previous non-whitespace
 * character is a quote. Colons are rarer than quotes, so this walks less of the text than
 * {@link writtenNames}.
 */
function namesBound(text: string): number {
  let bound = 0;
  let colon = text.indexOf(':');
  while (colon !== -1) {
    let before = colon - 1;
    while (isJsonWhitespace(text.charCodeAt(before))) before--;
    if (text.charCodeAt(before) === QUOTE) bound++;
    colon = text.indexOf(':', colon + 1);
  }
  return bound;
}

/** How many keys the parsed JSON `value` holds, in every object at every depth. */
function parsedKeys(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  if (Array.isArray(value)) {
    let n = 0;
    for (const item of value) n += parsedKeys(item);
    return n;
  }
  // for…in allocates no key array; JSON.parse objects inherit no enumerable keys.
  let n = 0;
  for (const key in value) {
    const member = (value as Record<string, unknown>)[key];
    n += typeof member === 'object' && member !== null ? 1 + parsedKeys(member) : 1;
  }
  return n;
}

/**
 * True when the valid JSON `text`, which `JSON.parse` turned into `parsed`, repeats a member name within
 * one object (at any depth).
 */
export function hasDuplicateMembers(text: string, parsed: unknown): boolean {
  const keys = parsedKeys(parsed);
  return namesBound(text) !== keys && writtenNames(text) !== keys;
}
