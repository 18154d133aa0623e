import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatTimestamp, formatValue } from '../../../src/emulator/athena/format.js';
import {
  decodeExecutionParameter,
  executionParameters,
  rewritePlaceholders,
} from '../../../src/emulator/athena/params.js';
import { AwsServiceError } from '../../../src/emulator/core/types.js';

describe('placeholders and catalog prefix', () => {
  it.each([
    ['SELECT ?', 'SELECT $1', 1],
    ['SELECT ?1', 'SELECT $1/**/1', 1],
    ['SELECT \'?\', "?", ? -- ?\n, /* ? */ ?', 'SELECT \'?\', "?", $1 -- ?\n, /* ? */ $2', 2],
    ["SELECT 'it''s ?', ?", "SELECT 'it''s ?', $1", 1],
    ['SELECT * FROM awsdatacatalog.sales.orders', 'SELECT * FROM sales.orders', 0],
    ['SELECT * FROM "AwsDataCatalog"."sales"."orders"', 'SELECT * FROM "sales"."orders"', 0],
    ['SELECT myawsdatacatalog.x', 'SELECT myawsdatacatalog.x', 0],
    ["SELECT 'awsdatacatalog.x'", "SELECT 'awsdatacatalog.x'", 0],
    ["SELECT 'unterminated ?", "SELECT 'unterminated ?", 0],
    ['/* unterminated ?', '/* unterminated ?', 0],
  ])('%j → %j', (input, output, count) => {
    expect(rewritePlaceholders(input)).toEqual({ sql: output, count });
  });

  it('counts every placeholder outside literals and keeps the rest of the text', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('?', 'a', ' ', ',', '1', '(', ')'), { maxLength: 60 }),
        (chars) => {
          const text = chars.join('');
          const { sql, count } = rewritePlaceholders(text);
          expect(count).toBe(chars.filter((c) => c === '?').length);
          expect(sql.replace(/\$\d+(\/\*\*\/)?/g, '?')).toBe(text);
        },
      ),
    );
  });

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        const { count } = rewritePlaceholders(text);
        expect(count).toBeGreaterThanOrEqual(0);
      }),
    );
  });
});

describe('execution parameters', () => {
  it.each([
    ["'eu'", 'eu'],
    ["'it''s'", "it's"],
    ['42', '42'],
    [' NULL ', null],
    ["''", ''],
  ])('%j → %j', (input, output) => {
    expect(decodeExecutionParameter(input)).toBe(output);
  });

  it.each([
    [undefined, 1],
    [['a'], 0],
    [[1], 1],
    [[''], 1],
    [['x'.repeat(1025)], 1],
    ['a', 1],
    [{}, 0],
  ])('rejects %j for %d placeholders', (value, placeholders) => {
    expect(() => executionParameters(value, placeholders)).toThrow(AwsServiceError);
  });
});

describe('Athena text formats', () => {
  it.each([
    ['2024-01-02 03:04:05', '2024-01-02 03:04:05.000'],
    ['2024-01-02 03:04:05.1', '2024-01-02 03:04:05.100'],
    ['2024-01-02 03:04:05.123456', '2024-01-02 03:04:05.123'],
    ['2024-01-02 03:04:05+00', '2024-01-02 03:04:05.000 UTC'],
    ['infinity', 'infinity'],
  ])('timestamp %j → %j', (input, output) => {
    expect(formatTimestamp(input)).toBe(output);
  });

  it('prints arrays, maps and json as Athena does', () => {
    expect(formatValue(['a', null, ['b']], 'array')).toBe('[a, null, [b]]');
    expect(formatValue({ k: 1, m: { n: [true] } }, 'map')).toBe('{k=1, m={n=[true]}}');
    expect(formatValue({ k: 'v' }, 'json')).toBe('{"k":"v"}');
    expect(formatValue(true, 'boolean')).toBe('true');
    expect(formatValue(12n, 'bigint')).toBe('12');
  });
});
