/**
 * Athena's text result format turned into typed values. Athena returns every datum as text
 * (`VarCharValue`) with a column type; this module parses that text defensively: a datum that does not
 * match its declared type is an `ERR_SERVICE_RESPONSE_INVALID` error (never a silently wrong value), and
 * types tip-sdk does not know stay strings.
 *
 * Limits of the array and map text forms (`[a, b]`, `{k=v}`): Athena prints elements without quoting, so
 * an element holding `, `, `=`, `[`, `]`, `{` or `}` cannot be told apart from the structure, and the
 * text `null` is read as a null element. Athena reports only `array` or `map` as the column type, so
 * elements stay strings unless the type names them (`array(integer)`). For exact nested values select
 * `CAST(col AS JSON)` and `JSON.parse` the string.
 *
 * @module
 */
import { TipError } from '../../errors.js';

/** A typed Athena value. */
export type AthenaValue =
  | string
  | number
  | bigint
  | boolean
  | Date
  | null
  | readonly AthenaValue[]
  | { readonly [key: string]: AthenaValue };

/** Deepest nesting parsed for declared `array(…)`/`map(…)` types. */
const MAX_DEPTH = 16;

const INTEGER = /^-?\d{1,20}$/;
const FLOAT = /^(-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?|NaN|-?Infinity)$/;
const DECIMAL = /^-?\d+(\.\d+)?$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?: UTC|Z)?$/;

/** Raised when a datum does not match its column type. The datum itself is not included. */
function badDatum(column: string, type: string, reason: string): TipError {
  return new TipError(
    'ERR_SERVICE_RESPONSE_INVALID',
    `Athena returned a value for column ${JSON.stringify(column.slice(0, 128))} that is not a valid ${type.slice(0, 64)} (${reason}); check the query or cast the column to varchar.`,
    { details: { service: 'athena', column: column.slice(0, 128), type: type.slice(0, 64), reason } },
  );
}

/** The base name and type arguments of a type like `decimal(10,2)`, `array(integer)`, `map(varchar,bigint)`. */
function splitType(type: string): { base: string; args: string[] } {
  const t = type.trim().toLowerCase();
  const open = t.indexOf('(');
  if (open < 0 || !t.endsWith(')')) return { base: t, args: [] };
  return {
    base: t.slice(0, open).trim(),
    args: splitTopLevel(t.slice(open + 1, -1), ',').map((a) => a.trim()),
  };
}

/** Splits on `sep` outside brackets, braces and parentheses. */
function splitTopLevel(text: string, sep: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '[' || c === '{' || c === '(') depth++;
    else if ((c === ']' || c === '}' || c === ')') && depth > 0) depth--;
    else if (depth === 0 && text.startsWith(sep, i)) {
      out.push(text.slice(start, i));
      start = i + sep.length;
      i += sep.length - 1;
    }
  }
  out.push(text.slice(start));
  return out;
}

function validDate(y: number, m: number, d: number): boolean {
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

function parseTimestamp(text: string, column: string, type: string): Date {
  const m = TIMESTAMP.exec(text);
  if (m === null) throw badDatum(column, type, 'format');
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number) as number[];
  if (!validDate(y!, mo!, d!) || h! > 23 || mi! > 59 || s! > 59) throw badDatum(column, type, 'range');
  const ms = m[7] === undefined ? 0 : Number(m[7].padEnd(3, '0').slice(0, 3));
  const date = new Date(Date.UTC(y!, mo! - 1, d!, h!, mi!, s!, ms));
  // Date.UTC maps years 0–99 to 1900–1999; set the full year explicitly.
  date.setUTCFullYear(y!);
  return date;
}

function parseNested(text: string, type: string, column: string, depth: number, args: string[]): AthenaValue {
  if (depth > MAX_DEPTH) throw badDatum(column, type, 'nesting');
  const { base } = splitType(type);
  if (base === 'array') {
    if (!text.startsWith('[') || !text.endsWith(']')) throw badDatum(column, type, 'format');
    const inner = text.slice(1, -1);
    if (inner.length === 0) return [];
    return splitTopLevel(inner, ', ').map((item) => element(item, args[0], column, depth));
  }
  if (!text.startsWith('{') || !text.endsWith('}')) throw badDatum(column, type, 'format');
  const inner = text.slice(1, -1);
  const out: Record<string, AthenaValue> = Object.create(null);
  if (inner.length === 0) return out;
  for (const pair of splitTopLevel(inner, ', ')) {
    const eq = splitTopLevel(pair, '=');
    if (eq.length < 2) throw badDatum(column, type, 'format');
    const key = eq[0] as string;
    out[key] = element(eq.slice(1).join('='), args[1], column, depth);
  }
  return out;
}

function element(text: string, type: string | undefined, column: string, depth: number): AthenaValue {
  if (text === 'null') return null;
  if (type === undefined) return text;
  return parseValue(type, text, column, depth + 1);
}

function parseValue(type: string, text: string, column: string, depth: number): AthenaValue {
  const { base, args } = splitType(type);
  switch (base) {
    case 'varchar':
    case 'char':
    case 'string':
      return text;
    case 'tinyint':
    case 'smallint':
    case 'integer':
    case 'int': {
      if (!INTEGER.test(text)) throw badDatum(column, type, 'format');
      const n = Number(text);
      if (!Number.isSafeInteger(n)) throw badDatum(column, type, 'range');
      return n;
    }
    case 'bigint':
      if (!INTEGER.test(text)) throw badDatum(column, type, 'format');
      return BigInt(text);
    case 'double':
    case 'float':
    case 'real':
      if (!FLOAT.test(text)) throw badDatum(column, type, 'format');
      return Number(text);
    case 'decimal':
      if (!DECIMAL.test(text)) throw badDatum(column, type, 'format');
      return text;
    case 'boolean':
      if (text === 'true') return true;
      if (text === 'false') return false;
      throw badDatum(column, type, 'format');
    case 'date': {
      const m = DATE.exec(text);
      if (m === null || !validDate(Number(m[1]), Number(m[2]), Number(m[3])))
        throw badDatum(column, type, 'format');
      return text;
    }
    case 'timestamp':
      return parseTimestamp(text, column, type);
    case 'array':
    case 'map':
      return parseNested(text, type, column, depth, args);
    default:
      // json, varbinary, time, timestamp with time zone, row, interval, uuid, ipaddress…: kept as text.
      return text;
  }
}

/**
 * Parses one Athena datum.
 *
 * @param type - The column type as Athena reports it (`varchar`, `bigint`, `array`, `decimal(10,2)`…).
 * @param text - The datum's `VarCharValue`; `undefined` is SQL NULL.
 * @param column - The column name, for error messages.
 * @returns The typed value: see the type table in docs/athena.md.
 * @throws TipError `ERR_SERVICE_RESPONSE_INVALID` when `text` does not match `type`.
 */
export function parseAthenaValue(type: string, text: string | undefined, column = '?'): AthenaValue {
  if (text === undefined) return null;
  return parseValue(type, text, column, 0);
}
