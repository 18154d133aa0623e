import fc from 'fast-check';
import { anyJsonValue } from '../../support/code-points.js';
import { describe, expect, it } from 'vitest';
import { bindParameters, parseParameters } from '../../../src/emulator/redshift/parameters.js';
import { exactJson } from '../../../src/emulator/redshift/json-reply.js';
import { toColumnMetadata, toCsv, toField } from '../../../src/emulator/redshift/results.js';

const P = [
  { name: 'a', value: '1' },
  { name: 'b_2', value: 'x' },
];

describe('bindParameters', () => {
  it.each([
    ['select :a', 'select $1', ['1']],
    ['select :a, :b_2, :a', 'select $1, $2, $1', ['1', 'x']],
    ["select ':a', :a", "select ':a', $1", ['1']],
    ["select 'it''s :a', :a", "select 'it''s :a', $1", ['1']],
    ['select ":a", :a', 'select ":a", $1', ['1']],
    ['select :a::int', 'select $1::int', ['1']],
    ['select 1::text -- :b_2\n, :a', 'select 1::text -- :b_2\n, $1', ['1']],
    ['select /* :b_2 /* nested */ :b_2 */ :a', 'select /* :b_2 /* nested */ :b_2 */ $1', ['1']],
    ['select $$ :b_2 $$, $t$ :b_2 $t$, :a', 'select $$ :b_2 $$, $t$ :b_2 $t$, $1', ['1']],
    ['select array[1,2][1:2], :a', 'select array[1,2][1:2], $1', ['1']],
  ])('binds %j', (sql, expected, params) => {
    const bound = bindParameters(sql, P);
    expect(bound).toMatchObject({ ok: true, sql: expected, params });
  });

  it('reports a placeholder without a value and lists the names used', () => {
    expect(bindParameters('select :zzz', P)).toEqual({
      ok: false,
      message: 'No value given for parameter :zzz',
    });
    const bound = bindParameters('select :b_2', P);
    expect(bound.ok && [...bound.used]).toEqual(['b_2']);
  });

  it('leaves SQL without placeholders unchanged and never throws', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (sql) => {
        const bound = bindParameters(sql, P);
        if (!sql.includes(':')) expect(bound).toMatchObject({ ok: true, sql, params: [] });
        if (bound.ok) expect(bound.params.length).toBeLessThanOrEqual(2);
      }),
    );
  });

  it('never lets a value reach the SQL text', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 50 }), (value) => {
        const bound = bindParameters('select :a', [{ name: 'a', value }]);
        expect(bound).toEqual({ ok: true, sql: 'select $1', params: [value], used: new Set(['a']) });
      }),
    );
  });
});

describe('parseParameters', () => {
  it.each([
    ['x', 'must be a list'],
    [[null], 'must be an object'],
    [[{ name: '1a', value: 'x' }], 'parameter name'],
    [[{ name: 'a;drop', value: 'x' }], 'parameter name'],
    [[{ name: 'a', value: 5 }], 'must be a string'],
    [
      [
        { name: 'a', value: 'x' },
        { name: 'a', value: 'y' },
      ],
      'more than once',
    ],
    [Array.from({ length: 1001 }, (_, k) => ({ name: `p${k}`, value: 'x' })), 'at most 1000'],
  ])('refuses case %#', (input, message) => {
    expect(parseParameters(input)).toContain(message);
  });

  it('accepts absent and valid lists', () => {
    expect(parseParameters(undefined)).toEqual([]);
    expect(parseParameters(P)).toEqual(P);
  });
});

describe('result fields', () => {
  const col = (typeName: string, typmod = -1) => ({ name: 'c', typeName, typmod });
  it.each([
    [null, 'int4', { isNull: true }],
    [true, 'bool', { booleanValue: true }],
    [7, 'int4', { longValue: 7 }],
    [9007199254740993n, 'int8', { longValue: 9007199254740993n }],
    [1.5, 'float8', { doubleValue: 1.5 }],
    [Number.NaN, 'float8', { doubleValue: 'NaN' }],
    [Number.NEGATIVE_INFINITY, 'float4', { doubleValue: '-Infinity' }],
    ['12.50', 'numeric', { stringValue: '12.50' }],
    ['2026-01-01', 'date', { stringValue: '2026-01-01' }],
    [{ a: 1n }, 'jsonb', { stringValue: '{"a":"1"}' }],
    [new Uint8Array([1, 2]), 'bytea', { blobValue: 'AQI=' }],
  ])('maps %s of %s', (value, type, field) => {
    expect(toField(value, col(type))).toEqual(field);
  });

  it('derives precision and scale from type modifiers', () => {
    expect(toColumnMetadata(col('numeric', ((10 << 16) | 2) + 4))).toMatchObject({ precision: 10, scale: 2 });
    expect(toColumnMetadata(col('varchar', 20))).toMatchObject({
      precision: 16,
      isCaseSensitive: true,
      isSigned: false,
    });
    expect(toColumnMetadata(col('int4'))).toMatchObject({
      precision: 10,
      isSigned: true,
      nullable: 2,
      tableName: '',
    });
  });

  it('writes CSV a CSV parser reads back', () => {
    const result = {
      columns: [col('text'), col('text')],
      rows: [
        ['plain', 'with,comma'],
        ['line\nbreak', 'quote"d'],
      ],
      hasResultSet: true,
      rowCount: 2,
    };
    expect(toCsv(result, 0, 2)).toBe('c,c\nplain,"with,comma"\n"line\nbreak","quote""d"\n');
    expect(toCsv(result, 1, 2)).toBe('"line\nbreak","quote""d"\n');
  });
});

describe('exactJson', () => {
  it('writes 64-bit integers with every digit and leaves strings alone', () => {
    const text = exactJson({
      Records: [[{ longValue: 9007199254740993n }, { longValue: -1n }, { stringValue: '9007199254740993' }]],
    });
    expect(text).toBe(
      '{"Records":[[{"longValue":9007199254740993},{"longValue":-1},{"stringValue":"9007199254740993"}]]}',
    );
  });

  it('matches JSON.stringify for values without bigints', () => {
    fc.assert(
      fc.property(anyJsonValue(), (value) => {
        expect(exactJson(value)).toBe(JSON.stringify(value));
      }),
    );
  });
});
