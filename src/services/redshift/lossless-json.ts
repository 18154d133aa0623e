/**
 * A small JSON parser that keeps integers beyond `Number.MAX_SAFE_INTEGER` exact as `bigint`. The Data
 * API sends `longValue` as a JSON number, which `JSON.parse` (and so the SDK) rounds above 2^53; this
 * parser re-reads the raw body for those values only. Depth and size are bounded.
 *
 * @module
 */

/** A parsed JSON value, with `bigint` for integers outside the safe range. */
export type LosslessJson =
  | null
  | boolean
  | number
  | bigint
  | string
  | LosslessJson[]
  | { [key: string]: LosslessJson };

const MAX_DEPTH = 64;

class Parser {
  pos = 0;
  constructor(readonly text: string) {}

  fail(): never {
    throw new SyntaxError(`Invalid JSON at position ${this.pos}`);
  }

  ws(): void {
    for (;;) {
      const c = this.text.charCodeAt(this.pos);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) this.pos++;
      else return;
    }
  }

  value(depth: number): LosslessJson {
    if (depth > MAX_DEPTH) this.fail();
    this.ws();
    const c = this.text[this.pos];
    if (c === '{') return this.object(depth);
    if (c === '[') return this.array(depth);
    if (c === '"') return this.string();
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number();
    for (const [word, value] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return value;
      }
    }
    return this.fail();
  }

  object(depth: number): { [key: string]: LosslessJson } {
    const out: { [key: string]: LosslessJson } = Object.create(null);
    this.pos++;
    this.ws();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return out;
    }
    for (;;) {
      this.ws();
      if (this.text[this.pos] !== '"') this.fail();
      const key = this.string();
      this.ws();
      if (this.text[this.pos] !== ':') this.fail();
      this.pos++;
      out[key] = this.value(depth + 1);
      this.ws();
      const c = this.text[this.pos++];
      if (c === '}') return out;
      if (c !== ',') this.fail();
    }
  }

  array(depth: number): LosslessJson[] {
    const out: LosslessJson[] = [];
    this.pos++;
    this.ws();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return out;
    }
    for (;;) {
      out.push(this.value(depth + 1));
      this.ws();
      const c = this.text[this.pos++];
      if (c === ']') return out;
      if (c !== ',') this.fail();
    }
  }

  string(): string {
    const start = this.pos;
    this.pos++;
    for (;;) {
      const c = this.text[this.pos];
      if (c === undefined) this.fail();
      if (c === '\\') this.pos += 2;
      else if (c === '"') break;
      else this.pos++;
    }
    this.pos++;
    // The slice is a complete JSON string literal: let the engine decode its escapes.
    return JSON.parse(this.text.slice(start, this.pos)) as string;
  }

  number(): number | bigint {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?/.exec(this.text.slice(this.pos, this.pos + 400));
    if (match === null) return this.fail();
    this.pos += match[0].length;
    const literal = match[0];
    if (match[2] === undefined && match[3] === undefined) {
      const n = Number(literal);
      return Number.isSafeInteger(n) ? n : BigInt(literal);
    }
    return Number(literal);
  }
}

/**
 * Parses `text` as JSON, keeping unsafe integers as `bigint`.
 *
 * @throws SyntaxError for malformed JSON, trailing data or nesting deeper than 64.
 */
export function parseLosslessJson(text: string): LosslessJson {
  const parser = new Parser(text);
  const value = parser.value(0);
  parser.ws();
  if (parser.pos !== text.length) parser.fail();
  return value;
}
