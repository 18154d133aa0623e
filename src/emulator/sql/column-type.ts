import { SqlError } from './errors.js';

/**
 * A parsed Athena/Presto/Redshift column type and the Postgres type that stores it.
 *
 * Scalars map one to one (`tinyint` widens to `smallint`, `string` is `text`); `array<T>` of a scalar
 * becomes `T[]`; `map<K,V>`, `row(...)`/`struct<...>`, `json` and arrays of non-scalars become `jsonb`.
 */
export type ColumnType =
  | { readonly kind: 'scalar'; readonly name: ScalarName; readonly params: readonly number[] }
  | { readonly kind: 'array'; readonly element: ColumnType }
  | { readonly kind: 'map'; readonly key: ColumnType; readonly value: ColumnType }
  | { readonly kind: 'row'; readonly fields: readonly { name: string; type: ColumnType }[] }
  | { readonly kind: 'json' };

/** Scalar type names after alias resolution. */
export type ScalarName =
  | 'varchar'
  | 'char'
  | 'string'
  | 'integer'
  | 'bigint'
  | 'smallint'
  | 'tinyint'
  | 'double'
  | 'real'
  | 'boolean'
  | 'date'
  | 'timestamp'
  | 'decimal';

const ALIASES: Readonly<Record<string, ScalarName>> = {
  varchar: 'varchar',
  'character varying': 'varchar',
  char: 'char',
  character: 'char',
  string: 'string',
  text: 'string',
  integer: 'integer',
  int: 'integer',
  int4: 'integer',
  bigint: 'bigint',
  int8: 'bigint',
  smallint: 'smallint',
  int2: 'smallint',
  tinyint: 'tinyint',
  double: 'double',
  'double precision': 'double',
  float8: 'double',
  real: 'real',
  float: 'real',
  float4: 'real',
  boolean: 'boolean',
  bool: 'boolean',
  date: 'date',
  timestamp: 'timestamp',
  decimal: 'decimal',
  numeric: 'decimal',
};

const PG_SCALAR: Readonly<Record<ScalarName, string>> = {
  varchar: 'varchar',
  char: 'char',
  string: 'text',
  integer: 'integer',
  bigint: 'bigint',
  smallint: 'smallint',
  tinyint: 'smallint',
  double: 'double precision',
  real: 'real',
  boolean: 'boolean',
  date: 'date',
  timestamp: 'timestamp',
  decimal: 'numeric',
};

/** Longest type text accepted, characters (config is trusted, but keep the parser bounded). */
const MAX_TYPE_LENGTH = 2000;

/** Parses a type such as `decimal(10,2)`, `array<varchar>`, `map<string,int>` or `row(a int, b varchar)`. */
export function parseColumnType(text: string): ColumnType {
  if (text.length > MAX_TYPE_LENGTH) throw unknownType(text.slice(0, 40));
  const parser = new TypeParser(text);
  const type = parser.type();
  parser.end();
  return type;
}

/** The Postgres type used to store a column of `type`. */
export function pgStorageType(type: ColumnType): string {
  switch (type.kind) {
    case 'scalar': {
      const base = PG_SCALAR[type.name];
      return type.params.length > 0 && type.name !== 'tinyint' ? `${base}(${type.params.join(',')})` : base;
    }
    case 'array':
      return type.element.kind === 'scalar' ? `${pgStorageType(type.element)}[]` : 'jsonb';
    default:
      return 'jsonb';
  }
}

/** Canonical text of a type, lower case, Athena spelling (`array(varchar)` style is normalised to `array<varchar>`). */
export function formatColumnType(type: ColumnType): string {
  switch (type.kind) {
    case 'scalar':
      return type.params.length > 0 ? `${type.name}(${type.params.join(',')})` : type.name;
    case 'array':
      return `array<${formatColumnType(type.element)}>`;
    case 'map':
      return `map<${formatColumnType(type.key)},${formatColumnType(type.value)}>`;
    case 'row':
      return `row(${type.fields.map((f) => `${f.name} ${formatColumnType(f.type)}`).join(', ')})`;
    case 'json':
      return 'json';
  }
}

function unknownType(text: string): SqlError {
  return new SqlError(
    '42704',
    `Unknown column type "${text}"; use varchar, char(n), string, integer, bigint, smallint, tinyint, double, ` +
      'real, boolean, date, timestamp, decimal(p,s), array<T>, map<K,V>, row(...) or json.',
  );
}

class TypeParser {
  private pos = 0;
  constructor(private readonly text: string) {}

  type(): ColumnType {
    const word = this.word();
    if (word === 'array') {
      const close = this.open();
      const element = this.type();
      this.expect(close);
      return { kind: 'array', element };
    }
    if (word === 'map') {
      const close = this.open();
      const key = this.type();
      this.expect(',');
      const value = this.type();
      this.expect(close);
      return { kind: 'map', key, value };
    }
    if (word === 'row' || word === 'struct') {
      const close = this.open();
      const fields: { name: string; type: ColumnType }[] = [];
      do {
        const name = this.word();
        if (this.peek() === ':') this.pos++;
        fields.push({ name, type: this.type() });
      } while (this.accept(','));
      this.expect(close);
      return { kind: 'row', fields };
    }
    if (word === 'json' || word === 'jsonb') return { kind: 'json' };
    let name = word;
    if (word === 'double' || word === 'character') {
      const save = this.pos;
      const next = this.peekWord();
      if ((word === 'double' && next === 'precision') || (word === 'character' && next === 'varying')) {
        name = `${word} ${this.word()}`;
      } else {
        this.pos = save;
      }
    }
    // Own keys only: `constructor` or `__proto__` must not resolve through the prototype.
    const scalar = Object.hasOwn(ALIASES, name) ? ALIASES[name] : undefined;
    if (scalar === undefined) throw unknownType(this.text);
    const params: number[] = [];
    if (this.accept('(')) {
      do params.push(this.number());
      while (this.accept(','));
      this.expect(')');
    }
    return { kind: 'scalar', name: scalar, params };
  }

  end(): void {
    this.skipSpace();
    if (this.pos !== this.text.length) throw unknownType(this.text);
  }

  private open(): string {
    if (this.accept('<')) return '>';
    if (this.accept('(')) return ')';
    throw unknownType(this.text);
  }

  private skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos]!)) this.pos++;
  }

  private peek(): string | undefined {
    this.skipSpace();
    return this.text[this.pos];
  }

  private peekWord(): string {
    const save = this.pos;
    try {
      return this.word();
    } catch {
      return '';
    } finally {
      this.pos = save;
    }
  }

  private accept(char: string): boolean {
    if (this.peek() === char) {
      this.pos++;
      return true;
    }
    return false;
  }

  private expect(char: string): void {
    if (!this.accept(char)) throw unknownType(this.text);
  }

  private word(): string {
    this.skipSpace();
    const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.text.slice(this.pos));
    if (!match) throw unknownType(this.text);
    this.pos += match[0].length;
    return match[0].toLowerCase();
  }

  private number(): number {
    this.skipSpace();
    const match = /^\d{1,4}/.exec(this.text.slice(this.pos));
    if (!match) throw unknownType(this.text);
    this.pos += match[0].length;
    return Number(match[0]);
  }
}
