/**
 * Turns Postgres text-format values into JavaScript values. Lossless by design: `int8` becomes a
 * `bigint`, `numeric`, dates and timestamps stay strings in Postgres's own text form.
 */

/** Type OIDs the engine decodes specially. */
export const PG_OID = {
  bool: 16,
  int8: 20,
  int2: 21,
  int4: 23,
  oid: 26,
  json: 114,
  float4: 700,
  float8: 701,
  jsonb: 3802,
} as const;

/** Array type OID → element type OID, for the built-in types tables are made of. */
export const ARRAY_ELEMENT_OID: Readonly<Record<number, number>> = {
  1000: 16,
  1005: 21,
  1007: 23,
  1016: 20,
  1009: 25,
  1015: 1043,
  1014: 1042,
  1003: 19,
  1021: 700,
  1022: 701,
  1182: 1082,
  1115: 1114,
  1185: 1184,
  1231: 1700,
  199: 114,
  3807: 3802,
  2951: 2950,
};

/** Decodes one text-format value of type `oid`; `null` stays `null`. */
export function decodeValue(text: string | null, oid: number): unknown {
  if (text === null) return null;
  switch (oid) {
    case PG_OID.bool:
      return text === 't';
    case PG_OID.int2:
    case PG_OID.int4:
    case PG_OID.oid:
    case PG_OID.float4:
    case PG_OID.float8:
      return Number(text);
    case PG_OID.int8:
      return BigInt(text);
    case PG_OID.json:
    case PG_OID.jsonb:
      return JSON.parse(text) as unknown;
  }
  const element = ARRAY_ELEMENT_OID[oid];
  if (element !== undefined) return mapArray(parseArrayLiteral(text), (v) => decodeValue(v, element));
  return text;
}

/** A parsed Postgres array literal: nested arrays of element texts (`null` for NULL). */
export type ArrayText = (string | null | ArrayText)[];

function mapArray(items: ArrayText, fn: (v: string | null) => unknown): unknown[] {
  return items.map((item) => (Array.isArray(item) ? mapArray(item, fn) : fn(item)));
}

/**
 * Parses a Postgres array literal such as `{a,"b c",NULL,{1,2}}` (optionally prefixed by dimension
 * bounds `[1:2]=`). Quoted elements keep backslash escapes resolved; unquoted `NULL` is null.
 */
export function parseArrayLiteral(text: string): ArrayText {
  let pos = text.startsWith('[') ? text.indexOf('=') + 1 : 0;
  const parseLevel = (): ArrayText => {
    const out: ArrayText = [];
    if (text[pos] !== '{') throw new SyntaxError('Malformed array literal.');
    pos++;
    if (text[pos] === '}') {
      pos++;
      return out;
    }
    for (;;) {
      const ch = text[pos];
      if (ch === '{') out.push(parseLevel());
      else if (ch === '"') {
        pos++;
        let value = '';
        while (pos < text.length && text[pos] !== '"') {
          if (text[pos] === '\\') pos++;
          value += text[pos] ?? '';
          pos++;
        }
        pos++;
        out.push(value);
      } else {
        let end = pos;
        while (end < text.length && text[end] !== ',' && text[end] !== '}') end++;
        const raw = text.slice(pos, end).trim();
        out.push(raw.toUpperCase() === 'NULL' ? null : raw);
        pos = end;
      }
      if (text[pos] === ',') pos++;
      else if (text[pos] === '}') {
        pos++;
        return out;
      } else throw new SyntaxError('Malformed array literal.');
    }
  };
  return parseLevel();
}
